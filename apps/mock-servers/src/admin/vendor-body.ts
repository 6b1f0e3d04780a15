// A vendor request's JSON body read against a protocols (or mock) schema, refused with the vendor's own errors.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { MockEnv } from './mock-env.js';

/** How a vendor refuses a body: its error for text that is not JSON, and for JSON that breaks the schema. */
export interface BodyErrors {
  notJson(): Error;
  invalid(error: z.ZodError): Error;
}

/**
 * The request body parsed as JSON and checked by `schema`.
 * @throws the vendor's error from `errors` when the body is not JSON or does not fit
 */
export async function readJsonBody<T>(
  c: Context<MockEnv>,
  schema: z.ZodType<T>,
  errors: BodyErrors,
): Promise<T> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw errors.notJson();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw errors.invalid(parsed.error);
  return parsed.data;
}

/** `path: message` of the first issue; `root` names the value itself when the issue is at the top. */
export function firstIssue(error: z.ZodError, root = 'body'): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || root}: ${issue?.message ?? 'invalid'}`;
}
