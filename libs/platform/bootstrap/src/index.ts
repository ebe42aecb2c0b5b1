export * from './run-app';
export * from './platform.module';
export * from './entry-points';
export * from './rate-limit';
