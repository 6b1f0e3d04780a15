// Bearer token authentication: a named factory per required scope; refusals are audited.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import { type AuditLog, auditEntry } from '../services/audit.js';
import { hasScope, TOKEN_SCOPES, type TokenScope, type TokenService } from '../services/tokens.js';

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  /** The scope every request must carry (`admin` passes everything); undefined accepts any valid token. */
  readonly scope?: TokenScope | undefined;
}

/** The bearer secret of an `Authorization: Bearer ...` header, or undefined. */
export function bearerSecret(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Requires a valid bearer token (401 otherwise) holding `scope` (403 otherwise), and sets `principal`.
 * @throws {TypeError} for missing services or an unknown scope
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  if (!options?.tokens || !options.audit) throw new TypeError('bearerAuth needs tokens and audit');
  const { tokens, audit, scope } = options;
  if (scope !== undefined && !TOKEN_SCOPES.includes(scope)) throw new TypeError(`unknown scope ${scope}`);
  return async (c, next) => {
    const secret = bearerSecret(c);
    const principal = secret === undefined ? undefined : await tokens.authenticate(secret);
    const refuse = async (tokenId: string | undefined, error: ServerError): Promise<never> => {
      await audit.record(
        auditEntry({ requestId: c.get('requestId'), tokenId }, `${c.req.method} ${c.req.routePath}`, {
          result: 'denied',
          detail: error.code,
        }),
      );
      throw error;
    };
    if (principal === undefined) {
      return refuse(undefined, new ServerError('ERR_UNAUTHENTICATED', 'a valid bearer token is required'));
    }
    if (scope !== undefined && !hasScope(principal, scope)) {
      return refuse(
        principal.tokenId,
        new ServerError('ERR_FORBIDDEN', `this token lacks the ${scope} scope`),
      );
    }
    c.set('principal', principal);
    await next();
  };
}
