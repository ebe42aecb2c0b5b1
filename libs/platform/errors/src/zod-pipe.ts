import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { CommonErrors } from './app-error';

/** Validates a body, query or param with zod; the first issue names the field at fault. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform {
  constructor(private readonly schema: S) {}

  transform(value: unknown, meta: ArgumentMetadata): z.infer<S> {
    if (meta.type === 'body' && (value === undefined || typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw CommonErrors.validation('body', 'the body must be a JSON object');
    }
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const field =
      issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.length ? issue.path.join('.') : (meta.data ?? meta.type);
    throw CommonErrors.validation(String(field), `${field}: ${issue.message}`);
  }
}

/**
 * The type of a ZodPipe-validated parameter. Type-only on purpose: decorator metadata then
 * says `Object`, so Swagger does not mistake the zod schema of the same name for a class.
 */
export type Dto<S extends z.ZodType> = z.infer<S>;
