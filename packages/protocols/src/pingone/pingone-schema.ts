// Zod schemas of PingOne's customer credential signing messages (seed 000) and the management calls around them.
import { z } from 'zod';
import { isHttpsOrLoopback } from '../vendor-fetch.js';

// JOSE segments are base64url (RFC 7515 §2); seed 000 says "base64-encoded", so the standard alphabet is
// accepted on the wire as well. Sigil always writes base64url.
const BASE64_ANY_ALPHABET = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const COMPACT_SIGNING_INPUT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// JWK key members are base64url without padding (RFC 7518 §6.2.1, §6.3.1).
const base64urlMember = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
// PingOne's read-only timestamps are ISO 8601 date-times (`2025-01-01T00:00:00.000Z`).
const timestamp = z.iso.datetime({ offset: true });
// A resource reference such as `environment` or `applicationInstance`: `{id}` and whatever PingOne adds.
const resourceReference = z.looseObject({ id: z.string().min(1) });
// Read-only HATEOAS links (Credentials spec `LinksHATEOAS`, `LinksHATEOAS_value`): `{<rel>: {href}}`.
const hateoasLinks = z.record(z.string(), z.looseObject({ href: z.url() }));

/** One item of `payloads` (seed 000, "Customer credential signing request data model"). */
export const pingOneSigningPayloadSchema = z.object({
  /** `BASE64URL(JWT header) '.' BASE64URL(payload)`: the JWS signing input to sign. */
  payload: z.string().regex(COMPACT_SIGNING_INPUT, 'payload must be <base64url header>.<base64url payload>'),
  /** The `kid` of the JWK registered with Create Customer Signing Public Key. */
  kid: z.string().min(1),
  /** The UUID PingOne assigned to that key when it was registered. */
  credentialSigningKeyId: z.guid(),
});
/** One payload PingOne asks the customer's service to sign. */
export type PingOneSigningPayload = z.infer<typeof pingOneSigningPayloadSchema>;

/** The body PingOne POSTs to `credentialSigning.url` (seed 000). */
export const pingOneSigningRequestSchema = z.object({
  /** A free-format string for auditing. */
  purpose: z.string().optional(),
  payloads: z.array(pingOneSigningPayloadSchema),
});
/** The credential signing request. */
export type PingOneSigningRequest = z.infer<typeof pingOneSigningRequestSchema>;

/**
 * One item of `signedData`. Seed 000's response table names these fields `payloads.payload` and
 * `payloads.signature`, but they sit under `signedData`: that table's prefix is a documentation slip.
 */
export const pingOneSignedPayloadSchema = z.object({
  /** The `payload` sent in the request, unchanged. */
  payload: z.string().min(1),
  /** The signature over `payload` (JWS Signature, ECDSA as R||S); base64url, standard base64 tolerated. */
  signature: z.string().regex(BASE64_ANY_ALPHABET, 'signature must be base64url'),
});
/** One signed payload of the response. */
export type PingOneSignedPayload = z.infer<typeof pingOneSignedPayloadSchema>;

/** The customer service's answer to a credential signing request (seed 000, response data model). */
export const pingOneSigningResponseSchema = z.object({
  signedData: z.array(pingOneSignedPayloadSchema),
});
/** The credential signing response. */
export type PingOneSigningResponse = z.infer<typeof pingOneSigningResponseSchema>;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * The public JWK of a credential signing key (PingOne "Credential signing key data model": `jwk.kid`, `kty` and
 * `alg` required; `n`/`e` for RSA, `crv`/`x`/`y` for EC). Private members are refused.
 */
export const pingOnePublicJwkSchema = z
  .looseObject({
    kid: z.string().min(1),
    kty: z.string().min(1),
    alg: z.string().min(1),
    n: base64urlMember.optional(),
    e: base64urlMember.optional(),
    crv: z.string().min(1).optional(),
    x: base64urlMember.optional(),
    y: base64urlMember.optional(),
  })
  .superRefine((jwk, context) => {
    for (const member of PRIVATE_JWK_MEMBERS) {
      if (member in jwk) {
        context.addIssue({
          code: 'custom',
          path: [member],
          message: `a public JWK must not carry "${member}"`,
        });
      }
    }
  });
/** A registered public JWK. */
export type PingOnePublicJwk = z.infer<typeof pingOnePublicJwkSchema>;

/** `POST /environments/{envID}/credentialSigningKeys` body (seed README; Create Customer Signing Public Key). */
export const pingOneCreateSigningKeyRequestSchema = z.object({
  /** True: used for signing and verifying; false: kept for verifying only. */
  enabled: z.boolean(),
  jwk: pingOnePublicJwkSchema,
  name: z.string().min(1).optional(),
});
/** The body that registers a customer signing public key. */
export type PingOneCreateSigningKeyRequest = z.infer<typeof pingOneCreateSigningKeyRequestSchema>;

/** `PUT /environments/{envID}/credentialSigningKeys/{id}` body: the JWK is immutable and may be left out. */
export const pingOneUpdateSigningKeyRequestSchema = z.object({
  enabled: z.boolean(),
  jwk: pingOnePublicJwkSchema.optional(),
  name: z.string().min(1).optional(),
});
/** The body that updates a customer signing public key. */
export type PingOneUpdateSigningKeyRequest = z.infer<typeof pingOneUpdateSigningKeyRequestSchema>;

/** A credential signing key as PingOne returns it: the request fields plus `id` and read-only metadata. */
export const pingOneSigningKeySchema = z.looseObject({
  /** The UUID PingOne assigns; it is `credentialSigningKeyId` in signing requests. */
  id: z.guid(),
  enabled: z.boolean(),
  jwk: pingOnePublicJwkSchema,
  name: z.string().optional(),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
  environment: resourceReference.optional(),
});
/** A registered credential signing key. */
export type PingOneSigningKey = z.infer<typeof pingOneSigningKeySchema>;

/** PingOne allows at most ten static headers on the signing URL (seed README). */
export const PINGONE_MAX_SIGNING_HEADERS = 10;

/** `credentialSigning` of the issuer profile: where PingOne sends signing requests and with which headers. */
export const pingOneCredentialSigningSchema = z.object({
  /** Must be an HTTPS URL (seed README). */
  // PingOne requires HTTPS (seed README); plain http is allowed on loopback only, for local testing.
  url: z
    .url({ protocol: /^https?$/, error: 'credentialSigning.url must be an HTTPS URL' })
    .refine(
      (value) => !URL.canParse(value) || isHttpsOrLoopback(value),
      'credentialSigning.url must be an HTTPS URL (http:// only on loopback)',
    ),
  /** Static header name/value pairs PingOne sends to `url`, at most ten. */
  headers: z
    .record(z.string().min(1), z.string())
    .refine((headers) => Object.keys(headers).length <= PINGONE_MAX_SIGNING_HEADERS, {
      message: `at most ${PINGONE_MAX_SIGNING_HEADERS} headers`,
    })
    .optional(),
});
/** The issuer profile's credential signing configuration. */
export type PingOneCredentialSigning = z.infer<typeof pingOneCredentialSigningSchema>;

/**
 * `GET/PUT /environments/{envID}/credentialIssuerProfile` (seed README; PingOne "Credential Issuers data model").
 * Members Sigil does not use pass through untouched, since a PUT replaces the whole profile.
 */
export const pingOneIssuerProfileSchema = z.looseObject({
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  applicationInstance: resourceReference.optional(),
  environment: resourceReference.optional(),
  createdAt: timestamp.optional(),
  // The spec: "the date and time the credential issuer profile was last updated; can be null".
  updatedAt: timestamp.nullable().optional(),
  credentialSigning: pingOneCredentialSigningSchema.optional(),
  _links: hateoasLinks.optional(),
});
/** The credential issuer profile. */
export type PingOneIssuerProfile = z.infer<typeof pingOneIssuerProfileSchema>;

/** One entry of an error's `details` (PingOne Platform "Error codes"). */
export const pingOneErrorDetailSchema = z.looseObject({
  code: z.string().min(1),
  target: z.string().optional(),
  message: z.string().optional(),
  innerError: z.record(z.string(), z.unknown()).optional(),
});

/** The error body of the PingOne management API: `{id, code, message, target?, details?}`. */
export const pingOneErrorSchema = z.looseObject({
  id: z.string().min(1),
  code: z.string().min(1),
  message: z.string(),
  target: z.string().optional(),
  details: z.array(pingOneErrorDetailSchema).optional(),
});
/** A PingOne API error body. */
export type PingOneError = z.infer<typeof pingOneErrorSchema>;
