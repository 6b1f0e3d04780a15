// Crash safety: SIGKILL the built server during a stream of asynchronous SignPath requests and batch signing, restart
// it, and find every acknowledged request completed and every acknowledged signature in an intact audit chain.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStoreEnvironment, testStoreKind } from './helpers.js';
import {
  asyncSignPathForm,
  callJson,
  provisionSigning,
  readWholeAudit,
  startServerProcess,
  waitUntil,
} from './server-process.js';

const ADMIN_TOKEN = 'admin-token-for-crash-tests';
const ORGANIZATION = '6a5b8c3e-0000-4000-8000-00000000c0de';
const BATCH_SIZE = 10;

describe(`crash safety (${testStoreKind} store)`, () => {
  // The stream, the kill and the recovery run on a possibly busy machine: each wait below is bounded on its own, so
  // the test's limit only has to cover them all.
  it('completes every accepted SignPath request and loses no acknowledged audit record after SIGKILL', {
    timeout: 300_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-crash-'));
    const environment = {
      ...(await processStoreEnvironment()),
      SIGIL_ADMIN_TOKEN: ADMIN_TOKEN,
      SIGIL_MASTER_KEY: randomBytes(32).toString('base64'),
      // The pure engine signs slowly, so accepted requests queue up behind the stream and some are still pending
      // when the process dies; a short lease lets the next process take over PostgreSQL leases quickly.
      SIGIL_CRYPTO_ENGINE: 'pure',
      SIGIL_JOB_LEASE_MS: '500',
    };
    const first = await startServerProcess(dataDir, environment);
    const { submitterToken, ecKeyId } = await provisionSigning(first.url, ADMIN_TOKEN, ORGANIZATION);

    // What the client saw acknowledged: accepted request ids, and batches answered 200 (their request ids).
    const accepted: string[] = [];
    const acknowledgedBatches: { requestId: string; signatures: number }[] = [];
    let killed = false;
    const submitter = async (worker: number) => {
      for (let round = 0; !killed; round++) {
        try {
          const response = await fetch(`${first.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${submitterToken}` },
            body: asyncSignPathForm('proj', 'async', `w${worker}-r${round}`),
          });
          if (response.status === 201) {
            accepted.push(((await response.json()) as { SigningRequestId: string }).SigningRequestId);
          }
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    };
    const batcher = async (worker: number) => {
      for (let round = 0; !killed; round++) {
        const requestId = `crash-batch-${worker}-${round}`;
        const items = Array.from({ length: BATCH_SIZE }, (_, index) => ({
          key: ecKeyId,
          algorithm: 'ES256',
          message: Buffer.from(`${requestId}-${index}`).toString('base64'),
        }));
        try {
          const response = await fetch(`${first.url}/v1/sign/batch`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${ADMIN_TOKEN}`,
              'content-type': 'application/json',
              'x-request-id': requestId,
            },
            body: JSON.stringify(items),
          });
          if (response.status !== 200) continue;
          const results = (await response.json()) as { status: number }[];
          acknowledgedBatches.push({
            requestId,
            signatures: results.filter((result) => result.status === 200).length,
          });
        } catch {
          // not acknowledged
        }
      }
    };
    const stream = Promise.all([
      ...Array.from({ length: 4 }, (_, worker) => submitter(worker)),
      ...Array.from({ length: 2 }, (_, worker) => batcher(worker)),
    ]);
    // Kill once the stream is well under way and accepted requests wait in the queue (several, so that they cannot all
    // finish between this look and the kill).
    const inProgress = async () => {
      const recent = accepted.slice(-12);
      const statuses = await Promise.all(
        recent.map((id) =>
          callJson(
            `${first.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests/${id}/Status`,
            'GET',
            submitterToken,
          ),
        ),
      );
      return statuses.filter((status) => status.status === 200 && !status.body.isFinalStatus).length;
    };
    await waitUntil(
      '40 accepted requests, 5 acknowledged batches and 3 accepted requests still queued',
      async () => accepted.length >= 40 && acknowledgedBatches.length >= 5 && (await inProgress()) >= 3,
      { timeoutMs: 120_000, intervalMs: 10 },
    );
    await first.kill();
    killed = true;
    await stream;

    const second = await startServerProcess(dataDir, environment);
    try {
      // The restarted process resumes what the first had accepted but not signed: at start-up for the leases that
      // already lapsed (SIGIL_JOB_LEASE_MS), else on its first heartbeat after they do. It says so in its log.
      const resumed = await second.waitForOutput(
        /"resumed":(\d+)[^\n]*"msg":"(?:resuming|taking over) accepted SignPath requests"/,
      );
      expect(Number(resumed[1])).toBeGreaterThan(0);
      const pending = new Set(accepted);
      await waitUntil(
        'every accepted request to complete',
        async () => {
          for (const id of [...pending]) {
            const status = await callJson(
              `${second.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests/${id}/Status`,
              'GET',
              submitterToken,
            );
            expect(status.status).toBe(200);
            if (status.body.isFinalStatus) {
              expect(status.body.status).toBe('Completed');
              pending.delete(id);
            }
          }
          return pending.size === 0;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );

      const audit = await readWholeAudit(second.url, ADMIN_TOKEN);
      const signedBy = new Map<string, number>();
      for (const record of audit) {
        if (record.result === 'ok' && record.operation !== 'audit.list') {
          signedBy.set(record.requestId, (signedBy.get(record.requestId) ?? 0) + 1);
        }
      }
      // Every accepted request was signed (a request signed just before the kill may be signed again: never fewer).
      const unsignedRequests = accepted.filter((id) => (signedBy.get(`job:${id}`) ?? 0) < 1);
      expect(unsignedRequests).toEqual([]);
      // Every signature a batch answered has its audit record.
      const shortBatches = acknowledgedBatches.filter(
        (batch) => (signedBy.get(batch.requestId) ?? 0) < batch.signatures,
      );
      expect(shortBatches).toEqual([]);
      const acknowledgedSignatures = acknowledgedBatches.reduce((sum, batch) => sum + batch.signatures, 0);
      expect(acknowledgedSignatures).toBeGreaterThanOrEqual(5 * BATCH_SIZE);

      const verification = await callJson(`${second.url}/v1/audit/verify`, 'GET', ADMIN_TOKEN);
      expect(verification.status).toBe(200);
      expect(verification.body.ok).toBe(true);
      expect(verification.body.entries).toBeGreaterThanOrEqual(accepted.length + acknowledgedSignatures);
    } finally {
      await second.stop();
    }
  });
});
