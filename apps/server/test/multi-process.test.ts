// Two built server processes on one PostgreSQL: shared tokens, keys, policies and replay nonces (a PingID-signed
// request accepted by one is a replay on the other), an audit chain both write at once, and a SignPath request
// accepted by one process finished by the other after a SIGKILL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildAuthorizationHeader,
  createPingIdClient,
  PINGID_SIGNATURE_HEADER,
  type PingIdCredentials,
  verifyResponseSignature,
} from '@sigil/protocols/pingid';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres.js';
import { freshDatabaseUrl } from './helpers.js';
import {
  asyncSignPathForm,
  callJson,
  provisionSigning,
  readWholeAudit,
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from './server-process.js';

const ADMIN_TOKEN = 'admin-token-for-multi-process-tests';
const ORGANIZATION = '6a5b8c3e-0000-4000-8000-0000000000aa';

describe('two server processes on one PostgreSQL', () => {
  it('share state and the audit chain, and finish the SignPath requests of a process killed with SIGKILL', {
    timeout: 300_000,
  }, async () => {
    const databaseUrl = await freshDatabaseUrl();
    const environment = {
      SIGIL_DATABASE_URL: databaseUrl,
      SIGIL_ADMIN_TOKEN: ADMIN_TOKEN,
      SIGIL_MASTER_KEY: randomBytes(32).toString('base64'),
      SIGIL_CRYPTO_ENGINE: 'pure',
      SIGIL_JOB_LEASE_MS: '1000',
    };
    // Both start at once on an empty database: the migrations run once.
    const [a, b] = (await Promise.all([
      startServerProcess(mkdtempSync(join(tmpdir(), 'sigil-mp-a-')), environment),
      startServerProcess(mkdtempSync(join(tmpdir(), 'sigil-mp-b-')), environment),
    ])) as [ServerProcess, ServerProcess];
    const inspector = await openPostgresStore(databaseUrl, { maxConnections: 2 });
    try {
      // Keys, tokens and policies made through A are used through B.
      const { submitterToken, ecKeyId, rsaKeyId } = await provisionSigning(a.url, ADMIN_TOKEN, ORGANIZATION);
      expect((await callJson(`${b.url}/v1/keys/${rsaKeyId}`, 'GET', ADMIN_TOKEN)).status).toBe(200);
      const signedOnB = await callJson(`${b.url}/v1/sign`, 'POST', submitterToken, {
        key: ecKeyId,
        algorithm: 'ES256',
        message: 'eA==',
      });
      expect(signedOnB.status).toBe(200);
      const policies = await callJson(
        `${b.url}/signpath/api/v1/${ORGANIZATION}/Cryptoki/MySigningPolicies`,
        'GET',
        submitterToken,
      );
      expect(
        policies.body.signingPolicies.map(
          (policy: { signingPolicySlug: string }) => policy.signingPolicySlug,
        ),
      ).toEqual(['async']);
      // A token issued by B and revoked through A is refused by B.
      const issued = await callJson(`${b.url}/v1/tokens`, 'POST', ADMIN_TOKEN, {
        name: 'short',
        scopes: ['sign'],
      });
      const sign = { key: ecKeyId, algorithm: 'ES256', message: 'eQ==' };
      expect((await callJson(`${a.url}/v1/sign`, 'POST', issued.body.token, sign)).status).toBe(200);
      expect(
        (await callJson(`${a.url}/v1/tokens/${issued.body.id}`, 'DELETE', ADMIN_TOKEN)).status,
      ).toBeLessThan(300);
      expect((await callJson(`${b.url}/v1/sign`, 'POST', issued.body.token, sign)).status).toBe(401);

      // The replay (nonce) store is one: two connections racing on the same nonces, each is accepted exactly once.
      const other = await openPostgresStore(databaseUrl, { maxConnections: 2 });
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      const nonces = Array.from({ length: 50 }, (_, index) => `pingid-nonce-${index}`);
      const firstSeen = await Promise.all(
        nonces.flatMap((nonce) => [
          inspector.rememberNonce(nonce, expiresAt),
          other.rememberNonce(nonce, expiresAt),
        ]),
      );
      await other.close();
      expect(firstSeen.filter(Boolean)).toHaveLength(nonces.length);

      // A PingID-signed request accepted by A is refused as a replay by B when resent byte for byte: the
      // X-Request-ID is remembered in the shared store. B opens the API key A sealed (one master key).
      const pingIdToken = await callJson(`${a.url}/v1/tokens`, 'POST', ADMIN_TOKEN, {
        name: 'pingid',
        scopes: ['sign'],
        pingidHmac: true,
      });
      const credentials = pingIdToken.body.pingid as PingIdCredentials;
      const signedBody = JSON.stringify({ key: ecKeyId, algorithm: 'ES256', message: 'eg==' });
      // The canonical string has no port: the same header is valid for either process.
      const authorization = buildAuthorizationHeader(
        { method: 'POST', url: `${a.url}/v1/sign`, body: signedBody },
        credentials,
      );
      const sendSigned = (url: string) =>
        fetch(`${url}/v1/sign`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: signedBody,
        });
      const acceptedByA = await sendSigned(a.url);
      expect(acceptedByA.status).toBe(200);
      verifyResponseSignature(
        acceptedByA.headers.get(PINGID_SIGNATURE_HEADER),
        await acceptedByA.text(),
        credentials.apiKey,
      );
      const replayedOnB = await sendSigned(b.url);
      expect(replayedOnB.status).toBe(401);
      expect(((await replayedOnB.json()) as { error: { message: string } }).error.message).toMatch(
        /\(replayed\)/,
      );
      const freshOnB = await createPingIdClient({ baseUrl: b.url, credentials }).request('POST', '/v1/sign', {
        key: ecKeyId,
        algorithm: 'ES256',
        message: 'eg==',
      });
      expect(freshOnB.status).toBe(200);

      // Both write audit at once: the chain stays one valid chain.
      const writes = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          callJson(`${(index % 2 === 0 ? a : b).url}/v1/sign`, 'POST', submitterToken, {
            key: ecKeyId,
            algorithm: 'ES256',
            message: Buffer.from(`m${index}`).toString('base64'),
          }),
        ),
      );
      expect(writes.map((write) => write.status).filter((status) => status !== 200)).toEqual([]);
      const concurrent = await callJson(`${a.url}/v1/audit/verify`, 'GET', ADMIN_TOKEN);
      expect(concurrent.body.ok).toBe(true);
      expect(concurrent.body.entries).toBeGreaterThan(200);

      // A accepts a burst of asynchronous requests and dies with most of them unsigned; B finishes every one.
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          fetch(`${a.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${submitterToken}` },
            body: asyncSignPathForm('proj', 'async', `takeover-${index}`),
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
      await a.kill();
      const accepted = await Promise.all(
        answers.map(
          async (answer) => ((await answer.json()) as { SigningRequestId: string }).SigningRequestId,
        ),
      );
      const leftByA = (await inspector.listPendingSignPathRequests()).map((request) => request.id);
      expect(leftByA.length).toBeGreaterThan(0);

      // B takes A's jobs over once their leases lapse (SIGIL_JOB_LEASE_MS), then signs them one by one.
      let unfinished = accepted;
      await waitUntil(
        'B to complete every request A accepted',
        async () => {
          const statuses = await Promise.all(
            unfinished.map((id) =>
              callJson(
                `${b.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests/${id}/Status`,
                'GET',
                submitterToken,
              ),
            ),
          );
          unfinished = unfinished.filter((_, index) => statuses[index]?.body.status !== 'Completed');
          return unfinished.length === 0;
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      const artifact = await callJson(
        `${b.url}/signpath/api/v1/${ORGANIZATION}/SigningRequests/${leftByA[0]}/SignedArtifact`,
        'GET',
        submitterToken,
      );
      expect(artifact.status).toBe(200);
      expect(typeof artifact.body.Signature).toBe('string');
      const audit = await readWholeAudit(b.url, ADMIN_TOKEN);
      for (const id of accepted) {
        expect(audit.some((record) => record.requestId === `job:${id}` && record.result === 'ok')).toBe(true);
      }
      await b.waitForOutput(/taking over accepted SignPath requests/);
      const verification = await callJson(`${b.url}/v1/audit/verify`, 'GET', ADMIN_TOKEN);
      expect(verification.body.ok).toBe(true);
    } finally {
      await inspector.close();
      if (a.child.exitCode === null && a.child.signalCode === null) await a.kill();
      await b.stop();
    }
  });
});
