// fast-check arbitraries of crypto-core SignatureParams for the vendor tables' round-trip properties.
import { HASH_NAMES } from '@sigil/crypto-core/hash';
import { HMAC_HASHES } from '@sigil/crypto-core/hmac';
import { RSA_HASHES } from '@sigil/crypto-core/rsa';
import { ECDSA_NONCES, hashOutputLength, type SignatureParams } from '@sigil/crypto-core/sign';
import { ECDSA_SIGNATURE_FORMATS } from '@sigil/crypto-core/signature-format';
import fc from 'fast-check';
import { FORTANIX_HASHES } from '../../src/fortanix/index.js';

/** Any well-formed crypto-core params value, most of which a given vendor cannot express. */
export const anyParams: fc.Arbitrary<SignatureParams> = fc.oneof(
  fc.constantFrom(...RSA_HASHES).map((hash): SignatureParams => ({ scheme: 'rsa-pkcs1', hash })),
  fc
    .record({
      hash: fc.constantFrom(...RSA_HASHES),
      mgfHash: fc.option(fc.constantFrom(...RSA_HASHES), { nil: undefined }),
      saltLength: fc.oneof(fc.constant('auto' as const), fc.integer({ min: 0, max: 80 })),
    })
    .map(
      ({ mgfHash, ...rest }): SignatureParams => ({
        scheme: 'rsa-pss',
        ...rest,
        ...(mgfHash === undefined ? {} : { mgfHash }),
      }),
    ),
  fc
    .record({
      hash: fc.constantFrom(...HASH_NAMES),
      format: fc.constantFrom(...ECDSA_SIGNATURE_FORMATS),
      nonce: fc.constantFrom(...ECDSA_NONCES),
    })
    .map((fields): SignatureParams => ({ scheme: 'ecdsa', ...fields })),
  fc.constant<SignatureParams>({ scheme: 'ed25519' }),
  fc.constantFrom(...HMAC_HASHES).map((hash): SignatureParams => ({ scheme: 'hmac', hash })),
);

/** Every params value Fortanix DSM supports, in the form its decoder answers (PSS names its MGF1 hash). */
export const fortanixSupportedParams: fc.Arbitrary<SignatureParams> = fc.oneof(
  fc.constantFrom(...RSA_HASHES).map((hash): SignatureParams => ({ scheme: 'rsa-pkcs1', hash })),
  fc.record({ hash: fc.constantFrom(...RSA_HASHES), mgfHash: fc.constantFrom(...RSA_HASHES) }).map(
    ({ hash, mgfHash }): SignatureParams => ({
      scheme: 'rsa-pss',
      hash,
      mgfHash,
      saltLength: hashOutputLength(hash),
    }),
  ),
  fc
    .record({
      hash: fc.constantFrom(...Object.values(FORTANIX_HASHES)),
      nonce: fc.constantFrom(...ECDSA_NONCES),
    })
    .map(({ hash, nonce }): SignatureParams => ({ scheme: 'ecdsa', hash, format: 'der', nonce })),
  fc.constant<SignatureParams>({ scheme: 'ed25519' }),
);

/**
 * Every params value a Fortanix DSM verify item expresses: as {@link fortanixSupportedParams}, with PSS accepting
 * any salt length (`'auto'`), as DSM verifies. Its decoder answers ECDSA with the default nonce whatever was asked.
 */
export const fortanixVerifyParams: fc.Arbitrary<SignatureParams> = fortanixSupportedParams.map(
  (params): SignatureParams => (params.scheme === 'rsa-pss' ? { ...params, saltLength: 'auto' } : params),
);
