// SignPath mock logic: API token auth, signing policies, hash signing with the policy keys, and asynchronous
// signing requests that reach their final status after N polls.
import { sign } from '@sigil/crypto-core/sign';
import {
  buildSignPathFastResponse,
  buildSignPathPolicyEntry,
  decodeSignPathHashSigningData,
  decodeSignPathPayload,
  type SignPathDecoded,
  type SignPathHashSigningData,
  type SignPathPayload,
  type SignPathSigningPolicy,
  type SignPathStatus,
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
    /** ASP.NET validation errors by field, for a 400. */
    readonly fieldErrors?: Readonly<Record<string, readonly string[]>>,
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
  /** The artifact as submitted (payload.json, or SignHash's data). */
  readonly unsignedArtifact: Uint8Array;
  /** The signed artifact (payload.json with Signature), present when the outcome is Completed. */
  readonly signedArtifact: Uint8Array | undefined;
  readonly outcome: (typeof SIGNPATH_OUTCOMES)[number];
  readonly pendingStatus: 'InProgress' | 'WaitingForApproval';
  readonly pollsUntilFinal: number;
  polls: number;
}

/** The status a record shows now (without counting a poll): pending until its polls are used up, then its outcome. */
export function statusOf(record: SignPathRequestRecord): SignPathStatus {
  return record.polls > record.pollsUntilFinal ? record.outcome : record.pendingStatus;
}

function sameText(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}

/**
 * Signs a decoded SignPath request with a policy key, as SignPath's crypto providers do: the digest is the input,
 * never hashed again.
 * @throws {SignPathServiceError} 400 when the policy's key cannot make the signature asked for
 */
function signWithPolicy(policy: SignPathPolicyFixture, decoded: SignPathDecoded): Uint8Array {
  try {
    return sign(policy.key, decoded.params, { digest: decoded.digest });
  } catch (error) {
    throw new SignPathServiceError(
      400,
      `signing policy ${policy.signingPolicySlug} cannot sign this: ${error instanceof Error ? error.message : String(error)}`,
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
    options: {
      fast: boolean;
      corrupt: boolean;
      scenario: SignPathRequestsScenario;
      unsignedArtifact: Uint8Array;
    },
  ): { record: SignPathRequestRecord; signedPayload: ReturnType<typeof buildSignPathFastResponse> };
  /** Signs SignHash's hashSigningData; records a completed request. */
  signHash(
    policy: SignPathPolicyFixture,
    data: SignPathHashSigningData,
    corrupt: boolean,
    unsignedArtifact: Uint8Array,
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
    fields: Partial<SignPathRequestRecord> & Pick<SignPathRequestRecord, 'unsignedArtifact'>,
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
        // SignPath's answer (Jsign's signpath-invalid-policy-error.json): a 400 on SigningPolicySlug.
        const message = `There is no signing policy with slug '${signingPolicySlug}' in the project with slug '${projectSlug}'.`;
        throw new SignPathServiceError(400, message, { SigningPolicySlug: [message] });
      }
      if (!user.submitter)
        throw new SignPathServiceError(403, `user ${user.name} is not a submitter of ${signingPolicySlug}`);
      return policy;
    },
    submitPayload(policy, payload, options) {
      let signature = signWithPolicy(policy, decodeSignPathPayload(payload));
      if (options.corrupt) signature = corruptBytes(signature);
      const signedPayload = buildSignPathFastResponse(payload, signature);
      const artifact = new TextEncoder().encode(JSON.stringify(signedPayload, null, 2));
      const outcome = options.fast ? 'Completed' : options.scenario.outcome;
      const created = record(policy, {
        signedArtifact: outcome === 'Completed' ? artifact : undefined,
        unsignedArtifact: options.unsignedArtifact,
        outcome,
        pendingStatus: options.scenario.pendingStatus,
        pollsUntilFinal: options.fast ? 0 : options.scenario.pollsUntilFinal,
        polls: options.fast ? 1 : 0,
      });
      return { record: created, signedPayload };
    },
    signHash(policy, data, corruptSignature, unsignedArtifact) {
      let signature = signWithPolicy(policy, decodeSignPathHashSigningData(data));
      if (corruptSignature) signature = corruptBytes(signature);
      return { id: record(policy, { unsignedArtifact }).id, signature };
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
