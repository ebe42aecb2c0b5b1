import 'reflect-metadata';
import { startService } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

// Fastify: the heart storm is this app's whole job, and Express' per-request cost was most of it
void startService(SERVICE, AppConfig, (config) => AppModule.forRoot(config), undefined, 'fastify');
