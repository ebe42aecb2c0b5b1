export * from './correlation';
export * from './logging.module';
export { Logger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
