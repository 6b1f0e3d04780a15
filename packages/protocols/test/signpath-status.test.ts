// The status body of a SignPath signing request: the seed README's statuses, the workflow status of each, finality.
import { describe, expect, it } from 'vitest';
import {
  buildSignPathStatusResponse,
  isSignPathFinalStatus,
  SIGNPATH_FINAL_STATUSES,
  SIGNPATH_STATUSES,
  SIGNPATH_WORKFLOW_STATUSES,
  signPathStatusFields,
  signPathStatusResponseSchema,
} from '../src/signpath/index.js';

const ID = 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1';

describe('SignPath request status', () => {
  it('lists the statuses of the seed README, the final ones among them', () => {
    expect(SIGNPATH_STATUSES).toEqual([
      'InProgress',
      'WaitingForApproval',
      'Completed',
      'Failed',
      'Denied',
      'Canceled',
    ]);
    expect(
      SIGNPATH_FINAL_STATUSES.every((status) => (SIGNPATH_STATUSES as readonly string[]).includes(status)),
    ).toBe(true);
    expect(Object.keys(SIGNPATH_WORKFLOW_STATUSES)).toEqual([...SIGNPATH_STATUSES]);
  });

  it.each([
    ['InProgress', 'Processing', false],
    ['WaitingForApproval', 'WaitingForApproval', false],
    ['Completed', 'Completed', true],
    ['Failed', 'ProcessingFailed', true],
    ['Denied', 'Denied', true],
    ['Canceled', 'Canceled', true],
  ] as const)(
    '%s reports workflowStatus %s, final %s, as a body the client schema reads',
    (status, workflow, final) => {
      expect(signPathStatusFields(status)).toEqual({
        status,
        workflowStatus: workflow,
        isFinalStatus: final,
      });
      expect(isSignPathFinalStatus(status)).toBe(final);
      const body = buildSignPathStatusResponse(ID, status);
      expect(body).toEqual({ signingRequestId: ID, status, workflowStatus: workflow, isFinalStatus: final });
      expect(signPathStatusResponseSchema.parse(body)).toEqual(body);
    },
  );

  it('refuses a status the documents do not list, and calls no unknown status final', () => {
    expect(() => signPathStatusFields('Processing' as never)).toThrow(RangeError);
    expect(() => buildSignPathStatusResponse(ID, 'completed' as never)).toThrow(RangeError);
    expect(isSignPathFinalStatus('Processing')).toBe(false);
  });
});
