export * from './auth.guard';
export * from './token';
