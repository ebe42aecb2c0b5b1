export * from './bans';
