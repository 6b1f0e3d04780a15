// SignPath mock logic: API token auth, signing policies, hash signing with the policy keys, and asynchronous
// signing requests that reach their final status after N polls.
import { ecdsaSign } from '@sigil/crypto-core/ecdsa';
import { base64ToBytes } from '@sigil/crypto-core/encoding';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import { rsaSign } from '@sigil/crypto-core/rsa';
import {
  buildSignPathFastResponse,
  buildSignPathPolicyEntry,
  type SignPathHashSigningData,
  type SignPathPayload,
  type SignPathSignatureParams,
  type SignPathSigningPolicy,
  signPathHashSigningParams,
  signPathPayloadDigest,
  signPathPayloadParams,
} from '@sigil/protocols/signpath';
import { z } from 'zod';
import { corruptBytes } from '../admin/faults.js';
import type { ScenarioDefinition } from '../admin/scenarios.js';
import { createSeededIdSequence } from '../seed/seeded-random.js';
import type { SignPathFixtures, SignPathPolicyFixture } from './signpath-fixtures.js';

/** A failure the routes answer as a problem details body with `status`. */
export class SignPathServiceError extends Error {
  override readonly name = 'SignPathServiceError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** Final statuses a scenario can make asynchronous requests end in. */
export const SIGNPATH_OUTCOMES = ['Completed', 'Failed', 'Denied', 'Canceled'] as const;

const requestsScenarioSchema = z.strictObject({
  /** Polls answered with the pending status before the final one. */
  pollsUntilFinal: z.number().int().nonnegative(),
  /** The final status of requests submitted from now on. */
  outcome: z.enum(SIGNPATH_OUTCOMES),
  /** The status while pending. */
  pendingStatus: z.enum(['InProgress', 'WaitingForApproval']),
});
/** The state of the `signing-requests` scenario. */
export type SignPathRequestsScenario = z.infer<typeof requestsScenarioSchema>;

/** The `signing-requests` scenario: how asynchronous requests progress (read when a request is submitted). */
export function signPathRequestsScenario(
  pollsUntilFinal: number,
): ScenarioDefinition<SignPathRequestsScenario> {
  return {
    name: 'signing-requests',
    description:
      'Asynchronous signing requests answer pendingStatus for pollsUntilFinal status polls, then outcome (Completed, Failed, Denied or Canceled).',
    schema: requestsScenarioSchema,
    initial: { pollsUntilFinal, outcome: 'Completed', pendingStatus: 'InProgress' },
  };
}

/** One signing request the mock holds. */
export interface SignPathRequestRecord {
  readonly id: string;
  readonly policy: SignPathPolicyFixture;
  readonly createdAt: string;
  /** The signed artifact (payload.json with Signature), present when the outcome is Completed. */
  readonly signedArtifact: Uint8Array | undefined;
  readonly outcome: (typeof SIGNPATH_OUTCOMES)[number];
  readonly pendingStatus: 'InProgress' | 'WaitingForApproval';
  readonly pollsUntilFinal: number;
  polls: number;
}

/** A signing request's current status, as `Status` and `GET SigningRequests/{id}` report it. */
export interface SignPathRequestStatus {
  readonly status: string;
  readonly workflowStatus: string;
  readonly isFinalStatus: boolean;
}

const WORKFLOW_STATUS: Readonly<Record<string, string>> = {
  InProgress: 'Processing',
  WaitingForApproval: 'WaitingForApproval',
  Completed: 'Completed',
  Failed: 'Failed',
  Denied: 'Denied',
  Canceled: 'Canceled',
};

/** The status a record shows now (without counting a poll). */
export function currentStatus(record: SignPathRequestRecord): SignPathRequestStatus {
  const final = record.polls > record.pollsUntilFinal;
  const status = final ? record.outcome : record.pendingStatus;
  return { status, workflowStatus: WORKFLOW_STATUS[status] ?? status, isFinalStatus: final };
}

function sameText(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}

/** Signs a digest with a policy key, as SignPath's crypto providers do (no re-hashing: the hash is the input). */
export function signDigest(
  policy: SignPathPolicyFixture,
  params: SignPathSignatureParams,
  digest: Uint8Array,
): Uint8Array {
  const key = policy.key;
  try {
    if (params.scheme === 'ecdsa') {
      if (key.kty !== 'EC')
        throw new SignPathServiceError(
          400,
          `signing policy ${policy.signingPolicySlug} has an RSA key, not ECDSA`,
        );
      return ecdsaSign(key, { hash: params.hash, format: params.format }, { digest });
    }
    if (key.kty !== 'RSA')
      throw new SignPathServiceError(
        400,
        `signing policy ${policy.signingPolicySlug} has an ECDSA key, not RSA`,
      );
    return rsaSign(key, { scheme: params.scheme, hash: params.hash as RsaHashName }, { digest });
  } catch (error) {
    if (error instanceof SignPathServiceError) throw error;
    throw new SignPathServiceError(
      400,
      `cannot sign: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The SignPath mock's state and operations. */
export interface SignPathService {
  readonly fixtures: SignPathFixtures;
  /** The user an `Authorization: Bearer` header names, for this organization. */
  authenticate(authorization: string | undefined, organizationId: string): SignPathFixtures['users'][number];
  /** A policy the user may submit to. */
  policyFor(
    user: SignPathFixtures['users'][number],
    projectSlug: string,
    signingPolicySlug: string,
  ): SignPathPolicyFixture;
  /** Signs a legacy payload.json; records a request (already final for fast requests). */
  submitPayload(
    policy: SignPathPolicyFixture,
    payload: SignPathPayload,
    options: { fast: boolean; corrupt: boolean; scenario: SignPathRequestsScenario },
  ): { record: SignPathRequestRecord; signedPayload: ReturnType<typeof buildSignPathFastResponse> };
  /** Signs SignHash's hashSigningData; records a completed request. */
  signHash(
    policy: SignPathPolicyFixture,
    data: SignPathHashSigningData,
    corrupt: boolean,
  ): { id: string; signature: Uint8Array };
  /** A request; `countPoll` advances it one poll. */
  request(id: string, countPoll: boolean): SignPathRequestRecord;
  /** MySigningPolicies entries for a user, optionally narrowed. */
  policies(
    user: SignPathFixtures['users'][number],
    filter: { projectSlug?: string | undefined; signingPolicySlug?: string | undefined },
  ): SignPathSigningPolicy[];
  reset(): void;
}

/** The SignPath service over resolved fixtures; IDs come from the seed. */
export function createSignPathService(fixtures: SignPathFixtures, seed: string): SignPathService {
  let requests = new Map<string, SignPathRequestRecord>();
  let nextId = createSeededIdSequence(seed, 'signpath/signing-requests');
  const policyEntries = new Map(
    fixtures.policies.map((policy) => [
      policy,
      buildSignPathPolicyEntry({
        signingPolicyId: policy.signingPolicyId,
        signingPolicySlug: policy.signingPolicySlug,
        projectSlug: policy.projectSlug,
        key: policy.key,
        certificate: policy.certificate,
      }),
    ]),
  );

  function record(
    policy: SignPathPolicyFixture,
    fields: Partial<SignPathRequestRecord>,
  ): SignPathRequestRecord {
    const created: SignPathRequestRecord = {
      id: nextId(),
      policy,
      createdAt: new Date().toISOString(),
      signedArtifact: undefined,
      outcome: 'Completed',
      pendingStatus: 'InProgress',
      pollsUntilFinal: 0,
      polls: 1,
      ...fields,
    };
    requests.set(created.id, created);
    return created;
  }

  return {
    fixtures,
    authenticate(authorization, organizationId) {
      const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
      const user = match
        ? fixtures.users.find((candidate) => candidate.apiToken === match[1]?.trim())
        : undefined;
      if (user === undefined)
        throw new SignPathServiceError(401, 'a valid API token is required (Authorization: Bearer <token>)');
      if (!sameText(organizationId, fixtures.organizationId)) {
        throw new SignPathServiceError(404, `organization ${organizationId} does not exist`);
      }
      return user;
    },
    policyFor(user, projectSlug, signingPolicySlug) {
      const policy = fixtures.policies.find(
        (candidate) =>
          sameText(candidate.projectSlug, projectSlug) &&
          sameText(candidate.signingPolicySlug, signingPolicySlug),
      );
      if (policy === undefined) {
        throw new SignPathServiceError(
          404,
          `signing policy ${signingPolicySlug} of project ${projectSlug} does not exist`,
        );
      }
      if (!user.submitter)
        throw new SignPathServiceError(403, `user ${user.name} is not a submitter of ${signingPolicySlug}`);
      return policy;
    },
    submitPayload(policy, payload, options) {
      const digest = signPathPayloadDigest(payload);
      const params = signPathPayloadParams(payload, digest.length);
      let signature = signDigest(policy, params, digest);
      if (options.corrupt) signature = corruptBytes(signature);
      const signedPayload = buildSignPathFastResponse(payload, signature);
      const artifact = new TextEncoder().encode(JSON.stringify(signedPayload, null, 2));
      const outcome = options.fast ? 'Completed' : options.scenario.outcome;
      const created = record(policy, {
        signedArtifact: outcome === 'Completed' ? artifact : undefined,
        outcome,
        pendingStatus: options.scenario.pendingStatus,
        pollsUntilFinal: options.fast ? 0 : options.scenario.pollsUntilFinal,
        polls: options.fast ? 1 : 0,
      });
      return { record: created, signedPayload };
    },
    signHash(policy, data, corruptSignature) {
      const digest = base64ToBytes(data.hash);
      const params = signPathHashSigningParams(data, digest.length);
      let signature = signDigest(policy, params, digest);
      if (corruptSignature) signature = corruptBytes(signature);
      return { id: record(policy, {}).id, signature };
    },
    request(id, countPoll) {
      const found = requests.get(id.toLowerCase());
      if (found === undefined) throw new SignPathServiceError(404, `signing request ${id} does not exist`);
      if (countPoll && found.polls <= found.pollsUntilFinal) found.polls += 1;
      return found;
    },
    policies(user, filter) {
      if (!user.submitter) return [];
      return fixtures.policies
        .filter(
          (policy) =>
            (filter.projectSlug === undefined || sameText(policy.projectSlug, filter.projectSlug)) &&
            (filter.signingPolicySlug === undefined ||
              sameText(policy.signingPolicySlug, filter.signingPolicySlug)),
        )
        .map((policy) => policyEntries.get(policy) as SignPathSigningPolicy);
    },
    reset() {
      requests = new Map();
      nextId = createSeededIdSequence(seed, 'signpath/signing-requests');
    },
  };
}
