// SignPath hash signing helpers: payload.json in either casing, the fast signing response, and a MySigningPolicies
// entry built from a key and its certificate (seeds 001-002).
import { base64ToBytes, bigIntToBytes, bitLength, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { EcCurve, PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import { exportPkcs1, exportSpki, publicKeyOf } from '@sigil/crypto-core/keys';
import { ProtocolError } from '../errors.js';
import {
  type SignPathFastSigningResponse,
  type SignPathPayload,
  type SignPathSigningPolicy,
  signPathPayloadSchema,
} from './signpath-schema.js';

// SignPath's words for an artifact it cannot read (Jsign's signpath-invalid-signature-algorithm-error.json).
const INVALID_FORMAT = 'The file has an invalid format.';

/** The file name SignPath crypto providers give hash digest artifacts (seed 001, "Key length"). */
export const SIGNPATH_PAYLOAD_FILE_NAME = 'payload.json';

function camelName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Parses payload.json (a string, UTF-8 bytes or parsed JSON) in PascalCase (seed 002's example), camelCase, or
 * a mix: SignPath binds the top-level names case-insensitively. `Metadata` is kept as written. Returns the camelCase shape.
 * @throws {ProtocolError} ERR_SIGNPATH_PAYLOAD for bad JSON, a name given twice, or a field that breaks the
 * schema (the message names its path)
 */
export function parseSignPathPayload(input: unknown): SignPathPayload {
  let json: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      json = JSON.parse(
        typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input),
      );
    } catch (cause) {
      throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', 'payload.json is not JSON', {
        cause,
        status: 400,
        vendorMessage: INVALID_FORMAT,
      });
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', 'payload.json must be a JSON object', {
      status: 400,
      vendorMessage: INVALID_FORMAT,
    });
  }
  const normalized: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    const key = camelName(name);
    if (Object.hasOwn(normalized, key)) {
      throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', `payload.json names ${name} twice`, {
        status: 400,
        vendorMessage: INVALID_FORMAT,
      });
    }
    normalized[key] = value;
  }
  const parsed = signPathPayloadSchema.safeParse(normalized);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'payload';
    throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', `payload.json ${where}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
      status: 400,
      vendorMessage: INVALID_FORMAT,
    });
  }
  return parsed.data;
}

/** The digest bytes of a parsed payload (`Base64EncodedHash`). */
export function signPathPayloadDigest(payload: Pick<SignPathPayload, 'base64EncodedHash'>): Uint8Array {
  return base64ToBytes(payload.base64EncodedHash);
}

/** payload.json in PascalCase, as seed 002 writes it and as the fast response repeats it. */
export function toSignPathPascalPayload(
  payload: SignPathPayload,
): Omit<SignPathFastSigningResponse, 'Signature'> {
  return {
    SignatureAlgorithm: payload.signatureAlgorithm,
    ...(payload.rsaHashAlgorithm === undefined ? {} : { RsaHashAlgorithm: payload.rsaHashAlgorithm }),
    ...(payload.ecdsaSignatureFormat === undefined
      ? {}
      : { EcdsaSignatureFormat: payload.ecdsaSignatureFormat }),
    Base64EncodedHash: payload.base64EncodedHash,
    ...(payload.metadata === undefined ? {} : { Metadata: payload.metadata }),
  };
}

/**
 * The fast signing response: "the Base64-encoded signature in the Signature property and the repeated incoming JSON
 * properties" (seed 002, "Response"), in PascalCase.
 */
export function buildSignPathFastResponse(
  payload: SignPathPayload,
  signature: Uint8Array,
): SignPathFastSigningResponse {
  return { ...toSignPathPascalPayload(payload), Signature: bytesToBase64(signature) };
}

// keySizeInBits of an ECDSA policy: the curve's order size in bits.
const EC_KEY_BITS: Readonly<Record<EcCurve, number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
};

/** What {@link buildSignPathPolicyEntry} needs to describe one signing policy. */
export interface SignPathPolicyDescription {
  readonly signingPolicyId: string;
  readonly signingPolicySlug: string;
  readonly projectSlug: string;
  /** The policy's key (only its public half is used). */
  readonly key: PublicKey | PrivateKey;
  /** DER of the policy's X.509 certificate. */
  readonly certificate: Uint8Array;
}

/**
 * A `signingPolicies` entry (seed 002, "Retrieve Signing Policy details"). RSA: `rsaParameters` as base64 big-endian
 * integers, `publicKeyBytes` the DER RSAPublicKey (PKCS#1). ECDSA: no `rsaParameters`, and `publicKeyBytes` the DER
 * SubjectPublicKeyInfo, which the documents do not show (an assumption). All bytes are standard base64;
 * `certificateType` is `X509`, the member order that of SignPath's recorded answer.
 * @throws {ProtocolError} ERR_SIGNPATH_KEY for an Ed25519 key, which SignPath does not offer
 */
export function buildSignPathPolicyEntry(description: SignPathPolicyDescription): SignPathSigningPolicy {
  const publicKey = publicKeyOf(description.key);
  if (publicKey.kty === 'OKP') {
    throw new ProtocolError(
      'ERR_SIGNPATH_KEY',
      'SignPath signing policies hold RSA or ECDSA keys, not Ed25519',
    );
  }
  const keySizeInBits = publicKey.kty === 'RSA' ? bitLength(publicKey.n) : EC_KEY_BITS[publicKey.curve];
  const rsaParameters =
    publicKey.kty === 'RSA'
      ? {
          rsaParameters: {
            publicExponent: bytesToBase64(bigIntToBytes(publicKey.e)),
            modulus: bytesToBase64(bigIntToBytes(publicKey.n)),
          },
        }
      : {};
  // Member order and `"certificateType": "X509"` as SignPath answers (Jsign's signpath-signing-policies.json).
  return {
    signingPolicySlug: description.signingPolicySlug,
    projectSlug: description.projectSlug,
    keySizeInBits,
    ...rsaParameters,
    signingPolicyId: description.signingPolicyId,
    certificateBytes: bytesToBase64(description.certificate),
    keyType: publicKey.kty === 'RSA' ? 'Rsa' : 'Ecdsa',
    publicKeyBytes: bytesToBase64(publicKey.kty === 'RSA' ? exportPkcs1(publicKey) : exportSpki(publicKey)),
    certificateType: 'X509',
  };
}
