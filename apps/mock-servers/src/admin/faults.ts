// Fault injection: the fault definitions of `POST /__admin/faults`, their store, and the middleware that applies
// them (status, delay, connection reset, malformed body, corrupted signature), with `times` limits.
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { isCoreAdminPath, type MockEnv, type MockName } from './mock-env.js';
import { matchesMethod, matchesPathPattern } from './path-pattern.js';
import { ConnectionResetFault } from './request-journal.js';

const matcherShape = {
  /** HTTP method, or `ANY` (the default). */
  method: z.string().min(1).optional(),
  /** Exact path, or a prefix ending in `*`. */
  path: z.string().startsWith('/', 'path must start with /'),
  /** Stop after this many hits; forever when absent. */
  times: z.number().int().positive().optional(),
};

const delaySchema = z.union([
  z.number().int().nonnegative().max(600_000),
  z
    .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative().max(600_000) })
    .refine((range) => range.min <= range.max, { message: 'min must not exceed max' }),
]);

/** The body of `POST /__admin/faults`: a matcher plus exactly one action. */
export const faultDefinitionSchema = z.union([
  z.strictObject({
    ...matcherShape,
    status: z.number().int().min(100).max(599),
    /** A JSON value or text; the vendor's own error body for `status` when absent. */
    body: z.unknown().optional(),
  }),
  z.strictObject({ ...matcherShape, delayMs: delaySchema }),
  z.strictObject({ ...matcherShape, reset: z.literal(true) }),
  z.strictObject({ ...matcherShape, malformed: z.literal(true) }),
  z.strictObject({ ...matcherShape, corruptSignature: z.literal(true) }),
]);
/** A fault as posted. */
export type FaultDefinition = z.infer<typeof faultDefinitionSchema>;

/** A stored fault: its definition, ID and hit count. */
export type Fault = FaultDefinition & { readonly id: string; hits: number; remaining: number | null };

/** The faults a mock holds. */
export interface FaultStore {
  add(definition: FaultDefinition): Fault;
  list(): Fault[];
  remove(id: string): boolean;
  clear(): void;
  /** The first fault matching the request, counted as hit (and dropped when its `times` are used up). */
  take(method: string, path: string): Fault | undefined;
}

/** An empty fault store; paths match case-insensitively when the vendor's do. */
export function createFaultStore(caseInsensitivePaths = false): FaultStore {
  let faults: Fault[] = [];
  let nextId = 1;
  return {
    add(definition) {
      const fault: Fault = {
        ...definition,
        id: String(nextId++),
        hits: 0,
        remaining: definition.times ?? null,
      };
      faults.push(fault);
      return fault;
    },
    list: () => faults.map((fault) => ({ ...fault })),
    remove(id) {
      const before = faults.length;
      faults = faults.filter((fault) => fault.id !== id);
      return faults.length !== before;
    },
    clear() {
      faults = [];
    },
    take(method, path) {
      const fault = faults.find(
        (candidate) =>
          matchesMethod(candidate.method, method) &&
          matchesPathPattern(candidate.path, path, caseInsensitivePaths),
      );
      if (fault === undefined) return undefined;
      fault.hits += 1;
      if (fault.remaining !== null) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults = faults.filter((candidate) => candidate !== fault);
      }
      return { ...fault };
    },
  };
}

/** What a fault does, in a few words (for the journal). */
export function describeFault(fault: Fault): string {
  if ('status' in fault) return `status ${fault.status}`;
  if ('delayMs' in fault) return `delay ${JSON.stringify(fault.delayMs)}`;
  if ('reset' in fault) return 'connection reset';
  if ('malformed' in fault) return 'malformed body';
  return 'corrupt signature';
}

/** Flips the lowest bit of the last byte: a signature that still parses but no longer verifies. */
export function corruptBytes(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  if (copy.length > 0) copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
}

/** Signature bytes as the route should return them: corrupted when a `corruptSignature` fault matched. */
export function maybeCorrupt(c: Context<MockEnv>, signature: Uint8Array): Uint8Array {
  return c.get('corruptSignature') ? corruptBytes(signature) : signature;
}

function delayOf(delay: z.infer<typeof delaySchema>): number {
  if (typeof delay === 'number') return delay;
  return delay.min + Math.floor(Math.random() * (delay.max - delay.min + 1));
}

/** Half of the answer's text: it no longer parses as the vendor's JSON. */
function malform(text: string): string {
  if (text.length < 2) return '{"';
  return text.slice(0, Math.ceil(text.length / 2));
}

/** Options of {@link faultInjection}. */
export interface FaultInjectionOptions {
  readonly faults: FaultStore;
  readonly mock: MockName;
  /** The vendor's own error answer for a status fault without a body. */
  readonly errorResponse: (c: Context<MockEnv>, status: number, message: string) => Response;
}

/**
 * Middleware that applies the first matching fault to each vendor request. A reset destroys the socket (under
 * @hono/node-server) and throws {@link ConnectionResetFault}, so an in-process `app.request()` rejects as well.
 * @throws {TypeError} when `faults` or `errorResponse` is missing
 */
export function faultInjection(options: FaultInjectionOptions): MiddlewareHandler<MockEnv> {
  if (typeof options?.faults?.take !== 'function') throw new TypeError('faultInjection needs a fault store');
  if (typeof options.errorResponse !== 'function') throw new TypeError('faultInjection needs errorResponse');
  const { faults, mock, errorResponse } = options;
  return async (c, next) => {
    c.set('corruptSignature', false);
    const path = new URL(c.req.url).pathname;
    if (isCoreAdminPath(path, mock)) return next();
    const fault = faults.take(c.req.method, path);
    if (fault === undefined) return next();
    c.set('appliedFault', describeFault(fault));
    if ('reset' in fault) {
      c.env?.incoming?.socket?.destroy();
      throw new ConnectionResetFault(describeFault(fault));
    }
    if ('status' in fault) {
      if (fault.body === undefined) return errorResponse(c, fault.status, 'injected fault');
      if (typeof fault.body === 'string') return c.text(fault.body, fault.status as 400);
      return c.json(fault.body as object, fault.status as 400);
    }
    if ('delayMs' in fault) {
      await new Promise((resolve) => setTimeout(resolve, delayOf(fault.delayMs)));
      return next();
    }
    if ('corruptSignature' in fault) {
      c.set('corruptSignature', true);
      return next();
    }
    await next();
    const text = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(malform(text), { status: c.res.status, headers });
  };
}
