// `sigil pingid request` (built binary) reads the response signature under either name PingID uses: the documented
// X-PINGID-Signature, or X-PINGID-Singature (sic) as PingID's SDK sample reads it (seed 004); both present must agree.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSigilAsync, scratchDirectory } from './sigil.js';

const dir = scratchDirectory();
const apiKey = randomBytes(32).toString('base64');
const settings = join(dir, 'pingidsdk.properties');
const BODY = JSON.stringify({ userName: 'tom', status: 'ACTIVE' });

/** The response signature made with node:crypto alone: HS256 under the decoded API key over `{data: hex SHA-256}`. */
function nodeSignature(body: string): string {
  const b64url = (value: string) => Buffer.from(value).toString('base64url');
  const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(
    JSON.stringify({ data: createHash('sha256').update(body).digest('hex') }),
  )}`;
  const mac = createHmac('sha256', Buffer.from(apiKey, 'base64')).update(signingInput).digest('base64url');
  return `${signingInput}.${mac}`;
}

describe('sigil pingid request and the two signature header names', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    // The path says which headers to answer with.
    server = createServer((request, response) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const mode = request.url?.split('/').at(-1);
      if (mode === 'documented' || mode === 'both' || mode === 'disagree')
        headers['X-PINGID-Signature'] = nodeSignature(BODY);
      if (mode === 'sample' || mode === 'both') headers['X-PINGID-Singature'] = nodeSignature(BODY);
      if (mode === 'disagree') headers['X-PINGID-Singature'] = nodeSignature('{}');
      response.writeHead(200, headers).end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(settings, `account_id=acct-1\ntoken=account-token\napi_key=${apiKey}\n`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (mode: string) =>
    runSigilAsync(
      [
        'pingid',
        'request',
        'GET',
        `${origin}/pingid/v1/accounts/acct-1/users/${mode}`,
        '--settings',
        settings,
      ],
      {
        timeoutMs: 30_000,
      },
    );

  it.each(['documented', 'sample', 'both'])(
    'verifies an answer signed under %s header(s) (exit 0)',
    async (mode) => {
      const run = await request(mode);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout.toString())).toEqual(JSON.parse(BODY));
    },
  );

  it.each(['disagree', 'none'])('refuses an answer whose signature headers are %s (exit 1)', async (mode) => {
    const run = await request(mode);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(mode === 'disagree' ? /disagree/ : /is missing/);
  });
});
