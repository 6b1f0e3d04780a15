// Zod schemas of the native API's request bodies and answers: routes parse with them and /openapi.json describes them.
import { vendorUrlSchema } from '@sigil/protocols/transport';
import { z } from 'zod';
import { TOKEN_SCOPES } from './services/tokens.js';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './store/text.js';

/** A string the stores hold as given: NUL and unpaired surrogates are refused here, the same for either store. */
const text = z.string().refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE });

const name = text.min(1).max(200);
const kid = text.min(1).max(200).optional();

/** `POST /v1/keys`: generate (type + size/curve) or import (privateKeyPem or jwk). */
export const createKeySchema = z.union([
  z.strictObject({
    name: name.optional(),
    kid,
    type: z.literal('RSA'),
    size: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
  }),
  z.strictObject({
    name: name.optional(),
    kid,
    type: z.literal('EC'),
    curve: z.enum(['P-256', 'P-384', 'P-521', 'secp256k1']),
  }),
  z.strictObject({
    name: name.optional(),
    kid,
    type: z.literal('OKP'),
    curve: z.literal('Ed25519').default('Ed25519'),
  }),
  z.strictObject({
    name: name.optional(),
    kid,
    type: z.literal('HMAC'),
    size: z.union([z.literal(256), z.literal(384), z.literal(512)]).default(256),
  }),
  z.strictObject({ name, kid, privateKeyPem: text.min(1).max(100_000) }),
  z.strictObject({ name, kid, jwk: z.looseObject({ kty: text, kid: text.optional() }) }),
  // A key held in Fortanix DSM, by its DSM kid or name; app credentials as apiKey or appId + appSecret.
  z
    .strictObject({
      provider: z.literal('fortanix'),
      url: vendorUrlSchema,
      apiKey: text.min(1).max(1000).optional(),
      appId: text.min(1).max(200).optional(),
      appSecret: text.min(1).max(1000).optional(),
      kid: z.guid().optional(),
      name: name.optional(),
    })
    .refine((link) => (link.kid === undefined) !== (link.name === undefined), {
      message: 'exactly one of kid and name names the DSM key',
    })
    .refine(
      (link) => link.apiKey !== undefined || (link.appId !== undefined && link.appSecret !== undefined),
      {
        message: 'apiKey, or appId and appSecret, are required',
      },
    ),
  // A key behind a SignPath signing policy, signed through SignHash with a submitter's token.
  z.strictObject({
    provider: z.literal('signpath'),
    apiUrl: vendorUrlSchema,
    organizationId: text.min(1).max(200),
    token: text.min(1).max(1000),
    projectSlug: text.min(1).max(200),
    signingPolicySlug: text.min(1).max(200),
    name: name.optional(),
    kid,
  }),
]);

const base64Text = z.string().max(10_000_000);

/** `POST /v1/sign`. */
export const signSchema = z.strictObject({
  key: text.min(1).max(200),
  algorithm: text.min(1).max(20),
  message: base64Text.optional(),
  digest: base64Text.optional(),
  format: z.enum(['der', 'p1363']).optional(),
});

/** `POST /v1/verify`. */
export const verifySchema = signSchema.extend({
  signature: z.string().max(100_000),
  keyVersion: z.number().int().positive().optional(),
});

/** The most items one batch may hold. */
export const MAX_BATCH_ITEMS = 100;

/** `POST /v1/tokens`. */
export const createTokenSchema = z.strictObject({
  name,
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1),
  keys: z.array(text.min(1)).optional(),
  /** Also issue PingID SDK credentials (`pingid` in the answer), for `Authorization: PINGID-HMAC=<jwt>` requests. */
  pingidHmac: z.boolean().optional(),
});

/** `PUT /v1/keys/{id}/aliases`. */
export const keyAliasesSchema = z.strictObject({
  pingoneCredentialSigningKeyId: z.guid().nullable(),
});

/** `POST /v1/signpath/policies`. */
export const createSignPathPolicySchema = z.strictObject({
  organizationId: text.min(1).max(200),
  projectSlug: text.min(1).max(200),
  signingPolicySlug: text.min(1).max(200),
  keyId: text.min(1),
  submitters: z.array(text.min(1)).default([]),
});

/** `POST /v1/fortanix/apps`. */
export const createFortanixAppSchema = z.strictObject({
  name,
  keys: z.array(text.min(1)).optional(),
});

/** `GET /v1/audit` query. */
export const auditQuerySchema = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** A key as the API shows it (never any private material). */
export const keyViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(['RSA', 'EC', 'OKP', 'HMAC']),
  kid: z.string(),
  version: z.number().int(),
  status: z.enum(['active', 'disabled']),
  publicKeyJwk: z.record(z.string(), z.unknown()).optional(),
  publicKeyPem: z.string().optional(),
});

/** The answer of `POST /v1/sign` (and of each item of `/v1/sign/batch`). */
export const signResultSchema = z.object({
  signature: z.string(),
  keyId: z.uuid(),
  keyVersion: z.number().int(),
  algorithm: z.string(),
});

/** The answer of `POST /v1/tokens`: the secret, shown once. */
export const issuedTokenSchema = z.object({
  id: z.uuid(),
  token: z.string(),
  // With `pingidHmac: true`: PingID SDK credentials for `PINGID-HMAC` requests, shown once.
  pingid: z
    .object({
      accountId: z.uuid(),
      token: z.string(),
      apiKey: z.string().describe('base64 of 32 bytes: the HS256 key'),
    })
    .optional(),
});
