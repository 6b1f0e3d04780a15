// Zod schemas of the Fortanix DSM calls Sigil speaks: session auth, sign, verify, and their batch forms
// (seed 003 for POST /crypto/v1/keys/batch/sign; the seed README for the rest).
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

/** Security object types (seed 003, `inline.obj_type`). */
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

/**
 * `key`: seed 003's SobjectDescriptor OneOf. Checked as one object with four optional members and an exactly-one
 * rule, so that an error inside a variant keeps its path (`key.inline.obj_type`).
 */
export const fortanixKeyDescriptorSchema = z
  .strictObject({
    kid: z.guid().optional(),
    name: z
      .string()
      .max(4096)
      .regex(/^[^\n]*[^\s\n][^\n]*$/, 'name must be one line with a non-space character')
      .optional(),
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
 * checked per item by `validateFortanixSignItem`, so one bad item does not reject a whole batch.
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
