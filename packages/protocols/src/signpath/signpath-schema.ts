// Zod schemas of SignPath's hash signing API (seeds 001-002 and the seed README): the legacy multipart
// SigningRequests with payload.json, SignHash, the signing request status and MySigningPolicies.
import { z } from 'zod';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64String = (what: string) => z.string().min(1).regex(BASE64, `${what} must be standard base64`);
const DOTTED_OID = /^[0-2](?:\.(?:0|[1-9]\d*))+$/;

/**
 * One of `values`, matched ignoring case and read as the documented spelling: SignPath is ASP.NET, whose enum
 * binding is case-insensitive (`"rsapkcs1"` binds as `RsaPkcs1`).
 */
function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const lower = value.toLowerCase();
    return values.find((candidate) => candidate.toLowerCase() === lower) ?? value;
  }, z.enum(values));
}

/** payload.json `SignatureAlgorithm` values (seed 001, "Artifact format for signing hash digests"). */
export const SIGNPATH_SIGNATURE_ALGORITHMS = ['RsaPkcs1', 'RsaPss', 'Ecdsa'] as const;
/** `EcdsaSignatureFormat` / `signatureFormat` values: IEEE P1363 (the default) or RFC 3279 ASN.1. */
export const SIGNPATH_ECDSA_SIGNATURE_FORMATS = ['Ieee', 'Asn1'] as const;

/** payload.json with PascalCase names, as seed 002's example request writes it. */
export const signPathPayloadPascalSchema = z.object({
  SignatureAlgorithm: caseInsensitiveEnum(SIGNPATH_SIGNATURE_ALGORITHMS),
  /** Dotted OID of the hash; only used for RSA keys. */
  RsaHashAlgorithm: z.string().regex(DOTTED_OID, 'RsaHashAlgorithm must be a dotted OID').optional(),
  /** Only used for ECDSA keys; `Ieee` by default. */
  EcdsaSignatureFormat: caseInsensitiveEnum(SIGNPATH_ECDSA_SIGNATURE_FORMATS).optional(),
  /** The hash value to sign, standard base64. */
  Base64EncodedHash: base64String('Base64EncodedHash'),
  /** Arbitrary JSON, e.g. `CreatingProcess {CommandLine, User}`; used by SignPath crypto providers. */
  Metadata: z.record(z.string(), z.unknown()).optional(),
});
/** payload.json, PascalCase. */
export type SignPathPayloadPascal = z.infer<typeof signPathPayloadPascalSchema>;

/** payload.json with camelCase names (SignPath binds JSON names case-insensitively). */
export const signPathPayloadSchema = z.object({
  signatureAlgorithm: caseInsensitiveEnum(SIGNPATH_SIGNATURE_ALGORITHMS),
  rsaHashAlgorithm: z.string().regex(DOTTED_OID, 'rsaHashAlgorithm must be a dotted OID').optional(),
  ecdsaSignatureFormat: caseInsensitiveEnum(SIGNPATH_ECDSA_SIGNATURE_FORMATS).optional(),
  base64EncodedHash: base64String('base64EncodedHash'),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
/** payload.json, camelCase: also the normalized shape helpers work with. */
export type SignPathPayload = z.infer<typeof signPathPayloadSchema>;

/**
 * The fast signing response (seed 002, "Response"): the request's properties repeated, plus `Signature`.
 * Byte fields are strings here: the documents' own examples are truncated.
 */
export const signPathFastSigningResponseSchema = signPathPayloadPascalSchema.extend({
  Base64EncodedHash: z.string().min(1),
  /** Base64 signature of `Base64EncodedHash`; its format follows the policy's key. */
  Signature: z.string().min(1),
});
/** A fast signing response. */
export type SignPathFastSigningResponse = z.infer<typeof signPathFastSigningResponseSchema>;

/**
 * The asynchronous submit response, 201 with a Location header: "only a SigningRequestId property" for the deprecated
 * `SigningRequests` (seed 002); SubmitWithArtifact answers the created request's data (docs.signpath.io changelog,
 * application 1.196.0), named `signingRequestId` here. One of the two is required.
 */
export const signPathSubmitResponseSchema = z
  .looseObject({ SigningRequestId: z.guid().optional(), signingRequestId: z.guid().optional() })
  .refine((body) => body.SigningRequestId !== undefined || body.signingRequestId !== undefined, {
    message: 'the answer names no signing request',
  });
/** An asynchronous submit response. */
export type SignPathSubmitResponse = z.infer<typeof signPathSubmitResponseSchema>;

const formBoolean = z
  .string()
  .regex(/^(?:true|false)$/i, 'must be true or false')
  .transform((text) => text.toLowerCase() === 'true');

/**
 * The `multipart/form-data` fields of `POST /v1/{organizationId}/SigningRequests/SubmitWithArtifact` (docs.signpath.io,
 * "Submit a signing request", which names them in camelCase; ASP.NET binds them ignoring case) and of the deprecated
 * `POST /v1/{organizationId}/SigningRequests` (seed 002, PascalCase), with PascalCase names as Sigil normalizes them.
 * `Artifact` is the payload.json file.
 */
export const signPathSigningRequestFormSchema = z.looseObject({
  ProjectSlug: z.string().min(1),
  SigningPolicySlug: z.string().min(1),
  /** `true` for a fast signing request answered at once; asynchronous by default. */
  IsFastSigningRequest: formBoolean.optional(),
  Artifact: z.instanceof(Blob, { message: 'Artifact must be a file' }),
  /** Optional: the artifact configuration (the project's default when absent). */
  ArtifactConfigurationSlug: z.string().min(1).optional(),
  /** Optional: a description for people (e.g. a version number). */
  Description: z.string().optional(),
});
/** The parsed multipart fields of a legacy signing request. */
export type SignPathSigningRequestForm = z.infer<typeof signPathSigningRequestFormSchema>;

/** SignHash `signatureAlgorithm` values (seed README). */
export const SIGNPATH_HASH_SIGNATURE_ALGORITHMS = ['Rsa', 'Ecdsa'] as const;
/** SignHash `rsaOptions.paddingMode` values (seed README). */
export const SIGNPATH_PADDING_MODES = ['Pkcs1', 'Pss'] as const;

/** SignHash `rsaOptions`: the hash by name or by OID (exactly one) and the padding. */
export const signPathRsaOptionsSchema = z
  .object({
    hashAlgorithmName: z.string().min(1).optional(),
    hashAlgorithmOid: z.string().regex(DOTTED_OID, 'hashAlgorithmOid must be a dotted OID').optional(),
    paddingMode: caseInsensitiveEnum(SIGNPATH_PADDING_MODES),
  })
  .refine(
    (options) => (options.hashAlgorithmName === undefined) !== (options.hashAlgorithmOid === undefined),
    {
      message: 'exactly one of hashAlgorithmName and hashAlgorithmOid is required',
      path: ['hashAlgorithmName'],
    },
  );
/** SignHash RSA options. */
export type SignPathRsaOptions = z.infer<typeof signPathRsaOptionsSchema>;

/** SignHash `ecdsaOptions`. */
export const signPathEcdsaOptionsSchema = z.object({
  signatureFormat: caseInsensitiveEnum(SIGNPATH_ECDSA_SIGNATURE_FORMATS),
});
/** SignHash ECDSA options. */
export type SignPathEcdsaOptions = z.infer<typeof signPathEcdsaOptionsSchema>;

/** SignHash `hashSigningData`. */
export const signPathHashSigningDataSchema = z.object({
  /** The hash to sign, standard base64. */
  hash: base64String('hash'),
  signatureAlgorithm: caseInsensitiveEnum(SIGNPATH_HASH_SIGNATURE_ALGORITHMS),
  rsaOptions: signPathRsaOptionsSchema.optional(),
  ecdsaOptions: signPathEcdsaOptionsSchema.optional(),
});
/** The hash and how to sign it. */
export type SignPathHashSigningData = z.infer<typeof signPathHashSigningDataSchema>;

/** `POST /v1/{organizationId}/SigningRequests/SignHash` body (seed README). */
export const signPathSignHashRequestSchema = z.object({
  projectSlug: z.string().min(1),
  signingPolicySlug: z.string().min(1),
  hashSigningData: signPathHashSigningDataSchema,
});
/** A SignHash request. */
export type SignPathSignHashRequest = z.infer<typeof signPathSignHashRequestSchema>;

/** The SignHash answer: `{signingRequestId, hashSigningData, hashSigningResult{signature}}` (seed README). */
export const signPathSignHashResponseSchema = z.object({
  signingRequestId: z.guid(),
  hashSigningData: signPathHashSigningDataSchema,
  hashSigningResult: z.object({ signature: base64String('signature') }),
});
/** A SignHash response. */
export type SignPathSignHashResponse = z.infer<typeof signPathSignHashResponseSchema>;

/**
 * Signing request `status` values (seed README: "status (InProgress, WaitingForApproval, Completed, Failed, Denied,
 * Canceled)"). The status schemas below accept any string, since SignPath may add values.
 */
export const SIGNPATH_STATUSES = [
  'InProgress',
  'WaitingForApproval',
  'Completed',
  'Failed',
  'Denied',
  'Canceled',
] as const;
/** A documented signing request status. */
export type SignPathStatus = (typeof SIGNPATH_STATUSES)[number];
/** The statuses after which a request no longer changes (`isFinalStatus`). */
export const SIGNPATH_FINAL_STATUSES = ['Completed', 'Failed', 'Denied', 'Canceled'] as const;

/** `GET /v1/{organizationId}/SigningRequests/{id}/Status` (seed README). */
export const signPathStatusResponseSchema = z.looseObject({
  signingRequestId: z.guid(),
  status: z.string().min(1),
  workflowStatus: z.string(),
  isFinalStatus: z.boolean(),
});
/** A signing request's status. */
export type SignPathStatusResponse = z.infer<typeof signPathStatusResponseSchema>;

/** `GET /v1/{organizationId}/SigningRequests/{id}` ("Get signing request data"): status plus links and names. */
export const signPathSigningRequestSchema = z.looseObject({
  status: z.string().min(1),
  workflowStatus: z.string().optional(),
  isFinalStatus: z.boolean().optional(),
  description: z.string().nullable().optional(),
  projectId: z.string().optional(),
  projectSlug: z.string().optional(),
  projectName: z.string().optional(),
  signingPolicyId: z.string().optional(),
  signingPolicySlug: z.string().optional(),
  signingPolicyName: z.string().optional(),
  uploadedArtifactLink: z.string().nullable().optional(),
  unsignedArtifactLink: z.string().nullable().optional(),
  signedArtifactLink: z.string().nullable().optional(),
});
/** A signing request's data. */
export type SignPathSigningRequest = z.infer<typeof signPathSigningRequestSchema>;

/** MySigningPolicies `keyType` values (seed 001-002). */
export const SIGNPATH_KEY_TYPES = ['Rsa', 'Ecdsa'] as const;

/** One entry of `signingPolicies` (seed 002, "Retrieve Signing Policy details"). */
export const signPathSigningPolicySchema = z.looseObject({
  signingPolicySlug: z.string().min(1),
  projectSlug: z.string().min(1),
  keySizeInBits: z.number().int().positive(),
  /** Base64 big-endian `publicExponent` and `modulus`; RSA keys only. */
  rsaParameters: z
    .object({ publicExponent: z.string().min(1), modulus: z.string().min(1) })
    .nullable()
    .optional(),
  signingPolicyId: z.guid(),
  /** Base64 DER of the policy's X.509 certificate. */
  certificateBytes: z.string().min(1),
  keyType: z.enum(SIGNPATH_KEY_TYPES),
  /** Base64 DER of the public key; for RSA a PKCS#1 RSAPublicKey (the example starts `MIIBCgKC`). */
  publicKeyBytes: z.string().min(1),
  /** The kind of `certificateBytes`: `X509` in every policy Jsign recorded (signpath-signing-policies.json). */
  certificateType: z.string().min(1).optional(),
});
/** A signing policy the API token may submit to. */
export type SignPathSigningPolicy = z.infer<typeof signPathSigningPolicySchema>;

/** `GET /v1/{organizationId}/Cryptoki/MySigningPolicies` answer. */
export const signPathMySigningPoliciesResponseSchema = z.object({
  signingPolicies: z.array(signPathSigningPolicySchema),
});
/** The MySigningPolicies answer. */
export type SignPathMySigningPoliciesResponse = z.infer<typeof signPathMySigningPoliciesResponseSchema>;

/**
 * A SignPath error body: RFC 9457 problem details from ASP.NET Core (`type`, `title`, `status`, `detail`, `errors`,
 * `traceId`; Jsign's recordings, and every 4xx since application 1.195.0). Older answers were plain text, so every
 * member is optional and unknown ones pass through.
 */
export const signPathErrorSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int().optional(),
  detail: z.string().optional(),
  /** ASP.NET validation errors: property path (`""` for the artifact) to messages. */
  errors: z.unknown().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  traceId: z.string().optional(),
});
/** A SignPath error body. */
export type SignPathError = z.infer<typeof signPathErrorSchema>;
