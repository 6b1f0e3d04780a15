// The status of a SignPath signing request as `GET SigningRequests/{id}/Status` reports it: status, workflowStatus,
// isFinalStatus (seed README), built in one place for every surface that answers it.
import {
  SIGNPATH_FINAL_STATUSES,
  SIGNPATH_STATUSES,
  type SignPathStatus,
  type SignPathStatusResponse,
} from './signpath-schema.js';

/**
 * The `workflowStatus` Sigil reports with each `status`, one of the values SignPath documents (docs.signpath.io,
 * "Build system integration" > "Get signing request data": `Submitted`, `RetrievingArtifact`, `WaitingForApproval`,
 * `QueuedForMalwareScanning`, `ScanningForMalware`, `QueuedForProcessing`, `Processing`, `Completed`,
 * `ProcessingFailed`, `MalwareScanFailed`, `MalwareDetected`, `ArtifactRetrievalFailed`, `Denied`, `Canceled`).
 * Sigil neither scans nor fetches artifacts, so an `InProgress` request is `Processing` and a `Failed` one
 * `ProcessingFailed`; the others share their status's name. Clients read `status` and `isFinalStatus`.
 */
export const SIGNPATH_WORKFLOW_STATUSES = {
  InProgress: 'Processing',
  WaitingForApproval: 'WaitingForApproval',
  Completed: 'Completed',
  Failed: 'ProcessingFailed',
  Denied: 'Denied',
  Canceled: 'Canceled',
} as const satisfies Record<SignPathStatus, string>;

/** The three status members of a status answer or a signing request's data. */
export interface SignPathStatusFields {
  readonly status: SignPathStatus;
  readonly workflowStatus: string;
  readonly isFinalStatus: boolean;
}

/** True for a status after which the request no longer changes (`Completed`, `Failed`, `Denied`, `Canceled`). */
export function isSignPathFinalStatus(status: string): boolean {
  return (SIGNPATH_FINAL_STATUSES as readonly string[]).includes(status);
}

/**
 * `status`, `workflowStatus` (see {@link SIGNPATH_WORKFLOW_STATUSES}) and `isFinalStatus` for a request's status.
 * @throws {RangeError} for a status the seed README does not list
 */
export function signPathStatusFields(status: SignPathStatus): SignPathStatusFields {
  if (!(SIGNPATH_STATUSES as readonly unknown[]).includes(status)) {
    throw new RangeError(
      `status must be one of ${SIGNPATH_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
    );
  }
  return {
    status,
    workflowStatus: SIGNPATH_WORKFLOW_STATUSES[status],
    isFinalStatus: isSignPathFinalStatus(status),
  };
}

/**
 * The body of `GET /v1/{organizationId}/SigningRequests/{id}/Status`: `{signingRequestId, status, workflowStatus,
 * isFinalStatus}` (seed README).
 * @throws {RangeError} for a status the seed README does not list
 */
export function buildSignPathStatusResponse(
  signingRequestId: string,
  status: SignPathStatus,
): SignPathStatusResponse {
  return { signingRequestId, ...signPathStatusFields(status) };
}
