// PingOne callback authentication: a `pingone`-scoped bearer token, or the static headers PingOne is configured to send.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import { type AuditLog, auditEntry } from '../services/audit.js';
import { hasScope, type Principal, type TokenService } from '../services/tokens.js';
import { bearerSecret } from './auth.js';

/** Options of {@link pingOneAuth}. */
export interface PingOneAuthOptions {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  /** SIGIL_PINGONE_HEADERS: every pair must be present with exactly this value. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** The principal of requests authenticated by the configured static headers. */
export const PINGONE_HEADERS_PRINCIPAL: Principal = {
  tokenId: 'pingone-headers',
  scopes: ['pingone'],
  keys: undefined,
};

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare equal-length buffers always, so the time does not depend on where they differ.
  const same = timingSafeEqual(left.length === right.length ? left : right, right);
  return same && left.length === right.length;
}

/**
 * Accepts a bearer token with the `pingone` scope, or all of `headers` compared in constant time; else 401.
 * @throws {TypeError} when services are missing or a configured header value is empty
 */
export function pingOneAuth(options: PingOneAuthOptions): MiddlewareHandler<AppEnv> {
  if (!options?.tokens || !options.audit) throw new TypeError('pingOneAuth needs tokens and audit');
  const expected = Object.entries(options.headers ?? {}).map(([name, value]) => {
    if (typeof value !== 'string' || value.length === 0)
      throw new TypeError(`PingOne header ${name} needs a value`);
    return [name.toLowerCase(), value] as const;
  });
  const { tokens, audit } = options;
  return async (c, next) => {
    let principal: Principal | undefined;
    const secret = bearerSecret(c);
    const tokenPrincipal = secret === undefined ? undefined : await tokens.authenticate(secret);
    if (tokenPrincipal && hasScope(tokenPrincipal, 'pingone')) principal = tokenPrincipal;
    else if (expected.length > 0) {
      let matches = true;
      for (const [name, value] of expected) matches = equalText(c.req.header(name) ?? '', value) && matches;
      if (matches) principal = PINGONE_HEADERS_PRINCIPAL;
    }
    if (principal === undefined) {
      const error = new ServerError(
        'ERR_UNAUTHENTICATED',
        'PingOne credential signing needs its configured headers',
      );
      await audit.record(
        auditEntry({ requestId: c.get('requestId'), tokenId: tokenPrincipal?.tokenId }, 'pingone.sign', {
          result: 'denied',
          detail: error.code,
        }),
      );
      throw error;
    }
    c.set('principal', principal);
    await next();
  };
}
