// Operations: /readyz, /metrics, /openapi.json, /docs, request ids in logs, and the 413 body limit.
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';

describe('operations', () => {
  it('serves /readyz and Prometheus /metrics with requests, signatures by algorithm and latency', async () => {
    const server = await startTestServer();
    expect((await server.call('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready' });
    const key = (await server.call('POST', '/v1/keys', { body: { type: 'EC', curve: 'P-256' } })).body;
    await server.call('POST', '/v1/sign', { body: { key: key.id, algorithm: 'ES256', message: 'eA==' } });
    const metrics = await server.call('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /sigil_http_requests_total\{method="POST",route="\/v1\/sign",status="200"\} 1/,
    );
    expect(metrics.text).toMatch(/sigil_signatures_total\{algorithm="ES256",surface="sign"\} 1/);
    expect(metrics.text).toMatch(/sigil_http_request_duration_seconds_bucket/);
    await server.store.close();
    expect((await server.call('GET', '/readyz', { token: null })).status).toBe(503);
  });

  it('publishes an OpenAPI 3.1 document of every surface and a self-contained docs page', async () => {
    const server = await startTestServer();
    const document = await server.call('GET', '/openapi.json', { token: null });
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/keys',
      '/v1/sign',
      '/v1/sign/batch',
      '/v1/tokens',
      '/v1/audit/verify',
      '/pingone/credential-signing',
      '/fortanix/crypto/v1/keys/batch/sign',
    ]) {
      expect(Object.keys(document.body.paths)).toContain(path);
    }
    expect(
      document.body.paths['/v1/sign'].post.requestBody.content['application/json'].schema.properties
        .algorithm,
    ).toBeDefined();
    const docs = await server.call('GET', '/docs', { token: null });
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/openapi\.json/);
    expect(docs.text).not.toMatch(/https?:\/\/(?!httpstatuses)/);
  });

  it('logs one JSON line per request with its request id, echoes X-Request-Id, and never logs tokens', async () => {
    const server = await startTestServer();
    const answer = await server.call('GET', '/v1/keys', { headers: { 'x-request-id': 'trace-123' } });
    expect(answer.headers.get('x-request-id')).toBe('trace-123');
    const line = server.logs.map((text) => JSON.parse(text)).find((entry) => entry.requestId === 'trace-123');
    expect(line).toMatchObject({ method: 'GET', path: '/v1/keys', status: 200, msg: 'request' });
    expect(server.logs.join('\n')).not.toContain(server.adminToken);
  });

  it('answers 413 to oversized bodies on every surface, in its error shape', async () => {
    const server = await startTestServer({ bodyLimitBytes: 1024 });
    const big = JSON.stringify({ key: 'x', algorithm: 'ES256', message: 'A'.repeat(4096) });
    const headers = { 'content-type': 'application/json' };
    const native = await server.call('POST', '/v1/sign', { raw: big, headers });
    expect([native.status, native.body.error.code]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE']);
    expect((await server.call('POST', '/pingone/credential-signing', { raw: big, headers })).status).toBe(
      413,
    );
    expect(
      (await server.call('POST', '/signpath/api/v1/org/SigningRequests', { raw: big, headers })).status,
    ).toBe(413);
    const fortanix = await server.call('POST', '/fortanix/crypto/v1/sign', { raw: big, headers });
    expect(fortanix.status).toBe(413);
    expect(fortanix.headers.get('content-type')).toMatch(/text\/plain/);
  });
});
