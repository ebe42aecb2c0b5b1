export * from './app-error';
export * from './http-error.filter';
export * from './run-app';
export * from './platform.module';
export * from './entry-points';
export * from './zod-pipe';
