// The SignPath-compatible surface: policies bound to keys, legacy multipart and SignHash requests, status and artifacts.
import { randomUUID } from 'node:crypto';
import { base64ToBytes, bytesToBase64, equalBytes } from '@sigil/crypto-core/encoding';
import { exportSpki } from '@sigil/crypto-core/keys';
import { pemEncode } from '@sigil/crypto-core/pem';
import { assertKeyFitsParams } from '@sigil/crypto-core/sign';
import { parseCertificate } from '@sigil/crypto-core/x509';
import {
  buildSignPathFastResponse,
  buildSignPathPolicyEntry,
  buildSignPathStatusResponse,
  decodeSignPathHashSigningData,
  decodeSignPathPayload,
  parseSignPathPayload,
  type SignPathDecoded,
  type SignPathFastSigningResponse,
  type SignPathMySigningPoliciesResponse,
  type SignPathPayload,
  type SignPathSignHashRequest,
  type SignPathSignHashResponse,
  type SignPathStatusResponse,
  signPathAlgorithmLabel,
} from '@sigil/protocols/signpath';
import { ServerError } from '../errors.js';
import type { SignPathPolicyRecord, SignPathRequestRecord, Store } from '../store/store.js';
import type { AuditLog } from './audit.js';
import type { JobQueue } from './jobs.js';
import { type Actor, type KeyService, publicKeyOfVersion } from './keys.js';
import type { SigningService } from './signing.js';
import {
  signPathRequestData,
  signPathSignedArtifact,
  signPathUnsignedArtifact,
} from './signpath-request-data.js';
import { hasScope, type Principal } from './tokens.js';

/** `POST /v1/signpath/policies`. */
export interface CreatePolicyRequest {
  readonly organizationId: string;
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  readonly keyId: string;
  readonly submitters: readonly string[];
}

/** A policy as the admin API shows it. */
export interface PolicyView {
  readonly signingPolicyId: string;
  readonly organizationId: string;
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  readonly keyId: string;
  readonly submitters: readonly string[];
  readonly certificateBytes: string;
  readonly certificatePem: string;
}

/** A legacy multipart submission, as parsed. */
export interface LegacySubmission {
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  readonly isFast: boolean;
  readonly artifact: Uint8Array;
}

/** The outcome of a legacy submission: the fast response, or the id of an accepted asynchronous request. */
export type LegacyOutcome =
  | { readonly kind: 'fast'; readonly response: SignPathFastSigningResponse }
  | { readonly kind: 'accepted'; readonly signingRequestId: string };

/** SignPath-compatible operations. */
export class SignPathService {
  readonly #store: Store;
  readonly #keys: KeyService;
  readonly #signing: SigningService;
  readonly #audit: AuditLog;
  #jobs: JobQueue | undefined;

  constructor(store: Store, keys: KeyService, signing: SigningService, audit: AuditLog) {
    this.#store = store;
    this.#keys = keys;
    this.#signing = signing;
    this.#audit = audit;
  }

  /** Connects the queue asynchronous requests run on. */
  useJobs(jobs: JobQueue): void {
    this.#jobs = jobs;
  }

  /**
   * Creates a policy for an RSA or EC key, with the key's self-signed certificate.
   * @throws {ServerError} ERR_KEY_NOT_FOUND, ERR_INVALID_KEY (Ed25519/HMAC), ERR_CONFLICT (slugs in use)
   */
  async createPolicy(actor: Actor, request: CreatePolicyRequest): Promise<PolicyView> {
    const key = await this.#keys.resolve(request.keyId);
    if (key.type !== 'RSA' && key.type !== 'EC') {
      throw new ServerError('ERR_INVALID_KEY', 'SignPath signing policies hold RSA or ECDSA keys');
    }
    const organizationId = request.organizationId.toLowerCase();
    const existing = await this.#store.listSignPathPolicies(organizationId);
    if (
      existing.some(
        (policy) =>
          policy.projectSlug === request.projectSlug &&
          policy.signingPolicySlug === request.signingPolicySlug,
      )
    ) {
      throw new ServerError(
        'ERR_CONFLICT',
        `policy ${request.projectSlug}/${request.signingPolicySlug} exists`,
      );
    }
    const version = await this.#store.getKeyVersion(key.id, key.currentVersion);
    if (version === undefined) throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no version`);
    const certificate = await this.#keys
      .providerOf(key)
      .selfSignedCertificate(version, `${request.projectSlug}/${request.signingPolicySlug}`);
    const policy: SignPathPolicyRecord = {
      id: randomUUID(),
      organizationId,
      projectSlug: request.projectSlug,
      signingPolicySlug: request.signingPolicySlug,
      keyId: key.id,
      submitters: [...request.submitters],
      certificate: bytesToBase64(certificate),
      createdAt: new Date().toISOString(),
    };
    await this.#store.createSignPathPolicy(policy);
    await this.#audit.recordOutcome(actor, 'signpath.policies.create', { keyId: key.id, detail: policy.id });
    return {
      signingPolicyId: policy.id,
      organizationId,
      projectSlug: policy.projectSlug,
      signingPolicySlug: policy.signingPolicySlug,
      keyId: key.id,
      submitters: policy.submitters,
      certificateBytes: policy.certificate,
      certificatePem: pemEncode('CERTIFICATE', certificate),
    };
  }

  async #policyFor(
    actor: Actor,
    principal: Principal,
    organizationId: string,
    projectSlug: string,
    signingPolicySlug: string,
  ) {
    const policies = await this.#store.listSignPathPolicies(organizationId);
    const policy = policies.find(
      (candidate) =>
        candidate.projectSlug === projectSlug && candidate.signingPolicySlug === signingPolicySlug,
    );
    try {
      if (policy === undefined) {
        // SignPath's answer (Jsign's signpath-invalid-policy-error.json): a 400 on SigningPolicySlug.
        const message = `There is no signing policy with slug '${signingPolicySlug}' in the project with slug '${projectSlug}'.`;
        throw new ServerError('ERR_VALIDATION', message, { fieldErrors: { SigningPolicySlug: [message] } });
      }
      if (!policy.submitters.includes(principal.tokenId)) {
        throw new ServerError('ERR_FORBIDDEN', 'this token is not a submitter of the signing policy');
      }
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'signpath.sign', error);
    }
    return policy;
  }

  /**
   * Signs a decoded request with the policy's key: the key's current version must fit the params (an Ecdsa request
   * on an RSA policy is the caller's mistake, audited as such), and that version signs.
   * @throws {ServerError} the (audited) failure
   */
  async #sign(
    actor: Actor,
    principal: Principal,
    policy: SignPathPolicyRecord,
    { params, digest }: SignPathDecoded,
  ): Promise<Uint8Array> {
    const key = await this.#keys.resolve(policy.keyId);
    const input = { digest };
    let versionNumber: number;
    try {
      const version = await this.#store.getKeyVersion(key.id, key.currentVersion);
      if (version === undefined) throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no version`);
      const publicKey = publicKeyOfVersion(version);
      if (publicKey === undefined) {
        throw new ServerError(
          'ERR_ALGORITHM_MISMATCH',
          `SignPath signs with RSA and ECDSA keys, not ${key.type}`,
        );
      }
      assertKeyFitsParams(publicKey, params);
      versionNumber = version.version;
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'signpath.sign', error, { keyId: key.id, input });
    }
    const outcome = await this.#signing.signOne({
      actor,
      principal,
      operation: 'signpath.sign',
      key,
      algorithm: signPathAlgorithmLabel(params),
      params,
      input,
      version: versionNumber,
    });
    return outcome.signature;
  }

  /**
   * Legacy `POST SigningRequests`: fast requests are signed at once; others are persisted, then signed in the
   * background.
   * @throws {ServerError|ProtocolError} ERR_SIGNPATH_PAYLOAD, ERR_FORBIDDEN, ERR_NOT_FOUND, signing errors
   */
  async submitLegacy(
    actor: Actor,
    principal: Principal,
    organizationId: string,
    submission: LegacySubmission,
  ): Promise<LegacyOutcome> {
    const policy = await this.#policyFor(
      actor,
      principal,
      organizationId,
      submission.projectSlug,
      submission.signingPolicySlug,
    );
    let payload: SignPathPayload;
    let decoded: SignPathDecoded;
    let submitted: string;
    try {
      payload = parseSignPathPayload(submission.artifact);
      decoded = decodeSignPathPayload(payload);
      // Kept as submitted, for UnsignedArtifact; parseSignPathPayload has read it as UTF-8 JSON already.
      submitted = new TextDecoder().decode(submission.artifact);
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'signpath.sign', error);
    }
    const now = new Date().toISOString();
    const record: SignPathRequestRecord = {
      id: randomUUID(),
      organizationId: policy.organizationId,
      policyId: policy.id,
      tokenId: principal.tokenId,
      payload: submitted,
      status: 'InProgress',
      signature: undefined,
      error: undefined,
      createdAt: now,
      updatedAt: now,
    };
    if (submission.isFast) {
      const signature = await this.#sign(actor, principal, policy, decoded);
      await this.#store.createSignPathRequest({
        ...record,
        status: 'Completed',
        signature: bytesToBase64(signature),
      });
      return { kind: 'fast', response: buildSignPathFastResponse(payload, signature) };
    }
    await this.#store.createSignPathRequest(record);
    this.#jobs?.enqueue(record.id);
    return { kind: 'accepted', signingRequestId: record.id };
  }

  /** Signs one persisted asynchronous request and records the outcome (the job queue calls it). */
  async process(id: string): Promise<void> {
    const request = await this.#store.getSignPathRequest(id);
    if (request === undefined || request.status !== 'InProgress') return;
    const actor: Actor = { requestId: `job:${id}`, tokenId: request.tokenId };
    try {
      const policy = await this.#store.getSignPathPolicy(request.policyId);
      const token = await this.#store.getToken(request.tokenId);
      if (policy === undefined || token === undefined)
        throw new ServerError('ERR_FORBIDDEN', 'the policy or submitter is gone');
      const decoded = decodeSignPathPayload(parseSignPathPayload(request.payload));
      const principal: Principal = { tokenId: token.id, scopes: token.scopes, keys: token.keys };
      const signature = await this.#sign(actor, principal, policy, decoded);
      await this.#store.finishSignPathRequest(id, {
        status: 'Completed',
        signature: bytesToBase64(signature),
      });
    } catch (error) {
      const failure = await this.#audit.recordFailure(actor, 'signpath.sign', error);
      if (failure.code === 'ERR_AUDIT_UNAVAILABLE') throw failure;
      await this.#store.finishSignPathRequest(id, { status: 'Failed', error: failure.code });
    }
  }

  /**
   * `POST SigningRequests/SignHash`.
   * @throws {ServerError|ProtocolError} as submitLegacy
   */
  async signHash(
    actor: Actor,
    principal: Principal,
    organizationId: string,
    request: SignPathSignHashRequest,
  ): Promise<SignPathSignHashResponse> {
    const policy = await this.#policyFor(
      actor,
      principal,
      organizationId,
      request.projectSlug,
      request.signingPolicySlug,
    );
    let decoded: SignPathDecoded;
    try {
      decoded = decodeSignPathHashSigningData(request.hashSigningData);
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'signpath.sign', error);
    }
    const signature = bytesToBase64(await this.#sign(actor, principal, policy, decoded));
    const now = new Date().toISOString();
    const id = randomUUID();
    await this.#store.createSignPathRequest({
      id,
      organizationId: policy.organizationId,
      policyId: policy.id,
      tokenId: principal.tokenId,
      payload: JSON.stringify({ hashSigningData: request.hashSigningData }),
      status: 'Completed',
      signature,
      error: undefined,
      createdAt: now,
      updatedAt: now,
    });
    return {
      signingRequestId: id,
      hashSigningData: request.hashSigningData,
      hashSigningResult: { signature },
    };
  }

  async #visibleRequest(principal: Principal, organizationId: string, id: string) {
    const request = await this.#store.getSignPathRequest(id);
    if (request === undefined || request.organizationId !== organizationId) {
      throw new ServerError('ERR_NOT_FOUND', `no signing request ${id}`);
    }
    const policy = await this.#store.getSignPathPolicy(request.policyId);
    const allowed =
      request.tokenId === principal.tokenId ||
      hasScope(principal, 'admin') ||
      policy?.submitters.includes(principal.tokenId);
    if (!allowed) throw new ServerError('ERR_FORBIDDEN', 'this token may not read the signing request');
    return { request, policy };
  }

  /** `GET SigningRequests/{id}/Status`. */
  async status(principal: Principal, organizationId: string, id: string): Promise<SignPathStatusResponse> {
    const { request } = await this.#visibleRequest(principal, organizationId, id);
    return buildSignPathStatusResponse(request.id, request.status);
  }

  /** `GET SigningRequests/{id}`: status plus names and links (see signpath-request-data.ts). */
  async get(
    principal: Principal,
    organizationId: string,
    id: string,
    baseUrl: string,
  ): Promise<Record<string, unknown>> {
    const { request, policy } = await this.#visibleRequest(principal, organizationId, id);
    return signPathRequestData(request, policy, baseUrl);
  }

  /** `GET SigningRequests/{id}/UnsignedArtifact`: what was submitted, byte for byte as stored. */
  async unsignedArtifact(principal: Principal, organizationId: string, id: string): Promise<Uint8Array> {
    const { request } = await this.#visibleRequest(principal, organizationId, id);
    return signPathUnsignedArtifact(request);
  }

  /**
   * `GET SigningRequests/{id}/SignedArtifact`: the payload.json with its Signature.
   * @throws {ServerError} ERR_NOT_READY until the request has completed
   */
  async signedArtifact(principal: Principal, organizationId: string, id: string): Promise<unknown> {
    const { request } = await this.#visibleRequest(principal, organizationId, id);
    return signPathSignedArtifact(request);
  }

  /** `GET Cryptoki/MySigningPolicies`: the policies this token submits to, optionally narrowed by slugs. */
  async mySigningPolicies(
    principal: Principal,
    organizationId: string,
    filter: { projectSlug?: string | undefined; signingPolicySlug?: string | undefined },
  ): Promise<SignPathMySigningPoliciesResponse> {
    const policies = (await this.#store.listSignPathPolicies(organizationId)).filter(
      (policy) =>
        policy.submitters.includes(principal.tokenId) &&
        (filter.projectSlug === undefined || policy.projectSlug === filter.projectSlug) &&
        (filter.signingPolicySlug === undefined || policy.signingPolicySlug === filter.signingPolicySlug),
    );
    const signingPolicies = [];
    for (const policy of policies) {
      const key = await this.#store.getKey(policy.keyId);
      const version = key && (await this.#store.getKeyVersion(key.id, key.currentVersion));
      const publicKey = version && publicKeyOfVersion(version);
      if (key === undefined || publicKey === undefined || version === undefined) continue;
      let certificate = base64ToBytes(policy.certificate);
      // After a rotation the stored certificate names an older public key: issue one for the version that signs.
      if (!equalBytes(parseCertificate(certificate).spki, exportSpki(publicKey))) {
        certificate = await this.#keys
          .providerOf(key)
          .selfSignedCertificate(version, `${policy.projectSlug}/${policy.signingPolicySlug}`);
      }
      signingPolicies.push(
        buildSignPathPolicyEntry({
          signingPolicyId: policy.id,
          signingPolicySlug: policy.signingPolicySlug,
          projectSlug: policy.projectSlug,
          key: publicKey,
          certificate,
        }),
      );
    }
    return { signingPolicies };
  }
}
