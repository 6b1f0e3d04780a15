// SignPath's error bodies: ASP.NET Core problem details (RFC 9457), rendered once for every surface that speaks
// SignPath. Validation failures are `ValidationProblemDetails` (`errors` keyed by ASP.NET's PascalCase property path,
// `""` for the artifact or body as a whole, as Jsign's recordings of SignPath show); every other status carries
// ASP.NET Core 8's defaults (`ProblemDetailsDefaults`: the RFC 9110 section of the status, its title). SignPath
// answers every 4xx this way since application 1.195.0 (docs.signpath.io changelog, 2025-08-26).
import type { z } from 'zod';
import { isProtocolError } from '../errors.js';

/** The `type` and `title` ASP.NET Core 8 gives a validation failure (`ValidationProblemDetails`). */
export const SIGNPATH_VALIDATION_TITLE = 'One or more validation errors occurred.';

/** ASP.NET Core 8 `ProblemDetailsDefaults`: the `type` and `title` each status gets when nothing sets them. */
export const SIGNPATH_PROBLEM_DEFAULTS: Readonly<Record<number, { type: string; title: string }>> = {
  400: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'Bad Request' },
  401: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2', title: 'Unauthorized' },
  403: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.4', title: 'Forbidden' },
  404: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found' },
  405: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.6', title: 'Method Not Allowed' },
  406: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.7', title: 'Not Acceptable' },
  408: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.9', title: 'Request Timeout' },
  409: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.10', title: 'Conflict' },
  412: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.13', title: 'Precondition Failed' },
  415: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.16', title: 'Unsupported Media Type' },
  422: { type: 'https://tools.ietf.org/html/rfc4918#section-11.2', title: 'Unprocessable Entity' },
  426: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.22', title: 'Upgrade Required' },
  500: {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1',
    title: 'An error occurred while processing your request.',
  },
  502: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.3', title: 'Bad Gateway' },
  503: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.4', title: 'Service Unavailable' },
  504: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.5', title: 'Gateway Timeout' },
};

// Statuses ASP.NET's table leaves out get no `type` (RFC 9457 §4.2.1: absent means "about:blank") and, as
// about:blank asks, the status phrase as `title`.
const STATUS_PHRASES: Readonly<Record<number, string>> = {
  413: 'Content Too Large',
  429: 'Too Many Requests',
};

/** The media type of every problem body (RFC 9457 §3). */
export const SIGNPATH_PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Validation errors as ASP.NET reports them: property path to messages. */
export type SignPathFieldErrors = Readonly<Record<string, readonly string[]>>;

/** A SignPath problem details body. */
export interface SignPathProblem {
  readonly type?: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: SignPathFieldErrors;
  /** W3C trace context id of the request: `00-<32 hex trace id>-<16 hex span id>-00`. */
  readonly traceId: string;
  /** Sigil's stable error code (an RFC 9457 §3.2 extension member). */
  readonly code?: string;
}

/** What {@link buildSignPathProblem} needs besides the status. */
export interface SignPathProblemOptions {
  /** The message for people; a validation problem without field errors puts it under `""`. */
  readonly detail?: string;
  /** Validation errors: when present the body is a validation problem (400). */
  readonly errors?: SignPathFieldErrors;
  /** The request's `traceparent` header, whose trace id the answer keeps (W3C Trace Context §3.2). */
  readonly traceparent?: string | undefined;
  /** Sigil's stable error code. */
  readonly code?: string;
  /** Random bytes for new trace and span ids; Web Crypto by default (tests inject a fixed source). */
  readonly randomBytes?: (length: number) => Uint8Array;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function webCryptoBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/**
 * The `traceId` ASP.NET Core reports: its request activity's W3C id, `00-<trace id>-<span id>-00`. The trace id is
 * the incoming `traceparent`'s when that header is valid (W3C Trace Context §3.2.2: version `ff` and all-zero ids are
 * invalid), else a new one; the span id is always new, since the activity is the server's own span.
 */
export function signPathTraceId(
  traceparent?: string | undefined,
  randomBytes: (length: number) => Uint8Array = webCryptoBytes,
): string {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  const incoming =
    match && match[1] !== 'ff' && !/^0+$/.test(match[2] as string) && !/^0+$/.test(match[3] as string)
      ? (match[2] as string)
      : undefined;
  let span = hex(randomBytes(8));
  if (/^0+$/.test(span)) span = '0000000000000001';
  return `00-${incoming ?? hex(randomBytes(16))}-${span}-00`;
}

/** ASP.NET's name of a property path: PascalCase members joined by `.`, indexes as `[n]`; `""` for the whole body. */
export function signPathFieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else {
      const text = String(segment);
      name += `${name === '' ? '' : '.'}${text.charAt(0).toUpperCase()}${text.slice(1)}`;
    }
  }
  return name;
}

/**
 * A zod error as ASP.NET's `ModelState`: each issue under its PascalCase property path (`""` at the top), a missing
 * member in ASP.NET's `[Required]` words (`The ProjectSlug field is required.`), others in zod's words.
 */
export function signPathFieldErrors(error: z.ZodError): SignPathFieldErrors {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = signPathFieldName(issue.path);
    const missing = issue.code === 'invalid_type' && issue.input === undefined && field !== '';
    const last = field.split('.').pop() ?? field;
    const message = missing ? `The ${last} field is required.` : issue.message;
    const messages = errors[field] ?? [];
    if (!messages.includes(message)) messages.push(message);
    errors[field] = messages;
  }
  return errors;
}

/**
 * The validation errors a @sigil/protocols SignPath error stands for: payload and algorithm errors are about the
 * artifact (or hash) as a whole, so they sit under `""` in SignPath's own words when it has them (`vendorMessage`,
 * e.g. "The hash algorithm does not match the given hash."), else in Sigil's. Undefined for any other error.
 */
export function signPathArtifactErrors(error: unknown): SignPathFieldErrors | undefined {
  if (!isProtocolError(error)) return undefined;
  if (error.code !== 'ERR_SIGNPATH_PAYLOAD' && error.code !== 'ERR_SIGNPATH_ALGORITHM') return undefined;
  return { '': [error.vendorMessage ?? error.message] };
}

/**
 * A SignPath problem details body. With `errors` (or for status 400 with only a `detail`): a validation problem,
 * `type` RFC 9110 §15.5.1, `title` "One or more validation errors occurred.", `errors` keyed by field (a bare detail
 * under `""`). Otherwise ASP.NET Core 8's defaults for the status and `detail`. `traceId` always; `code` when given.
 * @throws {RangeError} for a status outside 400-599
 */
export function buildSignPathProblem(status: number, options: SignPathProblemOptions = {}): SignPathProblem {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`status must be an HTTP error status, got ${String(status)}`);
  }
  const traceId = signPathTraceId(options.traceparent, options.randomBytes);
  const code = options.code === undefined ? {} : { code: options.code };
  if (status === 400) {
    const errors = options.errors ?? { '': [options.detail ?? 'The request is invalid.'] };
    const detail =
      options.detail !== undefined && !Object.values(errors).some((list) => list.includes(options.detail!))
        ? { detail: options.detail }
        : {};
    return {
      errors,
      type: SIGNPATH_PROBLEM_DEFAULTS[400]!.type,
      title: SIGNPATH_VALIDATION_TITLE,
      status,
      ...detail,
      traceId,
      ...code,
    };
  }
  const defaults = SIGNPATH_PROBLEM_DEFAULTS[status];
  return {
    ...(defaults === undefined ? {} : { type: defaults.type }),
    title: defaults?.title ?? STATUS_PHRASES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    traceId,
    ...code,
  };
}
