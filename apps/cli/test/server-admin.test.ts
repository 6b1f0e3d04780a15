// server admin verbs and secret handling through the built binary, against a stub of the native API in this
// process (the real server's end-to-end tests come when apps/server lands).
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSigilAsync, scratchDirectory } from './sigil.js';

const TOKEN = 'sigil_admin_s3cr3t-token-value';
const dir = scratchDirectory();
const received: { method: string; url: string; authorization: string; body: unknown }[] = [];
let server: Server;
let url: string;

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? undefined : JSON.parse(text);
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const authorization = request.headers.authorization ?? '';
    const body = await bodyOf(request);
    received.push({ method: request.method ?? '', url: request.url ?? '', authorization, body });
    const send = (status: number, answer?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(answer === undefined ? '' : JSON.stringify(answer));
    };
    if (authorization !== `Bearer ${TOKEN}`) {
      // A careless server that echoes the credential back: sigil must not print it.
      return send(401, { error: { code: 'ERR_UNAUTHORIZED', message: `token rejected: ${authorization}` } });
    }
    const route = `${request.method} ${request.url}`;
    if (route === 'GET /v1/keys')
      return send(200, { keys: [{ id: 'key_1', name: 'release', type: 'EC', status: 'enabled' }] });
    if (route === 'POST /v1/keys') return send(201, { id: 'key_2', ...(body as object) });
    if (route === 'POST /v1/keys/key_1/rotate') return send(200, { id: 'key_1', version: 2 });
    if (route === 'POST /v1/keys/key_1/disable') return send(200, { id: 'key_1', status: 'disabled' });
    if (route === 'POST /v1/tokens')
      return send(201, { id: 'tok_9', token: 'sigil_new_token', ...(body as object) });
    if (route === 'DELETE /v1/tokens/tok_9') return send(204);
    if (route === 'POST /v1/signpath/policies') return send(201, { id: 'pol_1', ...(body as object) });
    if (route === 'GET /v1/audit/verify') return send(200, { ok: received.length % 2 === 0, entries: 12 });
    return send(404, { error: { code: 'ERR_NOT_FOUND', message: `no route ${route}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const withEnv = (args: string[]) =>
  runSigilAsync([...args, '--url', url], { cwd: dir, env: { SIGIL_TOKEN: TOKEN } });

describe('sigil server (built binary, stub server)', () => {
  it('keys list sends the bearer token from SIGIL_TOKEN and prints a table or --json', async () => {
    const table = await withEnv(['server', 'keys', 'list']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.toString()).toBe('key_1\trelease\tEC\tenabled\n');
    expect(received.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
    const json = await withEnv(['server', 'keys', 'list', '--json']);
    expect(JSON.parse(json.stdout.toString())).toEqual({
      keys: [{ id: 'key_1', name: 'release', type: 'EC', status: 'enabled' }],
    });
  });

  it('reads the token from --token-file', async () => {
    const result = await runSigilAsync(['server', 'keys', 'list', '--url', url, '--token-file', 'token'], {
      cwd: dir,
      env: { SIGIL_TOKEN: '' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(received.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keys create|rotate|disable, tokens create|revoke and policies create send the native API bodies', async () => {
    expect(
      (await withEnv(['server', 'keys', 'create', '--type', 'ec', '--curve', 'P-384', '--name', 'n'])).status,
    ).toBe(0);
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      url: '/v1/keys',
      body: { type: 'EC', curve: 'P-384', name: 'n' },
    });
    expect((await withEnv(['server', 'keys', 'rotate', 'key_1'])).stdout.toString()).toBe(
      'rotated key key_1\n',
    );
    expect((await withEnv(['server', 'keys', 'disable', 'key_1', '--json'])).stdout.toString()).toMatch(
      /"disabled"/,
    );
    const token = await withEnv([
      'server',
      'tokens',
      'create',
      '--name',
      'ci',
      '--scope',
      'sign',
      '--scope',
      'verify',
      '--key',
      'key_1',
      '--json',
    ]);
    expect(token.status, token.stderr).toBe(0);
    expect(received.at(-1)?.body).toEqual({ name: 'ci', scopes: ['sign', 'verify'], keys: ['key_1'] });
    expect(JSON.parse(token.stdout.toString()).token).toBe('sigil_new_token');
    expect((await withEnv(['server', 'tokens', 'revoke', 'tok_9'])).status).toBe(0);
    expect(received.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/tokens/tok_9' });
    const policy = await withEnv([
      'server',
      'policies',
      'create',
      '--org',
      'o',
      '--project',
      'p',
      '--policy',
      'r',
      '--key',
      'key_1',
    ]);
    expect(policy.status, policy.stderr).toBe(0);
    expect(received.at(-1)?.body).toEqual({
      organizationId: 'o',
      projectSlug: 'p',
      signingPolicySlug: 'r',
      keyId: 'key_1',
      submitters: [],
    });
  });

  it('audit verify exits 0 for an intact chain and 1 for a broken one', async () => {
    const statuses = new Set<number | null>();
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await withEnv(['server', 'audit', 'verify', '--json']);
      statuses.add(result.status);
      expect(JSON.parse(result.stdout.toString()).entries).toBe(12);
    }
    expect(statuses).toEqual(new Set([0, 1]));
  });
});

describe('secrets are never echoed', () => {
  it('a rejected token the server echoes back is redacted from the error (exit 3)', async () => {
    const wrong = 'wrong-token-should-not-appear-0123';
    const result = await runSigilAsync(['server', 'keys', 'list', '--url', url], {
      cwd: dir,
      env: { SIGIL_TOKEN: wrong },
    });
    expect(result.status).toBe(3);
    expect(received.at(-1)?.authorization).toBe(`Bearer ${wrong}`);
    expect(result.stderr).toMatch(/401 token rejected: Bearer \*\*\*/);
    expect(result.stderr + result.stdout.toString()).not.toContain(wrong);
  });

  it('an unreachable server gives exit 3 without the token; no token at all gives exit 2', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await runSigilAsync(['server', 'keys', 'list', '--url', `http://127.0.0.1:${port}`], {
      cwd: dir,
      env: { SIGIL_TOKEN: TOKEN },
    });
    expect(unreachable.status).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot reach .*ECONNREFUSED/);
    expect(unreachable.stderr).not.toContain(TOKEN);
    const missing = await runSigilAsync(['server', 'keys', 'list', '--url', url], {
      cwd: dir,
      env: { SIGIL_TOKEN: '' },
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/SIGIL_TOKEN/);
  });

  it('a token on the command line (--token) is refused with exit 2 and not echoed', async () => {
    const result = await runSigilAsync(['server', 'keys', 'list', '--url', url, '--token', TOKEN], {
      cwd: dir,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain(TOKEN);
  });
});
