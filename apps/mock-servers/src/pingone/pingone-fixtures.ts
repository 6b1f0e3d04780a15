// PingOne fixtures: the environment, a management access token, the issuer profile and pre-registered credential
// signing keys (their private JWKs are listed too, so a tester's signer can use them).
import type { PrivateKey } from '@sigil/crypto-core/key-types';
import { exportJwk, type Jwk } from '@sigil/crypto-core/keys';
import { PINGONE_ALGORITHMS } from '@sigil/protocols/pingone';
import { z } from 'zod';
import { FixtureError } from '../mock-server.js';
import { importPrivateKeyPem, type KeySpec, seededKey } from '../seed/seeded-keys.js';
import { seededSecret, seededUuid } from '../seed/seeded-random.js';

const keySchema = z.object({
  name: z.string().min(1),
  kid: z.string().min(1),
  alg: z.enum(PINGONE_ALGORITHMS),
  enabled: z.boolean().default(true),
  /** A PEM private key to use instead of the seeded one. */
  privateKeyPem: z.string().optional(),
});

/** The `pingone` section of a `--fixtures` file; every member is optional. */
export const pingOneFixturesSchema = z.strictObject({
  environmentId: z.guid().optional(),
  accessToken: z.string().min(8).optional(),
  issuerProfile: z.looseObject({}).optional(),
  credentialSigningKeys: z.array(keySchema).optional(),
});

/** A pre-registered key: its registration and the private JWK a tester signs with. */
export interface PingOneKeyFixture {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly publicJwk: Jwk & { kid: string; alg: string; kty: string };
  readonly privateJwk: Jwk;
}

/** The resolved PingOne fixtures. */
export interface PingOneFixtures {
  readonly environmentId: string;
  readonly accessToken: string;
  readonly issuerProfile: Record<string, unknown>;
  readonly keys: readonly PingOneKeyFixture[];
}

const SPEC_BY_ALG: Readonly<Record<(typeof PINGONE_ALGORITHMS)[number], KeySpec>> = {
  RS256: { kty: 'RSA', bits: 2048 },
  RS384: { kty: 'RSA', bits: 2048 },
  RS512: { kty: 'RSA', bits: 2048 },
  PS256: { kty: 'RSA', bits: 2048 },
  PS384: { kty: 'RSA', bits: 2048 },
  PS512: { kty: 'RSA', bits: 2048 },
  ES256: { kty: 'EC', curve: 'P-256' },
  ES384: { kty: 'EC', curve: 'P-384' },
  ES512: { kty: 'EC', curve: 'P-521' },
  ES256K: { kty: 'EC', curve: 'secp256k1' },
  EdDSA: { kty: 'OKP', curve: 'Ed25519' },
};

function defaultKeys(): z.input<typeof keySchema>[] {
  return (['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const).map((alg) => ({
    name: `sigil-${alg.toLowerCase()}`,
    kid: `sigil-${alg.toLowerCase()}`,
    alg,
  }));
}

/**
 * The PingOne fixtures for a seed, overridden by a fixture file section.
 * @throws {FixtureError} when the section does not fit {@link pingOneFixturesSchema} or a key does not suit its alg
 */
export function resolvePingOneFixtures(seed: string, section: unknown): PingOneFixtures {
  const parsed = pingOneFixturesSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new FixtureError(`pingone fixtures: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const file = parsed.data;
  const environmentId = file.environmentId ?? seededUuid(seed, 'pingone/environment');
  const keys = (file.credentialSigningKeys ?? defaultKeys().map((key) => keySchema.parse(key))).map(
    (entry): PingOneKeyFixture => {
      let key: PrivateKey;
      let privateJwk: Jwk;
      try {
        key =
          entry.privateKeyPem === undefined
            ? seededKey(seed, `pingone/key/${entry.kid}`, SPEC_BY_ALG[entry.alg])
            : importPrivateKeyPem(entry.privateKeyPem);
        privateJwk = exportJwk(key, { kid: entry.kid, alg: entry.alg, use: 'sig' });
      } catch (cause) {
        throw new FixtureError(
          `pingone key ${entry.kid}: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
      const publicJwk = exportJwk(key, {
        kid: entry.kid,
        alg: entry.alg,
        use: 'sig',
        publicOnly: true,
      }) as PingOneKeyFixture['publicJwk'];
      return {
        id: seededUuid(seed, `pingone/credential-signing-key/${entry.kid}`),
        name: entry.name,
        enabled: entry.enabled,
        publicJwk,
        privateJwk,
      };
    },
  );
  return {
    environmentId,
    accessToken: file.accessToken ?? seededSecret(seed, 'pingone/access-token', 48),
    issuerProfile: {
      id: seededUuid(seed, 'pingone/issuer-profile'),
      name: 'Sigil mock issuer',
      environment: { id: environmentId },
      ...(file.issuerProfile ?? {}),
    },
    keys,
  };
}
