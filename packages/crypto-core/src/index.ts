// @sigil/crypto-core: the API users call — sign/verify, the primitives (key first), keys and their formats, JWS,
// X.509, hashes, encodings, errors. The workshop (DER, EMSA encodings, RSA engines, the curve table, each DER key
// format's own codec) is reached through its subpath (`/der`, `/rsa`, `/rsa-engine`, `/ecdsa`, `/keys`, ...).

export {
  type EcdsaSignParams,
  type EcdsaVerifyParams,
  ecdsaSign,
  ecdsaVerify,
  ecPublicKeyFromPrivate,
  generateEcKey,
} from './ecdsa.js';
export {
  ED25519_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  generateEd25519Key,
} from './eddsa.js';
export {
  base64ToBytes,
  base64urlToBytes,
  bytesToBase64,
  bytesToBase64url,
  bytesToHex,
  bytesToUtf8,
  equalBytes,
  hexToBytes,
  utf8ToBytes,
} from './encoding.js';
export { CryptoError, type CryptoErrorCode, DerError, isCryptoError } from './errors.js';
export { digest, getHash, HASH_NAMES, type HashDescriptor, type HashName, hashByOid } from './hash.js';
export { generateHmacKey, HMAC_HASHES, hmacMinTagLength, hmacSign, hmacVerify } from './hmac.js';
export {
  assertKeyMatchesAlgorithm,
  buildJwsSigningInput,
  getJwsAlgorithm,
  isJwsAlgorithm,
  JWS_ALGORITHM_NAMES,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type JwsAlgorithmSpec,
  type JwsHeader,
  type ParsedJws,
  parseCompactJws,
  parseJwsSigningInput,
  signCompactJws,
  signJwsSigningInput,
  type VerifyJwsOptions,
  verifyCompactJws,
  verifyJwsSigningInput,
} from './jws.js';
export {
  EC_CURVES,
  type EcCurve,
  type EcPrivateKey,
  type EcPublicKey,
  isPrivateKey,
  type Key,
  type OkpPrivateKey,
  type OkpPublicKey,
  type PrivateKey,
  type PublicKey,
  type RsaPrivateKey,
  type RsaPublicKey,
  type SymmetricKey,
} from './key-types.js';
export {
  detectKeyFormat,
  type ExportJwkOptions,
  exportDer,
  exportJwk,
  exportPem,
  importJwk,
  importKey,
  type Jwk,
  jwkThumbprint,
  KEY_FORMATS,
  type KeyFormat,
  publicKeyOf,
  type RsaPssKeyParams,
  type RsaPssRestricted,
  rsaPssParamsOf,
} from './keys.js';
export { type PemBlock, pemDecode, pemEncode } from './pem.js';
export {
  generateRsaKey,
  ps256,
  ps384,
  ps512,
  RSA_HASHES,
  RSA_MIN_GENERATED_BITS,
  RSA_MIN_MODULUS_BITS,
  type RsaHashName,
  type RsaKeyGenOptions,
  type RsaPreset,
  type RsaScheme,
  type RsaSignParams,
  type RsaVerifyParams,
  rs256,
  rs384,
  rs512,
  rsaPrivateKeyFromComponents,
  rsaPublicKey,
  rsaSign,
  rsaVerify,
  validateRsaPrivateKey,
} from './rsa.js';
export type { RsaEngine } from './rsa-engine.js';
export {
  assertSignatureParams,
  DEFAULT_ECDSA_NONCE,
  ECDSA_NONCES,
  type EcdsaNonce,
  type EcdsaParams,
  type Ed25519Params,
  type HmacParams,
  pureSignatureEngine,
  type RsaPkcs1Params,
  type RsaPssParams,
  SIGNATURE_SCHEMES,
  type SignatureEngine,
  type SignatureParams,
  type SignatureScheme,
  sign,
  verify,
} from './sign.js';
export type { SignInput } from './sign-input.js';
export {
  convertEcdsaSignature,
  ECDSA_SIGNATURE_FORMATS,
  type EcdsaSignature,
  type EcdsaSignatureFormat,
  encodeEcdsaSignature,
  encodeJoseEcdsaSignature,
  parseEcdsaSignature,
  parseJoseEcdsaSignature,
} from './signature-format.js';
export {
  CERTIFICATE_HASHES,
  type CertificateHash,
  type CertificateSigningKey,
  createSelfSignedCertificate,
  type DistinguishedName,
  type ParsedCertificate,
  parseCertificate,
  type SelfSignedCertificateOptions,
} from './x509.js';
