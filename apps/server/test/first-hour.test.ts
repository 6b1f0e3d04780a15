// What a new user meets first on the server: the root, a wrong method, the start banner (issue 14).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_OPTIONS } from '../src/config.js';
import { processStoreEnvironment, startTestServer } from './helpers.js';
import { startServerProcess } from './server-process.js';

describe('the first requests', () => {
  it('sends GET / to the API docs', async () => {
    const server = await startTestServer();
    const root = await server.call('GET', '/', { token: null });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
  });

  it('answers a known path asked with another method with 405 and Allow, an unknown path with 404', async () => {
    const server = await startTestServer();
    const wrong = await server.call('PUT', '/v1/keys');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect(wrong.body.error).toMatchObject({
      code: 'ERR_METHOD_NOT_ALLOWED',
      message: expect.stringContaining('GET or POST'),
    });
    const onItem = await server.call('POST', '/v1/keys/some-id');
    expect(onItem.status).toBe(405);
    expect(onItem.headers.get('allow')).toBe('DELETE, GET');
    const unknown = await server.call('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
  });
});

describe('the start banner', () => {
  it('names the store in use, and never a database password', async () => {
    const environment = await processStoreEnvironment();
    const server = await startServerProcess(mkdtempSync(join(tmpdir(), 'sigil-banner-')), environment);
    try {
      const [line] = await server.waitForOutput(/Sigil server listening on .*\n/);
      if (environment.SIGIL_DATABASE_URL === undefined) {
        expect(line).toMatch(/\(store: embedded, \/.*sigil-banner-/);
      } else {
        expect(line).toMatch(/\(store: PostgreSQL 127\.0\.0\.1:\d+\/\w+\)/);
        const password = new URL(environment.SIGIL_DATABASE_URL).password;
        if (password !== '') expect(server.output()).not.toContain(password);
      }
    } finally {
      await server.stop();
    }
  });
});

describe('sigil-server --help', () => {
  it('prints every setting with its variable and default, exits 0; an unknown option points to it', () => {
    const cwd = join(import.meta.dirname, '..');
    const help = spawnSync(process.execPath, ['dist/main.js', '--help'], { cwd, encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const option of CONFIG_OPTIONS) {
      expect(help.stdout).toContain(`${option.flag}, ${option.variable}`);
    }
    const unknown = spawnSync(process.execPath, ['dist/main.js', '--colour'], { cwd, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'sigil-server: unknown option --colour (sigil-server --help lists them)',
    );
  });

  it('is the README configuration table, row for row', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const option of CONFIG_OPTIONS) expect(readme, option.variable).toContain(`\`${option.variable}\``);
  });
});
