// Request parsing shared by the route modules: JSON bodies, batch bodies and zod validation with stable error codes.
import type { Context } from 'hono';
import { z } from 'zod';
import { ServerError } from '../errors.js';
import type { Outcome } from '../services/batch.js';

/** The ERR_VALIDATION error naming the first field `error` found wrong. */
export function validationError(error: z.ZodError): ServerError {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return new ServerError('ERR_VALIDATION', `${where}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Checks `value` against `schema`.
 * @throws {ServerError} ERR_VALIDATION naming the first failing field
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error);
}

/**
 * The JSON body of a request, whatever its Content-Type says.
 * @throws {ServerError} ERR_MALFORMED_JSON when it is not JSON
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServerError('ERR_MALFORMED_JSON', 'the body is not valid JSON');
  }
}

/** The JSON body of a request, checked against `schema`. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  return parseWith(schema, await readJsonBody(c));
}

const batchSchema = z.array(z.unknown());

/**
 * The items of a JSON batch body, each checked against `itemSchema` on its own: a bad item becomes its
 * ERR_VALIDATION error and fails alone.
 * @throws {ServerError} ERR_MALFORMED_JSON; ERR_VALIDATION unless the body is an array; ERR_BATCH_TOO_LARGE above
 * `limit` items
 */
export async function readJsonBatch<T extends z.ZodType>(
  c: Context,
  itemSchema: T,
  limit: number,
): Promise<Outcome<z.output<T>>[]> {
  const items = parseWith(batchSchema, await readJsonBody(c));
  if (items.length > limit) {
    throw new ServerError('ERR_BATCH_TOO_LARGE', `a batch holds at most ${limit} items, got ${items.length}`);
  }
  return items.map((item) => {
    const result = itemSchema.safeParse(item);
    return result.success ? result.data : validationError(result.error);
  });
}
