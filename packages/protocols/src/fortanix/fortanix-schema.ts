// Zod schemas of the Fortanix DSM calls Sigil speaks: session auth, sign, verify, their batch forms, and security
// objects (seed 003 for POST /crypto/v1/keys/batch/sign; the seed README and Fortanix's OpenAPI for the rest).
import { z } from 'zod';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A `string (byte)` member: standard base64 ("All binary input should be base64-encoded"). */
const bytesString = z.string().regex(BASE64, 'must be standard base64');

/** `hash_alg` values (seed 003, "A hash algorithm. Valid values"). */
export const FORTANIX_HASH_ALGORITHMS = [
  'BLAKE2B256',
  'BLAKE2B384',
  'BLAKE2B512',
  'BLAKE2S256',
  'RIPEMD160',
  'SSL3',
  'SHA1',
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
  'STREEBOG256',
  'STREEBOG512',
  'SHA3_224',
  'SHA3_256',
  'SHA3_384',
  'SHA3_512',
] as const;
/** A Fortanix hash algorithm name. */
export type FortanixHashAlgorithm = (typeof FORTANIX_HASH_ALGORITHMS)[number];

/** Security object types (seed 003, `inline.obj_type`; the OpenAPI's `ObjectType` adds SLIP10). */
export const FORTANIX_OBJECT_TYPES = [
  'AES',
  'ARIA',
  'DES',
  'DES3',
  'SEED',
  'RSA',
  'DSA',
  'EC',
  'KCDSA',
  'ECKCDSA',
  'BIP32',
  'SLIP10',
  'BLS',
  'OPAQUE',
  'HMAC',
  'LEDABETA',
  'ROUND5BETA',
  'SECRET',
  'LMS',
  'XMSS',
  'MLDSA',
  'MLDSABETA',
  'MLKEM',
  'MLKEMBETA',
  'CERTIFICATE',
  'PBE',
] as const;
/** A Fortanix security object type. */
export type FortanixObjectType = (typeof FORTANIX_OBJECT_TYPES)[number];

const hashAlgorithm = z.enum(FORTANIX_HASH_ALGORITHMS);

/** A security object descriptor: exactly one of `kid`, `name`, `transient_key`, `inline` (seed 003). */
export type FortanixKeyDescriptor =
  | { kid: string }
  | { name: string }
  | { transient_key: string }
  | { inline: { value: string; obj_type: FortanixObjectType } };

const DESCRIPTOR_MEMBERS = ['kid', 'name', 'transient_key', 'inline'] as const;

/** A security object's name (OpenAPI: at most 4096 characters, one line, not only white space). */
const sobjectName = z
  .string()
  .max(4096)
  .regex(/^[^\n]*[^\s\n][^\n]*$/, 'name must be one line with a non-space character');

/**
 * `key`: seed 003's SobjectDescriptor OneOf. Checked as one object with four optional members and an exactly-one
 * rule, so that an error inside a variant keeps its path (`key.inline.obj_type`).
 */
export const fortanixKeyDescriptorSchema = z
  .strictObject({
    kid: z.guid().optional(),
    name: sobjectName.optional(),
    transient_key: bytesString.optional(),
    inline: z.object({ value: bytesString, obj_type: z.enum(FORTANIX_OBJECT_TYPES) }).optional(),
  })
  .superRefine((descriptor, context) => {
    const given = DESCRIPTOR_MEMBERS.filter((member) => descriptor[member] !== undefined);
    if (given.length !== 1) {
      context.addIssue({
        code: 'custom',
        message: `exactly one of ${DESCRIPTOR_MEMBERS.join(', ')} is required`,
      });
    }
  }) as unknown as z.ZodType<FortanixKeyDescriptor>;

/** An RSA signature padding (seed 003, RsaSignaturePadding): PKCS#1 v1.5, or PSS with MGF1 over a hash. */
export type FortanixSignatureMode =
  | { PKCS1_V15: Record<string, never> }
  | { PSS: { mgf: { mgf1: { hash: FortanixHashAlgorithm } } } };

const MODE_MEMBERS = ['PKCS1_V15', 'PSS'] as const;

/**
 * `mode`: `{PKCS1_V15: {}}` or `{PSS: {mgf: {mgf1: {hash}}}}` (seed 003, RsaSignaturePadding OneOf); RSA only.
 * Checked as one object with an exactly-one rule, like the key descriptor, so an error keeps its path
 * (`mode.PSS.mgf.mgf1.hash`) instead of a bare union failure.
 */
export const fortanixSignatureModeSchema = z
  .strictObject({
    PKCS1_V15: z.strictObject({}).optional(),
    PSS: z.object({ mgf: z.strictObject({ mgf1: z.object({ hash: hashAlgorithm }) }) }).optional(),
  })
  .superRefine((mode, context) => {
    if (MODE_MEMBERS.filter((member) => mode[member] !== undefined).length !== 1) {
      context.addIssue({ code: 'custom', message: `exactly one of ${MODE_MEMBERS.join(', ')} is required` });
    }
  }) as unknown as z.ZodType<FortanixSignatureMode>;

/**
 * A sign request: the body of `POST /crypto/v1/sign` and one item of `POST /crypto/v1/keys/batch/sign`
 * (seed 003). "Either hash or data should be specified; it is an error to specify both or none": that rule is
 * checked per item by `decodeFortanixSignItem`, so one bad item does not reject a whole batch.
 */
export const fortanixSignRequestSchema = z.object({
  key: fortanixKeyDescriptorSchema.optional(),
  hash_alg: hashAlgorithm,
  /** The digest to sign, base64. */
  hash: bytesString.optional(),
  /** The data to hash and sign, base64. */
  data: bytesString.optional(),
  mode: fortanixSignatureModeSchema.optional(),
  deterministic_signature: z.boolean().nullable().optional(),
  /** Only ML-DSA keys accept a context. */
  context: bytesString.optional(),
});
/** A sign request. */
export type FortanixSignRequest = z.infer<typeof fortanixSignRequestSchema>;

/** A sign result: `{kid, signature}` (seed 003 BatchSignResponseItemSuccess.body; seed README for /crypto/v1/sign). */
export const fortanixSignResponseSchema = z.object({
  /** Returned for non-transient keys. */
  kid: z.guid().nullable().optional(),
  signature: bytesString,
});
/** A sign result. */
export type FortanixSignResponse = z.infer<typeof fortanixSignResponseSchema>;

/** A verify request: a sign request's key, hash/data and mode, plus the `signature` (seed README). */
export const fortanixVerifyRequestSchema = fortanixSignRequestSchema
  .omit({ deterministic_signature: true })
  .extend({ signature: bytesString });
/** A verify request. */
export type FortanixVerifyRequest = z.infer<typeof fortanixVerifyRequestSchema>;

/** A verify result: `{kid, result}` (seed README). */
export const fortanixVerifyResponseSchema = z.object({
  kid: z.guid().nullable().optional(),
  result: z.boolean(),
});
/** A verify result. */
export type FortanixVerifyResponse = z.infer<typeof fortanixVerifyResponseSchema>;

/** The body of `POST /crypto/v1/keys/batch/sign`: an array of sign requests. */
export const fortanixBatchSignRequestSchema = z.array(fortanixSignRequestSchema);
/** The body of `POST /crypto/v1/keys/batch/verify`: an array of verify requests. */
export const fortanixBatchVerifyRequestSchema = z.array(fortanixVerifyRequestSchema);

/** A failed batch item: `{status, error}` (seed 003, BatchSignResponseItemError). */
export const fortanixBatchItemErrorSchema = z.object({ status: z.number().int(), error: z.string() });
/** A failed batch item. */
export type FortanixBatchItemError = z.infer<typeof fortanixBatchItemErrorSchema>;

/**
 * One batch answer item: seed 003's OneOf of `{status, body}` (BatchSignResponseItemSuccess) and `{status, error}`
 * (BatchSignResponseItemError). Checked as one object with an exactly-one rule on `body`/`error`, so an error
 * keeps its path (`body.signature`) instead of a bare union failure.
 */
function batchResponseItemSchema<TBody extends z.ZodType>(body: TBody) {
  return z
    .object({ status: z.number().int(), body: body.optional(), error: z.string().optional() })
    .superRefine((item, context) => {
      if ((item.body === undefined) === (item.error === undefined)) {
        context.addIssue({ code: 'custom', message: 'exactly one of body and error is required' });
      }
    }) as unknown as z.ZodType<{ status: number; body: z.infer<TBody> } | FortanixBatchItemError>;
}

/** One item of the batch sign answer, in request order (seed 003). */
export const fortanixBatchSignResponseItemSchema = batchResponseItemSchema(fortanixSignResponseSchema);
/** One batch sign result. */
export type FortanixBatchSignResponseItem = z.infer<typeof fortanixBatchSignResponseItemSchema>;

/** The batch sign answer. */
export const fortanixBatchSignResponseSchema = z.array(fortanixBatchSignResponseItemSchema);

/** One item of the batch verify answer, in request order. */
export const fortanixBatchVerifyResponseItemSchema = batchResponseItemSchema(fortanixVerifyResponseSchema);
/** One batch verify result. */
export type FortanixBatchVerifyResponseItem = z.infer<typeof fortanixBatchVerifyResponseItemSchema>;

/** The batch verify answer. */
export const fortanixBatchVerifyResponseSchema = z.array(fortanixBatchVerifyResponseItemSchema);

/** `POST /sys/v1/session/auth` answer to Basic app credentials (seed README). */
export const fortanixSessionAuthResponseSchema = z.looseObject({
  token_type: z.literal('Bearer'),
  /** Seconds the access token stays valid. */
  expires_in: z.number().int().nonnegative(),
  access_token: z.string().min(1),
  entity_id: z.guid(),
});
/** A session auth answer. */
export type FortanixSessionAuthResponse = z.infer<typeof fortanixSessionAuthResponseSchema>;

/**
 * A Fortanix DSM error body. DSM answers errors as plain text (Fortanix's Go and Rust clients keep the body as the
 * message, and batch items carry `error` as a string); no JSON error shape is documented.
 */
export const fortanixErrorSchema = z.string();

/** `SobjectDescriptor` (OpenAPI; seed 003's `key`): the same schema as {@link fortanixKeyDescriptorSchema}. */
export const fortanixSobjectDescriptorSchema = fortanixKeyDescriptorSchema;
/** A security object descriptor: `{kid}`, `{name}`, `{transient_key}` or `{inline}`. */
export type FortanixSobjectDescriptor = FortanixKeyDescriptor;

/** OpenAPI `EllipticCurve`: every curve DSM names (Sigil signs with those in `FORTANIX_CURVES`). */
export const FORTANIX_ELLIPTIC_CURVES = [
  'X25519',
  'Ed25519',
  'Ed448',
  'X448',
  'SecP192K1',
  'SecP224K1',
  'SecP256K1',
  'NistP192',
  'NistP224',
  'NistP256',
  'NistP384',
  'NistP521',
  'Gost256A',
] as const;
/** A DSM elliptic curve name. */
export type FortanixEllipticCurve = (typeof FORTANIX_ELLIPTIC_CURVES)[number];

/** OpenAPI `KeyOperations`: what a key may be used for. */
export const FORTANIX_KEY_OPERATIONS = [
  'SIGN',
  'VERIFY',
  'ENCRYPT',
  'DECRYPT',
  'WRAPKEY',
  'UNWRAPKEY',
  'DERIVEKEY',
  'TRANSFORM',
  'MACGENERATE',
  'MACVERIFY',
  'EXPORT',
  'APPMANAGEABLE',
  'HIGHVOLUME',
  'AGREEKEY',
  'ENCAPSULATE',
  'DECAPSULATE',
] as const;
/** A DSM key operation. */
export type FortanixKeyOperation = (typeof FORTANIX_KEY_OPERATIONS)[number];

/** OpenAPI `ObjectOrigin`: where a security object was created. */
export const FORTANIX_OBJECT_ORIGINS = ['FortanixHSM', 'Transient', 'External'] as const;
/** OpenAPI `SobjectState`: a security object's operational state. */
export const FORTANIX_SOBJECT_STATES = [
  'PreActive',
  'Active',
  'Deactivated',
  'Compromised',
  'Destroyed',
  'Deleted',
] as const;

/** A DSM timestamp, `20170509T070912Z` (the OpenAPI's pattern and example). */
const dsmTimestamp = z
  .string()
  .regex(/^\d{4}\d{2}\d{2}T\d{2}\d{2}\d{2}Z$/, 'must be a timestamp like 20170509T070912Z');

/**
 * A OneOf checked by the variant the value's shape picks (`pick` answers undefined for none), so that an error keeps
 * its path inside the variant instead of a bare union failure at the root.
 */
function oneOfByShape<T>(pick: (value: unknown) => z.ZodType<T> | undefined, expected: string): z.ZodType<T> {
  return z.unknown().transform((value, context) => {
    const variant = pick(value);
    if (variant === undefined) {
      context.addIssue({ code: 'custom', message: `expected ${expected}`, input: value });
      return z.NEVER;
    }
    const parsed = variant.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  }) as unknown as z.ZodType<T>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PRINCIPAL_VARIANTS = {
  app: z.object({ app: z.guid() }),
  user: z.object({ user: z.guid() }),
  plugin: z.object({ plugin: z.guid() }),
  userviaapp: z.object({ userviaapp: z.object({ user_id: z.guid(), scopes: z.array(z.string()) }) }),
} as const;
const principalNames = z.enum(['system', 'unregistereduser']);

/** A security principal (OpenAPI `Principal`). */
export type FortanixPrincipal =
  | z.infer<(typeof PRINCIPAL_VARIANTS)[keyof typeof PRINCIPAL_VARIANTS]>
  | z.infer<typeof principalNames>;

/** OpenAPI `Principal`: who created an object: an app, a user, a plugin, a user via an app, or the system. */
export const fortanixPrincipalSchema = oneOfByShape<FortanixPrincipal>((value) => {
  if (typeof value === 'string') return principalNames;
  if (!isObject(value)) return undefined;
  const names = Object.keys(PRINCIPAL_VARIANTS).filter((name) => name in value);
  return names.length === 1 ? PRINCIPAL_VARIANTS[names[0] as keyof typeof PRINCIPAL_VARIANTS] : undefined;
}, 'one of {app}, {user}, {plugin}, {userviaapp}, "system", "unregistereduser"');

/**
 * OpenAPI `Sobject`, the answer of `POST /crypto/v1/keys/info`, `GET /crypto/v1/keys`, `POST /crypto/v1/keys`: the
 * members the OpenAPI requires (`acct_id`, `created_at`, `creator`, `enabled`, `key_ops`, `obj_type`, `origin`,
 * `public_only`), the optional ones a client needs to use the key, and any others passed through unchecked.
 */
export const fortanixSobjectSchema = z.looseObject({
  acct_id: z.guid(),
  created_at: dsmTimestamp,
  creator: fortanixPrincipalSchema,
  enabled: z.boolean(),
  key_ops: z.array(z.enum(FORTANIX_KEY_OPERATIONS)),
  obj_type: z.enum(FORTANIX_OBJECT_TYPES),
  origin: z.enum(FORTANIX_OBJECT_ORIGINS),
  public_only: z.boolean(),
  /** Absent (or null) for transient keys. */
  kid: z.guid().nullable().optional(),
  name: sobjectName.nullable().optional(),
  description: z.string().nullable().optional(),
  /** Bits: the modulus for RSA, the curve's size for EC. */
  key_size: z.number().int().min(0).max(4294967295).nullable().optional(),
  elliptic_curve: z.enum(FORTANIX_ELLIPTIC_CURVES).optional(),
  /** Base64 DER of the public key (a SubjectPublicKeyInfo), when the object has one. */
  pub_key: bytesString.optional(),
  state: z.enum(FORTANIX_SOBJECT_STATES).optional(),
  deterministic_signatures: z.boolean().nullable().optional(),
  never_exportable: z.boolean().nullable().optional(),
  group_id: z.guid().nullable().optional(),
  /** A transient key's material, to name it in later calls (`{transient_key}`). */
  transient_key: bytesString.optional(),
});
/** A security object as DSM describes it. */
export type FortanixSobject = z.infer<typeof fortanixSobjectSchema>;

const listSobjectsArraySchema = z.array(fortanixSobjectSchema);
const listSobjectsWithMetadataSchema = z.object({
  metadata: z.object({
    total_count: z.number().int().nullable().optional(),
    filtered_count: z.number().int().nullable().optional(),
  }),
  items: z.array(fortanixSobjectSchema),
});
/** A list of security objects, in either form. */
export type FortanixListSobjectsResponse =
  | z.infer<typeof listSobjectsArraySchema>
  | z.infer<typeof listSobjectsWithMetadataSchema>;

/**
 * OpenAPI `ListSobjectsResponse`: an array of Sobjects, or `{metadata, items}` when `with_metadata` is asked. The
 * value's shape picks the form, so an error keeps its path (`0.acct_id`, `items.0.kid`).
 */
export const fortanixListSobjectsResponseSchema = oneOfByShape<FortanixListSobjectsResponse>(
  (value) =>
    Array.isArray(value)
      ? listSobjectsArraySchema
      : isObject(value) && ('items' in value || 'metadata' in value)
        ? listSobjectsWithMetadataSchema
        : undefined,
  'an array of Sobjects or {metadata, items}',
);

/**
 * OpenAPI `SobjectRequest` as the body of `POST /crypto/v1/keys` (create a key): the OpenAPI requires none of its
 * members; these are the ones that say which key to make, and any others pass through unchecked.
 */
export const fortanixCreateKeyRequestSchema = z.looseObject({
  name: sobjectName.nullable().optional(),
  obj_type: z.enum(FORTANIX_OBJECT_TYPES).optional(),
  /** Bits, for RSA (and symmetric) keys. */
  key_size: z.number().int().min(0).max(4294967295).nullable().optional(),
  elliptic_curve: z.enum(FORTANIX_ELLIPTIC_CURVES).optional(),
  key_ops: z.array(z.enum(FORTANIX_KEY_OPERATIONS)).nullable().optional(),
  description: z.string().nullable().optional(),
  enabled: z.boolean().nullable().optional(),
  /** "If set to true, the security object will cease to exist after session ends." */
  transient: z.boolean().nullable().optional(),
  deterministic_signatures: z.boolean().nullable().optional(),
  pub_exponent: z.number().int().min(0).max(4294967295).nullable().optional(),
  group_id: z.guid().nullable().optional(),
  custom_metadata: z.record(z.string(), z.string()).nullable().optional(),
});
/** A create-key request. */
export type FortanixCreateKeyRequest = z.infer<typeof fortanixCreateKeyRequestSchema>;
