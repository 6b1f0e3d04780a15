// Request parsing shared by the route modules: JSON bodies and zod validation with stable error codes.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ServerError } from '../errors.js';

/**
 * Checks `value` against `schema`.
 * @throws {ServerError} ERR_VALIDATION naming the first failing field
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new ServerError('ERR_VALIDATION', `${where}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The JSON body of a request.
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
