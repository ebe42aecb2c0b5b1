export * from './app-process';
export * from './test-env';
export * from './wait';
export * from './http';
export * from './socket-viewer';
export * from './events';
export * from './stack';
export * from './fuzz';
