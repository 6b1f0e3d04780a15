// Bounded loopback load test: the built server, mixed endpoints, autocannon for 30 s at 64 connections; 0 errors, 0 5xx.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string' },
    engine: { type: 'string', default: 'native' },
  },
});
const duration = Number(flags.duration);
const connections = Number(flags.connections);
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sigil-load-'));
const adminToken = `load-admin-${Date.now()}-token`;
const pingoneSecret = 'load-test-pingone-header';

const child = spawn(process.execPath, [main, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
  env: {
    ...process.env,
    SIGIL_ADMIN_TOKEN: adminToken,
    SIGIL_LOG_LEVEL: 'warn',
    SIGIL_CRYPTO_ENGINE: flags.engine,
    SIGIL_RATE_LIMIT: '1000000',
    SIGIL_PINGONE_HEADERS: JSON.stringify({ 'x-pingone-secret': pingoneSecret }),
    ...(flags.workers === undefined ? {} : { SIGIL_WORKERS: flags.workers }),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(dataDir, { recursive: true, force: true });
};

try {
  const origin = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const call = async (method, path, body, token = adminToken) => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const keys = {};
  for (const [name, spec] of Object.entries({
    p256: { type: 'EC', curve: 'P-256' },
    rsa: { type: 'RSA', size: 2048 },
    ed: { type: 'OKP', curve: 'Ed25519' },
    hmac: { type: 'HMAC', size: 256 },
  })) {
    keys[name] = await call('POST', '/v1/keys', { name, ...spec });
  }
  const signer = (await call('POST', '/v1/tokens', { name: 'load', scopes: ['sign', 'verify'] })).token;
  const message = Buffer.from('load test message').toString('base64');
  const signed = await call('POST', '/v1/sign', { key: 'p256', algorithm: 'ES256', message }, signer);
  const app = await call('POST', '/v1/fortanix/apps', { name: 'load' });
  const session = await (
    await fetch(`${origin}/fortanix/sys/v1/session/auth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.appId}:${app.secret}`).toString('base64')}` },
    })
  ).json();
  const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const pingonePayload = `${b64url({ alg: 'ES256', kid: keys.p256.kid })}.${b64url({ vc: { id: 'load' } })}`;

  const json = (path, body, token = signer) => ({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const requests = [
    json('/v1/sign', { key: 'p256', algorithm: 'ES256', message }),
    json('/v1/sign', { key: 'rsa', algorithm: 'RS256', message }),
    json('/v1/sign', { key: 'rsa', algorithm: 'PS256', message }),
    json('/v1/sign', { key: 'ed', algorithm: 'EdDSA', message }),
    json('/v1/sign', { key: 'hmac', algorithm: 'HS256', message }),
    json('/v1/verify', { key: 'p256', algorithm: 'ES256', message, signature: signed.signature }),
    json('/v1/sign/batch', Array(10).fill({ key: 'p256', algorithm: 'ES256', message })),
    json(
      '/fortanix/crypto/v1/sign',
      { key: { name: 'p256' }, hash_alg: 'SHA256', data: message },
      session.access_token,
    ),
    {
      method: 'POST',
      path: '/pingone/credential-signing',
      headers: { 'x-pingone-secret': pingoneSecret, 'content-type': 'application/json' },
      body: JSON.stringify({
        payloads: [
          {
            payload: pingonePayload,
            kid: keys.p256.kid,
            credentialSigningKeyId: '00000000-0000-4000-8000-000000000000',
          },
        ],
      }),
    },
    { method: 'GET', path: '/healthz' },
  ];

  const result = await autocannon({ url: origin, connections, duration, requests, timeout: 10 });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count]),
  );
  const fiveHundreds = Object.entries(statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  const audit = await call('GET', '/v1/audit/verify');
  const summary = {
    durationSeconds: duration,
    connections,
    engine: flags.engine,
    workers: flags.workers ?? 'default (cores)',
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    fiveHundreds,
    auditChain: audit,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const failed =
    result.errors > 0 || result.timeouts > 0 || fiveHundreds > 0 || result.non2xx > 0 || !audit.ok;
  await stop();
  process.exit(failed ? 1 : 0);
} catch (error) {
  process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop();
  process.exit(1);
}
