// What the SignPath surface shows of a stored signing request: its data (docs.signpath.io, "Build system
// integration" > "Get signing request data"), the unsigned artifact as submitted, and the signed artifact.
import { createHash } from 'node:crypto';
import { base64ToBytes } from '@sigil/crypto-core/encoding';
import {
  buildSignPathFastResponse,
  parseSignPathPayload,
  signPathStatusFields,
} from '@sigil/protocols/signpath';
import { ServerError } from '../errors.js';
import type { SignPathPolicyRecord, SignPathRequestRecord } from '../store/store.js';

/** The artifact configuration every Sigil project has: hash signing needs no other (SignPath's default's name). */
const ARTIFACT_CONFIGURATION = 'Default';

/**
 * A stable GUID for a name Sigil keeps no id for (a project, its artifact configuration): the name's SHA-256, laid
 * out as an RFC 9562 §5.8 (custom, version 8) UUID, so the same organization and slug always give the same id.
 */
export function signPathStableId(...names: readonly string[]): string {
  const bytes = createHash('sha256').update(names.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `GET SigningRequests/{id}`: status, workflowStatus, isFinalStatus, the project, artifact configuration and
 * signing policy (ids, slugs, names) and the artifact links, in the order SignPath's example gives them.
 */
export function signPathRequestData(
  request: SignPathRequestRecord,
  policy: SignPathPolicyRecord | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const link = `${baseUrl}/SigningRequests/${request.id}`;
  const project = policy?.projectSlug;
  return {
    signingRequestId: request.id,
    ...signPathStatusFields(request.status),
    description: null,
    projectId: project === undefined ? null : signPathStableId(request.organizationId, project),
    projectSlug: project ?? null,
    projectName: project ?? null,
    artifactConfigurationId:
      project === undefined
        ? null
        : signPathStableId(request.organizationId, project, ARTIFACT_CONFIGURATION),
    artifactConfigurationSlug: ARTIFACT_CONFIGURATION,
    artifactConfigurationName: ARTIFACT_CONFIGURATION,
    signingPolicyId: policy?.id ?? null,
    signingPolicySlug: policy?.signingPolicySlug ?? null,
    signingPolicyName: policy?.signingPolicySlug ?? null,
    unsignedArtifactLink: `${link}/UnsignedArtifact`,
    signedArtifactLink: request.status === 'Completed' ? `${link}/SignedArtifact` : null,
    ...(request.error === undefined ? {} : { error: request.error }),
  };
}

/** `GET SigningRequests/{id}/UnsignedArtifact`: the artifact as it was submitted (payload.json, or SignHash's data). */
export function signPathUnsignedArtifact(request: SignPathRequestRecord): Uint8Array {
  return new TextEncoder().encode(request.payload);
}

/**
 * `GET SigningRequests/{id}/SignedArtifact`: the payload.json with its Signature (SignHash: its data and result).
 * @throws {ServerError} ERR_NOT_READY until the request has completed
 */
export function signPathSignedArtifact(request: SignPathRequestRecord): unknown {
  if (request.status !== 'Completed' || request.signature === undefined) {
    throw new ServerError('ERR_NOT_READY', `signing request ${request.id} is ${request.status}`);
  }
  const stored = JSON.parse(request.payload) as Record<string, unknown>;
  if ('hashSigningData' in stored) return { ...stored, hashSigningResult: { signature: request.signature } };
  return buildSignPathFastResponse(parseSignPathPayload(stored), base64ToBytes(request.signature));
}
