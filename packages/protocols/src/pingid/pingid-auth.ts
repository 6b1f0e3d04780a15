// The PingID SDK `PINGID-HMAC=<jwt>` request authorization header and the `X-PINGID-Signature` response header
// (seed 004 "Request Authorization Header" steps 2-3 and "Response Verification"; seed README for the JWT details).
import { base64ToBytes, bytesToUtf8, equalBytes, utf8ToBytes } from '@sigil/crypto-core/encoding';
import {
  type ParsedJws,
  parseCompactJws,
  signCompactJws,
  verifyJwsSigningInput,
} from '@sigil/crypto-core/jws';
import type { SymmetricKey } from '@sigil/crypto-core/key-types';
import { ProtocolError } from '../errors.js';
import { buildCanonicalString, hashPayload, type PingIdRequestParts } from './pingid-canonical.js';
import { pingIdRequestJwtHeaderSchema } from './pingid-schema.js';

/** The prefix of the Authorization header value. */
export const PINGID_AUTHORIZATION_PREFIX = 'PINGID-HMAC=';
/** The response header carrying the server's signature over the body, as seed 004 "Response Verification" names it. */
export const PINGID_SIGNATURE_HEADER = 'X-PINGID-Signature';
/**
 * The same header as Ping Identity's own SDK sample reads it (seed 004, `verifyResponse`: `X-PINGID-Singature`, sic).
 * The sample fails when it is missing, so whoever answers as PingID sends both.
 */
export const PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING = 'X-PINGID-Singature';
/** Every name a PingID response signature travels under: the documented one first, then the sample's. */
export const PINGID_SIGNATURE_HEADERS = [
  PINGID_SIGNATURE_HEADER,
  PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING,
] as const;

/** The response headers that carry `signature`: every name in {@link PINGID_SIGNATURE_HEADERS}, same value. */
export function responseSignatureHeaders(signature: string): Record<string, string> {
  return Object.fromEntries(PINGID_SIGNATURE_HEADERS.map((name) => [name, signature]));
}

/**
 * The response signature a PingID answer carries: the documented header, else the sample's spelling; undefined when
 * neither is there.
 * @throws {ProtocolError} ERR_PINGID_RESPONSE_SIGNATURE when both are present and differ
 */
export function responseSignatureOf(headers: Headers): string | undefined {
  const [documented, sample] = PINGID_SIGNATURE_HEADERS.map((name) => headers.get(name) ?? undefined);
  if (documented !== undefined && sample !== undefined && documented !== sample) {
    throw new ProtocolError(
      'ERR_PINGID_RESPONSE_SIGNATURE',
      `${PINGID_SIGNATURE_HEADER} and ${PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING} disagree`,
    );
  }
  return documented ?? sample;
}

/** The credentials of a PingID SDK account settings file. */
export interface PingIdCredentials {
  readonly accountId: string;
  /** The account token, sent in the JWT header. */
  readonly token: string;
  /** The base64 API key; its decoded bytes are the HMAC key. */
  readonly apiKey: string;
}

/** Remembers request IDs until they expire; `remember` answers false for an ID already seen. */
export interface ReplayStore {
  remember(requestId: string, expiresAt: Date): boolean | Promise<boolean>;
}

/** An in-memory replay store for one process; entries are dropped once expired. */
export function createMemoryReplayStore(now: () => Date = () => new Date()): ReplayStore {
  const seen = new Map<string, number>();
  return {
    remember(requestId, expiresAt) {
      const current = now().getTime();
      for (const [id, expiry] of seen) if (expiry < current) seen.delete(id);
      if (seen.has(requestId)) return false;
      seen.set(requestId, expiresAt.getTime());
      return true;
    },
  };
}

function hmacKey(apiKey: string): SymmetricKey {
  return { kty: 'oct', key: base64ToBytes(apiKey) };
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, as the PingID sample code formats `expires`. */
export function formatExpires(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Options for {@link buildAuthorizationHeader}. */
export interface BuildAuthorizationOptions {
  readonly now?: Date;
  /** Validity from `now`; the sample code uses five minutes. */
  readonly lifetimeSeconds?: number;
  readonly requestId?: string;
}

/**
 * The Authorization header value `PINGID-HMAC=<jwt>` for a request: HS256 over `{"data": hex(SHA-256(canonical))}`
 * with header `account_id`, `token`, `jwt_version: "v4"`, `expires` and `X-Request-ID`.
 */
export function buildAuthorizationHeader(
  request: PingIdRequestParts,
  credentials: PingIdCredentials,
  options: BuildAuthorizationOptions = {},
): string {
  const now = options.now ?? new Date();
  const expires = new Date(now.getTime() + (options.lifetimeSeconds ?? 300) * 1000);
  const header = {
    alg: 'HS256',
    typ: 'JWT',
    account_id: credentials.accountId,
    token: credentials.token,
    jwt_version: 'v4',
    expires: formatExpires(expires),
    'X-Request-ID': options.requestId ?? crypto.randomUUID(),
  };
  const data = hashPayload(buildCanonicalString(request));
  return `${PINGID_AUTHORIZATION_PREFIX}${signCompactJws(header, JSON.stringify({ data }), hmacKey(credentials.apiKey))}`;
}

/** What a verified authorization header said. */
export interface VerifiedAuthorization {
  readonly accountId: string;
  readonly token: string;
  readonly requestId: string;
  readonly expires: Date;
}

/** Options for {@link verifyAuthorizationHeader}. */
export interface VerifyAuthorizationOptions {
  /** Finds the credentials of the account named in the header, or undefined for an unknown account. */
  readonly credentialsFor: (accountId: string) => PingIdCredentials | undefined;
  readonly replayStore: ReplayStore;
  readonly now?: Date;
  /** Longest accepted time from now to `expires`; {@link MAX_AUTHORIZATION_LIFETIME_SECONDS} by default. */
  readonly maxLifetimeSeconds?: number;
}

/** Default bound on `expires - now`: the sample code's five minutes plus five minutes of clock skew. */
export const MAX_AUTHORIZATION_LIFETIME_SECONDS = 600;

/**
 * Verifies a request's Authorization header: prefix, HS256 signature under the account's API key, the token,
 * `data` against this request's canonical string, `expires` in the future, and `X-Request-ID` never seen.
 * @throws {ProtocolError} ERR_PINGID_AUTH_* naming what failed
 */
export async function verifyAuthorizationHeader(
  authorization: string | undefined,
  request: PingIdRequestParts,
  options: VerifyAuthorizationOptions,
): Promise<VerifiedAuthorization> {
  if (!authorization) throw new ProtocolError('ERR_PINGID_AUTH_MISSING', 'authorization header is missing');
  if (!authorization.startsWith(PINGID_AUTHORIZATION_PREFIX)) {
    throw new ProtocolError(
      'ERR_PINGID_AUTH_MALFORMED',
      `authorization must start with ${PINGID_AUTHORIZATION_PREFIX}`,
    );
  }
  const jws = parseToken(authorization.slice(PINGID_AUTHORIZATION_PREFIX.length));
  const parsedHeader = pingIdRequestJwtHeaderSchema.safeParse(jws.header);
  if (!parsedHeader.success) {
    const issue = parsedHeader.error.issues[0];
    throw new ProtocolError(
      'ERR_PINGID_AUTH_MALFORMED',
      `header ${issue?.path.join('.') || ''} is invalid: ${issue?.message ?? 'malformed'}`,
    );
  }
  const { account_id: accountId, token, 'X-Request-ID': requestId, expires: expiresText } = parsedHeader.data;

  const credentials = options.credentialsFor(accountId);
  if (
    !credentials ||
    !verifyJwsSigningInput('HS256', hmacKey(credentials.apiKey), jws.signingInput, jws.signature)
  ) {
    throw new ProtocolError('ERR_PINGID_AUTH_SIGNATURE', 'authorization signature does not verify');
  }
  if (!equalBytes(utf8ToBytes(token), utf8ToBytes(credentials.token))) {
    throw new ProtocolError('ERR_PINGID_AUTH_MISMATCH', 'token does not match the account');
  }
  const expected = hashPayload(buildCanonicalString(request));
  if (payloadData(jws.payload) !== expected) {
    throw new ProtocolError('ERR_PINGID_AUTH_MISMATCH', 'signed data does not match this request');
  }
  const expires = new Date(expiresText);
  const now = (options.now ?? new Date()).getTime();
  if (Number.isNaN(expires.getTime()))
    throw new ProtocolError('ERR_PINGID_AUTH_MALFORMED', 'expires is not a date');
  if (expires.getTime() <= now)
    throw new ProtocolError('ERR_PINGID_AUTH_EXPIRED', 'authorization has expired');
  // A far-future `expires` would outlive the replay store's memory of its X-Request-ID: bound the lifetime
  // (the sample code gives five minutes; allow for clock skew).
  const maxLifetimeMs = (options.maxLifetimeSeconds ?? MAX_AUTHORIZATION_LIFETIME_SECONDS) * 1000;
  if (expires.getTime() - now > maxLifetimeMs) {
    throw new ProtocolError('ERR_PINGID_AUTH_MALFORMED', 'expires is too far in the future');
  }
  if (!(await options.replayStore.remember(requestId, expires))) {
    throw new ProtocolError('ERR_PINGID_AUTH_REPLAYED', 'X-Request-ID was already used');
  }
  return { accountId, token, requestId, expires };
}

/**
 * Verifies a compact HS256 JWS under a PingID API key, exactly as received (RFC 7515 §5.2: strict base64url,
 * the signing input as sent, `alg` must be HS256; `none` and every other alg are refused).
 * @throws {ProtocolError} ERR_PINGID_AUTH_MALFORMED when it is not a compact HS256 JWS,
 * ERR_PINGID_AUTH_SIGNATURE when the MAC does not verify
 */
export function verifyPingIdToken(token: string, apiKey: string): ParsedJws {
  const jws = parseToken(token);
  if (jws.header.alg !== 'HS256') throw new ProtocolError('ERR_PINGID_AUTH_MALFORMED', 'alg must be HS256');
  if (!verifyJwsSigningInput('HS256', hmacKey(apiKey), jws.signingInput, jws.signature)) {
    throw new ProtocolError('ERR_PINGID_AUTH_SIGNATURE', 'signature does not verify');
  }
  return jws;
}

/** The `X-PINGID-Signature` value for a response body: HS256 JWT over `{"data": hex(SHA-256(body))}`. */
export function buildResponseSignature(body: string, apiKey: string): string {
  return signCompactJws(
    { alg: 'HS256', typ: 'JWT' },
    JSON.stringify({ data: hashPayload(body) }),
    hmacKey(apiKey),
  );
}

/**
 * Verifies an `X-PINGID-Signature` header against the response body.
 * @throws {ProtocolError} ERR_PINGID_RESPONSE_SIGNATURE when it is missing, malformed or does not match
 */
export function verifyResponseSignature(
  signature: string | null | undefined,
  body: string,
  apiKey: string,
): void {
  const fail = (message: string, cause?: unknown) =>
    new ProtocolError('ERR_PINGID_RESPONSE_SIGNATURE', message, cause === undefined ? undefined : { cause });
  if (!signature) throw fail(`${PINGID_SIGNATURE_HEADER} is missing`);
  let jws: ParsedJws;
  try {
    jws = verifyPingIdToken(signature, apiKey);
  } catch (cause) {
    throw fail(`${PINGID_SIGNATURE_HEADER} does not verify`, cause);
  }
  if (payloadData(jws.payload) !== hashPayload(body)) {
    throw fail(`${PINGID_SIGNATURE_HEADER} does not match the body`);
  }
}

function parseToken(token: string): ParsedJws {
  try {
    return parseCompactJws(token);
  } catch (cause) {
    throw new ProtocolError('ERR_PINGID_AUTH_MALFORMED', 'authorization is not a compact JWS', { cause });
  }
}

function payloadData(payload: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(bytesToUtf8(payload)) as { data?: unknown };
    return typeof parsed.data === 'string' ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
