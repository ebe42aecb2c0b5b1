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
    const unstorable = unstorableText(value);
    if (unstorable !== undefined) {
      const field = unstorable || (meta.data ?? meta.type);
      throw CommonErrors.validation(field, `${field}: must be valid Unicode text without NUL characters`);
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

// a NUL, or half of a surrogate pair: Postgres refuses both in text and jsonb (a 500 after
// the input was taken), and no client means either
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The path of the first string (value or key) in `value` that no database can store, '' for
 * the value itself, undefined when there is none. Iterative: a body may be nested deeply.
 */
export function unstorableText(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return path;
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (UNSTORABLE.test(k)) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}
