import { ArgumentsHost, CallHandler, Catch, ExecutionContext, Injectable, NestInterceptor, RpcExceptionFilter } from '@nestjs/common';
import { runWithCorrelationId } from '@live/logging';
import { Observable, throwError } from 'rxjs';
import type { EventBatch } from './consumer-options';

/** The id a batch's work runs under: its events' own when they share one, else the first one's. */
export function batchCorrelationId(batch: EventBatch<never>): string | undefined {
  return batch.find((e) => e.correlationId)?.correlationId;
}

/**
 * Binds each batch's correlation id for the handler's whole run, so its logs and every
 * record it publishes (KafkaService reads the id from the async context) carry it.
 */
@Injectable()
export class EventCorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const batch = context.switchToRpc().getData() as EventBatch<never>;
    const id = Array.isArray(batch) ? batchCorrelationId(batch) : undefined;
    if (!id) return next.handle();
    // the handler runs when the stream is subscribed: subscribe inside the binding
    return new Observable((subscriber) => runWithCorrelationId(id, () => next.handle().subscribe(subscriber)));
  }
}

/**
 * Hands a handler's error back to the transport as it is: the consumer decides between
 * retry, wait (dependency down) and dead letter by the error's type, which Nest's default
 * RPC filter would replace with a generic `{ status: 'error' }`.
 */
@Catch()
export class RethrowEventErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
