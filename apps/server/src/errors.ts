// The one table from error code to HTTP status, the server's error class, and the error body of each surface.
import { isCryptoError } from '@sigil/crypto-core/errors';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  buildSignPathProblem,
  SIGNPATH_PROBLEM_CONTENT_TYPE,
  type SignPathFieldErrors,
  signPathArtifactErrors,
} from '@sigil/protocols/signpath';

/** HTTP status of every error code the server answers with. Routes never pick a status by hand. */
export const ERROR_STATUS = {
  ERR_BAD_REQUEST: 400,
  ERR_MALFORMED_JSON: 400,
  ERR_MALFORMED_MULTIPART: 400,
  ERR_VALIDATION: 400,
  ERR_INVALID_KEY: 400,
  ERR_ALGORITHM_MISMATCH: 400,
  ERR_UNSUPPORTED_ALGORITHM: 400,
  ERR_DIGEST_LENGTH: 400,
  ERR_DIGEST_NOT_SUPPORTED: 400,
  ERR_SIGNATURE_FORMAT: 400,
  ERR_BATCH_TOO_LARGE: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_KEY_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_CONFLICT: 409,
  ERR_KEY_DISABLED: 409,
  ERR_NOT_READY: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_INTERNAL: 500,
  ERR_REMOTE_PROVIDER: 502,
  ERR_AUDIT_UNAVAILABLE: 503,
  ERR_UNAVAILABLE: 503,
  ERR_REMOTE_TIMEOUT: 504,
  // @sigil/protocols codes that reach a client unchanged.
  ERR_PINGONE_SIGNING_INPUT: 400,
  ERR_PINGONE_ALGORITHM: 400,
  ERR_PINGONE_KEY: 400,
  ERR_PINGONE_SIGNATURE: 500,
  ERR_SIGNPATH_ALGORITHM: 400,
  ERR_SIGNPATH_PAYLOAD: 400,
  ERR_SIGNPATH_KEY: 400,
  ERR_FORTANIX_ALGORITHM: 400,
  ERR_FORTANIX_ITEM: 400,
  ERR_FORTANIX_MODE: 400,
  ERR_FORTANIX_DIGEST_LENGTH: 400,
  // Basic app credentials a caller sent that cannot be read (the Fortanix surface answers them as ERR_UNAUTHENTICATED).
  ERR_FORTANIX_CREDENTIALS: 401,
  // A remote key provider's vendor failed (502) or did not answer in time (504).
  ERR_FORTANIX_HTTP: 502,
  ERR_FORTANIX_RESPONSE: 502,
  ERR_FORTANIX_KEY: 502,
  ERR_SIGNPATH_HTTP: 502,
  ERR_SIGNPATH_RESPONSE: 502,
  ERR_SIGNPATH_TIMEOUT: 504,
  ERR_VENDOR_TIMEOUT: 504,
} as const satisfies Record<string, number>;

/** Every error code the server answers with. */
export type ServerErrorCode = keyof typeof ERROR_STATUS;

/** An error the server answers with: a stable code, a message for people, and the status from the table. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly code: ServerErrorCode;
  /** Validation errors by field, for surfaces that report them one by one (SignPath's ASP.NET `errors`). */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>> | undefined;

  constructor(
    code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown; fieldErrors?: Readonly<Record<string, readonly string[]>> },
  ) {
    super(message, options);
    this.code = code;
    this.fieldErrors = options?.fieldErrors;
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

// crypto-core codes and what a client is told.
const CRYPTO_CODE_TO_SERVER: Readonly<Record<string, ServerErrorCode>> = {
  ERR_KEY_MISMATCH: 'ERR_ALGORITHM_MISMATCH',
  ERR_UNSUPPORTED_ALGORITHM: 'ERR_UNSUPPORTED_ALGORITHM',
  ERR_SIGNATURE_FORMAT: 'ERR_SIGNATURE_FORMAT',
  ERR_ENCODING: 'ERR_VALIDATION',
  ERR_JWS_INVALID: 'ERR_VALIDATION',
  ERR_INVALID_INPUT: 'ERR_INVALID_KEY',
  ERR_UNSUPPORTED_KEY: 'ERR_INVALID_KEY',
  ERR_DER_DECODE: 'ERR_INVALID_KEY',
  ERR_PEM_DECODE: 'ERR_INVALID_KEY',
  ERR_JWK_INVALID: 'ERR_INVALID_KEY',
  ERR_RSA_KEY_INVALID: 'ERR_INVALID_KEY',
  ERR_RSA_MESSAGE_TOO_LONG: 'ERR_BAD_REQUEST',
  ERR_RSA_ENCODE: 'ERR_ALGORITHM_MISMATCH',
  // A fault in the server's own private operation is not the caller's doing: an internal error, logged.
  ERR_RSA_FAULT: 'ERR_INTERNAL',
};

function isErrorCode(code: unknown): code is ServerErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/**
 * The ServerError for anything thrown: a ServerError as is, a crypto-core or @sigil/protocols error by its code
 * (checked by code and name, not class), anything else as ERR_INTERNAL.
 */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  if (isCryptoError(error)) {
    return new ServerError(CRYPTO_CODE_TO_SERVER[error.code] ?? 'ERR_BAD_REQUEST', error.message, {
      cause: error,
    });
  }
  if (isProtocolError(error)) {
    const code = isErrorCode(error.code) ? error.code : 'ERR_BAD_REQUEST';
    return new ServerError(code, error.message, { cause: error });
  }
  return new ServerError('ERR_INTERNAL', 'internal error', { cause: error });
}

/** Which error body a path's surface uses. */
export type ErrorSurface = 'native' | 'pingone' | 'signpath' | 'fortanix';

/** The surface a request path belongs to. */
export function surfaceOf(path: string): ErrorSurface {
  const lower = path.toLowerCase();
  if (lower.startsWith('/pingone/')) return 'pingone';
  if (lower.startsWith('/signpath/')) return 'signpath';
  if (lower.startsWith('/fortanix/')) return 'fortanix';
  return 'native';
}

/** A rendered error: status, content type and body text in the surface's own shape. */
export interface ErrorResponseParts {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * The error body of a surface: native `{error:{code,message}}`; PingOne's `{id, code, message}`; SignPath's
 * ASP.NET problem details (@sigil/protocols/signpath `buildSignPathProblem`: a 400 is a validation problem with
 * `errors` by field, other statuses ASP.NET Core 8's defaults; `traceId` keeps the `traceparent`'s trace id when
 * given; `code` as an extension member); Fortanix DSM's plain text.
 */
export function renderError(
  error: ServerError,
  surface: ErrorSurface,
  requestId: string,
  traceparent?: string,
): ErrorResponseParts {
  const status = error.status;
  const message = error.code === 'ERR_INTERNAL' ? 'internal error' : error.message;
  switch (surface) {
    case 'pingone':
      return {
        status,
        contentType: 'application/json',
        body: JSON.stringify({ id: requestId, code: error.code, message }),
      };
    case 'signpath':
      return {
        status,
        contentType: SIGNPATH_PROBLEM_CONTENT_TYPE,
        body: JSON.stringify(
          buildSignPathProblem(status, {
            detail: message,
            errors: signPathErrors(error),
            traceparent,
            code: error.code,
          }),
        ),
      };
    case 'fortanix':
      return { status, contentType: 'text/plain; charset=utf-8', body: message };
    default:
      return {
        status,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: error.code, message, requestId } }),
      };
  }
}

// The field errors of a SignPath answer: the error's own, else those of the protocols error it wraps (the artifact).
function signPathErrors(error: ServerError): SignPathFieldErrors | undefined {
  if (error.fieldErrors !== undefined) return error.fieldErrors;
  return signPathArtifactErrors(error.cause);
}
