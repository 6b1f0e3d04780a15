// PingOne mock logic: credential signing key registrations, the issuer profile, and issuing — building credential
// signing requests, sending them to the customer's URL, and verifying each returned signature as PingOne does.
import { base64ToBytes, base64urlToBytes, bytesToBase64url, utf8ToBytes } from '@sigil/crypto-core/encoding';
import { assertKeyMatchesAlgorithm, verifyJwsSigningInput } from '@sigil/crypto-core/jws';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { importJwk, type Jwk } from '@sigil/crypto-core/keys';
import {
  assertPingOneKeyMatches,
  isPingOneAlgorithm,
  type PingOneCreateSigningKeyRequest,
  type PingOneIssuerProfile,
  type PingOneSigningKey,
  type PingOneSigningPayload,
  type PingOneSigningRequest,
  type PingOneUpdateSigningKeyRequest,
  parsePingOneSigningInput,
  pingOneCredentialSigningSchema,
  pingOneSigningResponseSchema,
} from '@sigil/protocols/pingone';
import { corruptBytes } from '../admin/faults.js';
import { createSeededIdSequence } from '../seed/seeded-random.js';
import type { PingOneFixtures } from './pingone-fixtures.js';

/** A failure the routes answer in PingOne's error shape. */
export class PingOneServiceError extends Error {
  override readonly name = 'PingOneServiceError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly details: Array<{ code: string; target?: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** One verdict of `POST /__admin/pingone/issue`. */
export interface PingOneIssueResult {
  readonly kid: string;
  readonly credentialSigningKeyId: string;
  readonly valid: boolean;
  readonly error?: string;
}

/** What an issue run asks for. */
export interface PingOneIssueOptions {
  readonly purpose?: string | undefined;
  /** Only these registered keys; every enabled key by default. */
  readonly credentialSigningKeyIds?: readonly string[] | undefined;
  /** Claims merged into each credential subject. */
  readonly claims?: Record<string, unknown> | undefined;
  readonly timeoutMs?: number | undefined;
  /** Flip a bit of every received signature before verifying (a `corruptSignature` fault). */
  readonly corrupt: boolean;
}

/** The full issue answer. */
export interface PingOneIssueAnswer {
  readonly url: string;
  readonly status: number | null;
  readonly results: PingOneIssueResult[];
  readonly request: PingOneSigningRequest;
}

/** True for a signing URL PingOne accepts (the protocols schema: HTTPS, or http:// on loopback for local tests). */
function isAcceptableSigningUrl(text: string): boolean {
  return pingOneCredentialSigningSchema.shape.url.safeParse(text).success;
}

const b64url = (value: string | Uint8Array) =>
  bytesToBase64url(typeof value === 'string' ? utf8ToBytes(value) : value);

// Seed 000 calls the signature "base64-encoded"; JOSE needs base64url: accept both, as PingOne's parser does.
function signatureBytes(signature: string): Uint8Array {
  return /[+/=]/.test(signature) ? base64ToBytes(signature) : base64urlToBytes(signature);
}

/** The public key of a registration, usable for its `alg`. @throws when the JWK is not one */
function registeredKey(jwk: PingOneSigningKey['jwk']): PublicKey {
  const key = importJwk(jwk as Jwk);
  if (key.kty === 'oct') throw new TypeError('the JWK is a symmetric key');
  assertKeyMatchesAlgorithm(jwk.alg, key);
  return key as PublicKey;
}

/**
 * Checks one returned signature as PingOne does before it issues: the payload's header against the registered key
 * (kid, alg), then the JWS signature, through protocols' and crypto-core's JWS helpers (crypto-core's `verify`).
 * @throws {Error} saying why it does not verify
 */
function checkSignature(key: PingOneSigningKey, item: PingOneSigningPayload, signature: Uint8Array): void {
  const input = parsePingOneSigningInput(item.payload);
  const publicKey = registeredKey(key.jwk);
  assertPingOneKeyMatches(input, item, { kid: key.jwk.kid, publicKey, alg: key.jwk.alg });
  if (!verifyJwsSigningInput(input.alg, publicKey, input.signingInput, signature)) {
    throw new Error(`the ${input.alg} signature does not verify`);
  }
}

/** PingOne's message for a request that breaks the schema (Platform API "Error codes", INVALID_DATA). */
export const PINGONE_INVALID_DATA_MESSAGE =
  'The request could not be completed. One or more validation errors were in the request.';

/** An INVALID_DATA refusal with one detail per problem (`P1Error_details_inner`: code, target, message). */
export function pingOneInvalidData(
  details: Array<{ code: string; target: string; message: string }>,
): PingOneServiceError {
  return new PingOneServiceError(400, 'INVALID_DATA', PINGONE_INVALID_DATA_MESSAGE, details);
}

// Members of the issuer profile PingOne sets itself (Credentials spec `CredentialIssuerProfile`: readOnly): a PUT
// that sends them back (as the client does with what GET returned) does not change them.
const READ_ONLY_PROFILE_MEMBERS = ['id', 'environment', 'createdAt', 'updatedAt', '_links'] as const;

/** The PingOne mock's state and operations. */
export interface PingOneService {
  readonly fixtures: PingOneFixtures;
  authenticate(authorization: string | undefined, environmentId: string): void;
  createKey(request: PingOneCreateSigningKeyRequest): PingOneSigningKey;
  updateKey(id: string, request: PingOneUpdateSigningKeyRequest): PingOneSigningKey;
  listKeys(): PingOneSigningKey[];
  getKey(id: string): PingOneSigningKey;
  deleteKey(id: string): void;
  getProfile(): PingOneIssuerProfile;
  putProfile(profile: PingOneIssuerProfile): PingOneIssuerProfile;
  issue(options: PingOneIssueOptions): Promise<PingOneIssueAnswer>;
  reset(): void;
}

/** The PingOne service over resolved fixtures; key IDs come from the seed. */
export function createPingOneService(fixtures: PingOneFixtures, seed: string): PingOneService {
  let keys = new Map<string, PingOneSigningKey>();
  let profile: PingOneIssuerProfile = {};
  const FIXTURE_TIME = '2025-01-01T00:00:00.000Z';
  let nextId = createSeededIdSequence(seed, 'pingone/credential-signing-keys');
  let nextCredential = createSeededIdSequence(seed, 'pingone/credentials');
  const environment = { id: fixtures.environmentId };
  const reset = () => {
    keys = new Map(
      fixtures.keys.map((key) => [
        key.id,
        {
          id: key.id,
          name: key.name,
          enabled: key.enabled,
          jwk: key.publicJwk,
          environment,
          createdAt: FIXTURE_TIME,
          updatedAt: FIXTURE_TIME,
        },
      ]),
    );
    profile = { createdAt: FIXTURE_TIME, updatedAt: FIXTURE_TIME, ...fixtures.issuerProfile };
    nextId = createSeededIdSequence(seed, 'pingone/credential-signing-keys');
    nextCredential = createSeededIdSequence(seed, 'pingone/credentials');
  };
  reset();

  const find = (id: string) => {
    const key = keys.get(id.toLowerCase());
    if (key === undefined)
      throw new PingOneServiceError(404, 'NOT_FOUND', `Unable to find credentialSigningKey with id ${id}`);
    return key;
  };

  return {
    fixtures,
    authenticate(authorization, environmentId) {
      const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
      // Platform API "Error codes": no valid access token is UNAUTHORIZED (401); a valid token used on an
      // environment it holds no role in is ACCESS_FAILED (403).
      if (token !== fixtures.accessToken) {
        throw new PingOneServiceError(
          401,
          'UNAUTHORIZED',
          'The request could not be completed. A valid access token (Authorization: Bearer) is required.',
        );
      }
      if (environmentId.toLowerCase() !== fixtures.environmentId.toLowerCase()) {
        throw new PingOneServiceError(
          403,
          'ACCESS_FAILED',
          'The request could not be completed. You do not have access to this resource.',
        );
      }
    },
    createKey(request) {
      const jwk = request.jwk;
      const invalid = (target: string, message: string, code = 'INVALID_VALUE') =>
        pingOneInvalidData([{ code, target, message }]);
      if (!isPingOneAlgorithm(jwk.alg))
        throw invalid('jwk.alg', `alg ${jwk.alg} is not supported for credential signing`);
      if ([...keys.values()].some((key) => key.jwk.kid === jwk.kid))
        throw invalid('jwk.kid', `a key with kid ${jwk.kid} is already registered`, 'UNIQUENESS_VIOLATION');
      try {
        registeredKey(jwk);
      } catch (cause) {
        throw invalid(
          'jwk',
          `the JWK is not a usable ${jwk.alg} public key: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
      const now = new Date().toISOString();
      const created: PingOneSigningKey = {
        id: nextId(),
        enabled: request.enabled,
        jwk,
        ...(request.name === undefined ? {} : { name: request.name }),
        environment,
        createdAt: now,
        updatedAt: now,
      };
      keys.set(created.id, created);
      return created;
    },
    updateKey(id, request) {
      const current = find(id);
      if (
        request.jwk !== undefined &&
        JSON.stringify(request.jwk) !== JSON.stringify(current.jwk) &&
        request.jwk.kid !== current.jwk.kid
      ) {
        throw pingOneInvalidData([{ code: 'INVALID_VALUE', target: 'jwk', message: 'jwk is immutable' }]);
      }
      const updated: PingOneSigningKey = {
        ...current,
        enabled: request.enabled,
        ...(request.name === undefined ? {} : { name: request.name }),
        updatedAt: new Date().toISOString(),
      };
      keys.set(updated.id, updated);
      return updated;
    },
    listKeys: () => [...keys.values()],
    getKey: find,
    deleteKey(id) {
      find(id);
      keys.delete(id.toLowerCase());
    },
    getProfile: () => profile,
    putProfile(next) {
      const problems: Array<{ code: string; target: string; message: string }> = [];
      // The spec's CredentialIssuerProfile requires `name` ("included in credentials issued").
      if (typeof next.name !== 'string' || next.name === '')
        problems.push({ code: 'REQUIRED_VALUE', target: 'name', message: 'name is required' });
      const url = next.credentialSigning?.url;
      if (url !== undefined && !isAcceptableSigningUrl(url)) {
        problems.push({
          code: 'INVALID_VALUE',
          target: 'credentialSigning.url',
          message: 'credentialSigning.url must be an HTTPS URL (http:// only on loopback)',
        });
      }
      if (problems.length > 0) throw pingOneInvalidData(problems);
      const writable: Record<string, unknown> = { ...next };
      for (const member of READ_ONLY_PROFILE_MEMBERS) delete writable[member];
      profile = {
        ...writable,
        id: fixtures.issuerProfile.id as string,
        environment,
        createdAt: profile.createdAt ?? FIXTURE_TIME,
        updatedAt: new Date().toISOString(),
      };
      return profile;
    },
    async issue(options) {
      const signing = profile.credentialSigning;
      if (signing?.url === undefined)
        throw new PingOneServiceError(
          409,
          'NO_SIGNING_URL',
          'the issuer profile has no credentialSigning.url',
        );
      if (!isAcceptableSigningUrl(signing.url))
        throw new PingOneServiceError(
          409,
          'BAD_SIGNING_URL',
          'credentialSigning.url must be HTTPS (http:// only on loopback)',
        );
      const selected = [...keys.values()].filter((key) =>
        options.credentialSigningKeyIds === undefined
          ? key.enabled
          : options.credentialSigningKeyIds.some((id) => id.toLowerCase() === key.id),
      );
      if (selected.length === 0)
        throw new PingOneServiceError(
          409,
          'NO_SIGNING_KEYS',
          'no registered credential signing key to issue with',
        );
      const issuedAt = Math.floor(Date.now() / 1000);
      const request: PingOneSigningRequest = {
        purpose: options.purpose ?? 'sigil-mocks credential issuance',
        payloads: selected.map((key) => {
          const header = { alg: key.jwk.alg, typ: 'JWT', kid: key.jwk.kid };
          const credentialId = nextCredential();
          const claims = {
            iss: `https://auth.pingone.com/${fixtures.environmentId}`,
            sub: `urn:uuid:${credentialId}`,
            iat: issuedAt,
            jti: `urn:uuid:${credentialId}`,
            vc: {
              '@context': ['https://www.w3.org/2018/credentials/v1'],
              type: ['VerifiableCredential', 'SigilMockCredential'],
              credentialSubject: {
                id: `urn:uuid:${credentialId}`,
                name: 'Sigil Test',
                ...(options.claims ?? {}),
              },
            },
          };
          return {
            payload: `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`,
            kid: key.jwk.kid,
            credentialSigningKeyId: key.id,
          };
        }),
      };
      const failAll = (status: number | null, error: string): PingOneIssueAnswer => ({
        url: signing.url,
        status,
        request,
        results: request.payloads.map((item) => ({
          kid: item.kid,
          credentialSigningKeyId: item.credentialSigningKeyId,
          valid: false,
          error,
        })),
      });
      let response: Response;
      try {
        response = await fetch(signing.url, {
          method: 'POST',
          headers: {
            ...(signing.headers ?? {}),
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (cause) {
        return failAll(
          null,
          `the signing service could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
      const text = await response.text().catch(() => '');
      if (!response.ok)
        return failAll(
          response.status,
          `the signing service answered ${response.status}: ${text.slice(0, 200)}`,
        );
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return failAll(response.status, 'the signing service answered a body that is not JSON');
      }
      const parsed = pingOneSigningResponseSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return failAll(
          response.status,
          `the answer is not a credential signing response: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
        );
      }
      const results = await Promise.all(
        request.payloads.map(async (item): Promise<PingOneIssueResult> => {
          const verdict = { kid: item.kid, credentialSigningKeyId: item.credentialSigningKeyId };
          const signed = parsed.data.signedData.filter((entry) => entry.payload === item.payload);
          if (signed.length === 0) return { ...verdict, valid: false, error: 'the payload was not signed' };
          if (signed.length > 1)
            return { ...verdict, valid: false, error: 'the payload was signed more than once' };
          const key = keys.get(item.credentialSigningKeyId);
          if (key === undefined)
            return { ...verdict, valid: false, error: 'the key is no longer registered' };
          try {
            const signature = signatureBytes(signed[0]?.signature ?? '');
            checkSignature(key, item, options.corrupt ? corruptBytes(signature) : signature);
            return { ...verdict, valid: true };
          } catch (cause) {
            return {
              ...verdict,
              valid: false,
              error: cause instanceof Error ? cause.message : String(cause),
            };
          }
        }),
      );
      return { url: signing.url, status: response.status, request, results };
    },
    reset,
  };
}
