export * from './app-error';
export * from './http-error.filter';
export * from './zod-pipe';
export * from './unavailable';
