export * from './errors';
export * from './event-consumer';
export * from './kafka.module';
export * from './kafka.options';
export * from './kafka.service';
export * from './transport';
export { quietIdleRequestQueues } from './idle-request-queues';
