// Token authentication: a named factory per required scope, for bearer secrets and PingID SDK `PINGID-HMAC`
// signed requests alike; refusals are audited, and answers to PingID-signed requests carry the response signature
// under both X-PINGID-Signature (seed 004's docs) and X-PINGID-Singature (what PingID's SDK sample reads).
import {
  buildResponseSignature,
  PINGID_AUTHORIZATION_PREFIX,
  responseSignatureHeaders,
} from '@sigil/protocols/pingid';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from '../context.js';
import { renderError, ServerError, surfaceOf } from '../errors.js';
import { type AuditLog, auditEntry } from '../services/audit.js';
import {
  hasScope,
  type PingIdAuthentication,
  type Principal,
  TOKEN_SCOPES,
  type TokenScope,
  type TokenService,
} from '../services/tokens.js';

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
 * Requires a valid token (401 otherwise) holding `scope` (403 otherwise), and sets `principal`. The token is
 * presented as `Authorization: Bearer <secret>`, or, for a token issued with `pingidHmac`, as a PingID SDK signed
 * request `Authorization: PINGID-HMAC=<jwt>`; the answer to the latter is signed (X-PINGID-Signature and the
 * SDK sample's X-PINGID-Singature).
 * @throws {TypeError} for missing services or an unknown scope
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  if (!options?.tokens || !options.audit) throw new TypeError('bearerAuth needs tokens and audit');
  const { tokens, audit, scope } = options;
  if (scope !== undefined && !TOKEN_SCOPES.includes(scope)) throw new TypeError(`unknown scope ${scope}`);

  /** Audits a refusal and returns the error to answer with. */
  const refusal = async (
    c: Context<AppEnv>,
    tokenId: string | undefined,
    error: ServerError,
    detail: string = error.code,
  ): Promise<ServerError> => {
    await audit.record(
      auditEntry({ requestId: c.get('requestId'), tokenId }, `${c.req.method} ${c.req.routePath}`, {
        result: 'denied',
        detail,
      }),
    );
    return error;
  };
  const missingScope = (principal: Principal): ServerError | undefined =>
    scope === undefined || hasScope(principal, scope)
      ? undefined
      : new ServerError('ERR_FORBIDDEN', `this token lacks the ${scope} scope`);

  const pingIdAuth = async (c: Context<AppEnv>, next: Next, authorization: string): Promise<void> => {
    // The canonical string covers the body as sent: read it once here; hono keeps it for the handler.
    const body = new TextDecoder().decode(await c.req.arrayBuffer());
    let authenticated: PingIdAuthentication;
    try {
      authenticated = await tokens.authenticatePingId(authorization, {
        method: c.req.method,
        url: c.req.url,
        body,
      });
    } catch (error) {
      if (!(error instanceof ServerError) || error.code !== 'ERR_UNAUTHENTICATED') throw error;
      const cause = (error.cause as { code?: unknown } | undefined)?.code;
      throw await refusal(
        c,
        undefined,
        error,
        typeof cause === 'string' ? `${error.code} (${cause})` : error.code,
      );
    }
    const { principal, apiKey } = authenticated;
    const forbidden = missingScope(principal);
    if (forbidden === undefined) {
      c.set('principal', principal);
      await next();
    } else {
      // Answered here rather than thrown, so that this refusal is signed like every answer to a verified request.
      const rendered = renderError(
        await refusal(c, principal.tokenId, forbidden),
        surfaceOf(c.req.path),
        c.get('requestId'),
      );
      c.res = new Response(rendered.body, {
        status: rendered.status,
        headers: { 'Content-Type': rendered.contentType },
      });
    }
    // Whatever the route answered, errors included (the app's error handler has rendered them by now).
    const answered = new TextDecoder().decode(await c.res.clone().arrayBuffer());
    // Both spellings, same value: the documented header, and the one Ping Identity's SDK sample requires (seed 004).
    for (const [name, value] of Object.entries(
      responseSignatureHeaders(buildResponseSignature(answered, apiKey)),
    ))
      c.header(name, value);
  };

  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization?.startsWith(PINGID_AUTHORIZATION_PREFIX)) return pingIdAuth(c, next, authorization);
    const secret = bearerSecret(c);
    const principal = secret === undefined ? undefined : await tokens.authenticate(secret);
    if (principal === undefined) {
      throw await refusal(
        c,
        undefined,
        new ServerError('ERR_UNAUTHENTICATED', 'a valid bearer token is required'),
      );
    }
    const forbidden = missingScope(principal);
    if (forbidden !== undefined) throw await refusal(c, principal.tokenId, forbidden);
    c.set('principal', principal);
    await next();
  };
}
