// SignPath fixtures: the organization, API users, projects and signing policies (with their keys and certificates).
import type { PrivateKey } from '@sigil/crypto-core/key-types';
import { createSelfSignedCertificate } from '@sigil/crypto-core/x509';
import { z } from 'zod';
import { FixtureError } from '../mock-server.js';
import { importPrivateKeyPem, seededKey } from '../seed/seeded-keys.js';
import { createSeededRandom, seededSecret, seededUuid } from '../seed/seeded-random.js';

const userSchema = z.object({
  name: z.string().min(1),
  apiToken: z.string().min(8),
  /** Assigned as Submitter on every policy (MySigningPolicies lists the policies a submitter may use). */
  submitter: z.boolean().default(true),
});

const policySchema = z.object({
  signingPolicySlug: z.string().min(1),
  projectSlug: z.string().min(1),
  signingPolicyId: z.guid().optional(),
  keyType: z.enum(['Rsa', 'Ecdsa']),
  keySizeInBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
  curve: z.enum(['P-256', 'P-384', 'P-521']).optional(),
  /** A PEM private key to use instead of the seeded one. */
  privateKeyPem: z.string().optional(),
});

/** The `signpath` section of a `--fixtures` file; every member is optional. */
export const signPathFixturesSchema = z.strictObject({
  organizationId: z.guid().optional(),
  users: z.array(userSchema).min(1).optional(),
  signingPolicies: z.array(policySchema).min(1).optional(),
  /** Status polls an asynchronous request answers InProgress before its final status (the scenario's default). */
  pollsUntilFinal: z.number().int().nonnegative().optional(),
});

/** One signing policy with its key and certificate. */
export interface SignPathPolicyFixture {
  readonly signingPolicySlug: string;
  readonly signingPolicyName: string;
  readonly projectSlug: string;
  readonly projectId: string;
  /** The project's (default) artifact configuration. */
  readonly artifactConfigurationId: string;
  readonly signingPolicyId: string;
  readonly key: PrivateKey;
  readonly certificate: Uint8Array;
}

/** The resolved SignPath fixtures. */
export interface SignPathFixtures {
  readonly organizationId: string;
  readonly users: readonly z.infer<typeof userSchema>[];
  readonly policies: readonly SignPathPolicyFixture[];
  readonly pollsUntilFinal: number;
}

const DEFAULT_PROJECT = 'hash-signing-test';
const CERTIFICATE_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const CERTIFICATE_NOT_AFTER = new Date('2035-01-01T00:00:00Z');

function defaultPolicies(): z.infer<typeof policySchema>[] {
  return [
    { signingPolicySlug: 'test-signing', projectSlug: DEFAULT_PROJECT, keyType: 'Rsa', keySizeInBits: 2048 },
    {
      signingPolicySlug: 'ecdsa-p256-signing',
      projectSlug: DEFAULT_PROJECT,
      keyType: 'Ecdsa',
      curve: 'P-256',
    },
    {
      signingPolicySlug: 'ecdsa-p384-signing',
      projectSlug: DEFAULT_PROJECT,
      keyType: 'Ecdsa',
      curve: 'P-384',
    },
    {
      signingPolicySlug: 'ecdsa-p521-signing',
      projectSlug: DEFAULT_PROJECT,
      keyType: 'Ecdsa',
      curve: 'P-521',
    },
  ];
}

function policyKey(seed: string, policy: z.infer<typeof policySchema>): PrivateKey {
  if (policy.privateKeyPem !== undefined) {
    const key = importPrivateKeyPem(policy.privateKeyPem);
    if ((key.kty === 'RSA') !== (policy.keyType === 'Rsa') || key.kty === 'OKP') {
      throw new FixtureError(`signing policy ${policy.signingPolicySlug}: the key is not ${policy.keyType}`);
    }
    return key;
  }
  const label = `signpath/policy/${policy.projectSlug}/${policy.signingPolicySlug}`;
  return policy.keyType === 'Rsa'
    ? seededKey(seed, label, { kty: 'RSA', bits: policy.keySizeInBits ?? 2048 })
    : seededKey(seed, label, { kty: 'EC', curve: policy.curve ?? 'P-256' });
}

/**
 * The SignPath fixtures for a seed, overridden by a fixture file section.
 * @throws {FixtureError} when the section does not fit {@link signPathFixturesSchema}
 */
export function resolveSignPathFixtures(seed: string, section: unknown): SignPathFixtures {
  const parsed = signPathFixturesSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new FixtureError(`signpath fixtures: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const file = parsed.data;
  const users = file.users ?? [
    { name: 'ci-submitter', apiToken: seededSecret(seed, 'signpath/token/ci-submitter'), submitter: true },
    { name: 'auditor', apiToken: seededSecret(seed, 'signpath/token/auditor'), submitter: false },
  ];
  const policies = (file.signingPolicies ?? defaultPolicies()).map((policy): SignPathPolicyFixture => {
    const key = policyKey(seed, policy);
    if (key.kty === 'OKP') throw new FixtureError('SignPath signing policies hold RSA or ECDSA keys');
    const serial = createSeededRandom(seed, `signpath/serial/${policy.signingPolicySlug}`)(16);
    serial[0] = (serial[0] ?? 0) & 0x7f;
    const certificate = createSelfSignedCertificate(key, {
      commonName: `${policy.signingPolicySlug} (SignPath mock)`.slice(0, 64),
      organization: 'Sigil mock CA',
      notBefore: CERTIFICATE_NOT_BEFORE,
      notAfter: CERTIFICATE_NOT_AFTER,
      serialNumber: BigInt(`0x${Buffer.from(serial).toString('hex')}`) || 1n,
    });
    return {
      signingPolicySlug: policy.signingPolicySlug,
      signingPolicyName: policy.signingPolicySlug,
      projectSlug: policy.projectSlug,
      projectId: seededUuid(seed, `signpath/project/${policy.projectSlug}`),
      artifactConfigurationId: seededUuid(seed, `signpath/artifact-configuration/${policy.projectSlug}`),
      signingPolicyId:
        policy.signingPolicyId ?? seededUuid(seed, `signpath/policy/${policy.signingPolicySlug}`),
      key,
      certificate,
    };
  });
  return {
    organizationId: file.organizationId ?? seededUuid(seed, 'signpath/organization'),
    users,
    policies,
    pollsUntilFinal: file.pollsUntilFinal ?? 2,
  };
}
