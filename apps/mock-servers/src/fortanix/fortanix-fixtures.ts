// Fortanix DSM fixtures: the account, group, apps (API credentials) and the persisted signing keys.
import type { PrivateKey } from '@sigil/crypto-core/key-types';
import {
  FORTANIX_CURVES,
  type FortanixCurve,
  type FortanixEllipticCurve,
  type FortanixObjectType,
  fortanixKeyFamily,
  fortanixKeyTypeOf,
  fortanixKeyTypeOfSobject,
} from '@sigil/protocols/fortanix';
import { z } from 'zod';
import { FixtureError } from '../mock-server.js';
import { importPrivateKeyPem, seededKey } from '../seed/seeded-keys.js';
import { seededSecret, seededUuid } from '../seed/seeded-random.js';

const curveNames = Object.keys(FORTANIX_CURVES) as [FortanixCurve, ...FortanixCurve[]];

const appSchema = z.object({
  appId: z.guid(),
  secret: z.string().min(8),
  name: z.string().min(1).default('sigil-app'),
});

const keySchema = z.object({
  kid: z.guid().optional(),
  name: z.string().min(1),
  obj_type: z.enum(['RSA', 'EC']),
  key_size: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
  elliptic_curve: z.enum(curveNames).optional(),
  description: z.string().optional(),
  /** A PEM private key to use instead of the seeded one. */
  privateKeyPem: z.string().optional(),
});

/** The `fortanix` section of a `--fixtures` file; every member is optional. */
export const fortanixFixturesSchema = z.strictObject({
  accountId: z.guid().optional(),
  groupId: z.guid().optional(),
  apps: z.array(appSchema).min(1).optional(),
  keys: z.array(keySchema).optional(),
  /** `expires_in` of session tokens, in seconds. */
  sessionLifetimeSeconds: z.number().int().positive().optional(),
});

/** A persisted key the mock holds. */
export interface FortanixKeyFixture {
  readonly kid: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly key: PrivateKey;
}

/** The resolved Fortanix fixtures. */
export interface FortanixFixtures {
  readonly accountId: string;
  readonly groupId: string;
  readonly apps: readonly z.infer<typeof appSchema>[];
  readonly keys: readonly FortanixKeyFixture[];
  readonly sessionLifetimeSeconds: number;
}

/**
 * The seeded key a fixture or a create-key request names: `obj_type` and `elliptic_curve` read through protocols'
 * key type table (an EC key without a curve is NistP256), `key_size` bits for RSA (2048 by default).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM (status 400) for a type or curve DSM does not sign with here
 */
export function seededFortanixKey(
  seed: string,
  label: string,
  objType: FortanixObjectType,
  ellipticCurve: FortanixEllipticCurve | undefined,
  keySize: number | null | undefined,
): PrivateKey {
  const family = fortanixKeyFamily(
    fortanixKeyTypeOfSobject({
      obj_type: objType,
      elliptic_curve: ellipticCurve ?? (objType === 'EC' ? 'NistP256' : undefined),
    }),
  );
  return seededKey(seed, label, family.kty === 'RSA' ? { kty: 'RSA', bits: keySize ?? 2048 } : family);
}

function defaultKeys(): z.infer<typeof keySchema>[] {
  return [
    { name: 'sigil-rsa-2048', obj_type: 'RSA', key_size: 2048 },
    { name: 'sigil-ec-p256', obj_type: 'EC', elliptic_curve: 'NistP256' },
    { name: 'sigil-ec-p384', obj_type: 'EC', elliptic_curve: 'NistP384' },
    { name: 'sigil-ec-p521', obj_type: 'EC', elliptic_curve: 'NistP521' },
    { name: 'sigil-ec-secp256k1', obj_type: 'EC', elliptic_curve: 'SecP256K1' },
    { name: 'sigil-ed25519', obj_type: 'EC', elliptic_curve: 'Ed25519' },
  ];
}

/**
 * The Fortanix fixtures for a seed, overridden by a fixture file section.
 * @throws {FixtureError} when the section does not fit {@link fortanixFixturesSchema}
 */
export function resolveFortanixFixtures(seed: string, section: unknown): FortanixFixtures {
  const parsed = fortanixFixturesSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new FixtureError(`fortanix fixtures: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const file = parsed.data;
  const keys = (file.keys ?? defaultKeys()).map((entry): FortanixKeyFixture => {
    const key =
      entry.privateKeyPem === undefined
        ? seededFortanixKey(
            seed,
            `fortanix/key/${entry.name}`,
            entry.obj_type,
            entry.elliptic_curve,
            entry.key_size,
          )
        : importPrivateKeyPem(entry.privateKeyPem);
    if (fortanixKeyTypeOf(key).objType !== entry.obj_type)
      throw new FixtureError(`fortanix key ${entry.name}: the key is not ${entry.obj_type}`);
    return {
      kid: entry.kid ?? seededUuid(seed, `fortanix/kid/${entry.name}`),
      name: entry.name,
      description: entry.description,
      key,
    };
  });
  return {
    accountId: file.accountId ?? seededUuid(seed, 'fortanix/account'),
    groupId: file.groupId ?? seededUuid(seed, 'fortanix/group'),
    apps: file.apps ?? [
      {
        appId: seededUuid(seed, 'fortanix/app'),
        secret: seededSecret(seed, 'fortanix/app-secret'),
        name: 'sigil-app',
      },
    ],
    keys,
    sessionLifetimeSeconds: file.sessionLifetimeSeconds ?? 600,
  };
}
