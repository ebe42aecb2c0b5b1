export * from './consumer-options';
export * from './event-pipeline';
export * from './kafka-batch.server';
