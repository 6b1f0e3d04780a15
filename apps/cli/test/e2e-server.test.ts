// End to end: the built `sigil server ...` verbs and `sigil verify` against the built Sigil server as a process.
import { constants, createPublicKey, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './processes.js';
import { runSigilAsync, runTool, type SigilRun, scratchDirectory } from './sigil.js';

/** The bootstrap admin token the server is started with (SIGIL_ADMIN_TOKEN, 32 characters). */
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const RUN_TIMEOUT_MS = 20_000;

const dir = scratchDirectory();
let server: ServerProcess;

beforeAll(async () => {
  expect(ADMIN_TOKEN).toHaveLength(32);
  server = await startServerProcess({ SIGIL_ADMIN_TOKEN: ADMIN_TOKEN });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** `sigil server ...` with the token from SIGIL_TOKEN (the admin token unless given) and --url. */
function admin(args: readonly string[], token = ADMIN_TOKEN): Promise<SigilRun> {
  return runSigilAsync(['server', ...args, '--url', server.url], {
    cwd: dir,
    env: { SIGIL_TOKEN: token },
    timeoutMs: RUN_TIMEOUT_MS,
  });
}

async function adminJson<T>(args: readonly string[], token?: string): Promise<T> {
  const result = await admin([...args, '--json'], token);
  expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout.toString()) as T;
}

interface ServerKey {
  id: string;
  name: string;
  type: string;
  kid: string;
  version: number;
  status: string;
  publicKeyPem: string;
  publicKeyJwk: Record<string, string>;
}

/** `POST /v1/sign` on the server, as a client application would call it. */
async function serverSign(token: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/v1/sign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('sigil server keys', () => {
  it('create prints the new id (or the key as JSON); list shows every key as a line and as JSON', async () => {
    const created = await admin(['keys', 'create', '--type', 'ec', '--curve', 'P-256', '--name', 'cli-ec']);
    expect(created.status, created.stderr).toBe(0);
    const id = /^created key ([0-9a-f-]{36})\n$/.exec(created.stdout.toString())?.[1];
    expect(id, created.stdout.toString()).toBeDefined();
    const rsa = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'RSA',
      '--size',
      '2048',
      '--name',
      'cli-rsa',
    ]);
    expect(rsa).toMatchObject({ name: 'cli-rsa', type: 'RSA', version: 1, status: 'active' });
    expect(rsa.publicKeyJwk).not.toHaveProperty('d');
    const okp = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'okp',
      '--curve',
      'Ed25519',
      '--name',
      'cli-ed',
    ]);
    expect(okp.type).toBe('OKP');

    const lines = await admin(['keys', 'list']);
    expect(lines.status, lines.stderr).toBe(0);
    expect(lines.stdout.toString().trimEnd().split('\n')).toEqual(
      expect.arrayContaining([
        `${id}\tcli-ec\tEC\tactive`,
        `${rsa.id}\tcli-rsa\tRSA\tactive`,
        `${okp.id}\tcli-ed\tOKP\tactive`,
      ]),
    );
    const listed = await adminJson<{ keys: ServerKey[] }>(['keys', 'list']);
    expect(listed.keys.map((key) => key.name)).toEqual(
      expect.arrayContaining(['cli-ec', 'cli-rsa', 'cli-ed']),
    );
  });

  it('rotate makes a new version that signs; disable stops signing (the server answers an error)', async () => {
    const key = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'EC',
      '--curve',
      'P-384',
      '--name',
      'cli-rotate',
    ]);
    const rotated = await admin(['keys', 'rotate', key.id]);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout.toString()).toBe(`rotated key ${key.id}\n`);
    const [after] = (await adminJson<{ keys: ServerKey[] }>(['keys', 'list'])).keys.filter(
      (listed) => listed.id === key.id,
    );
    expect(after?.version).toBe(2);
    expect(after?.publicKeyPem).not.toBe(key.publicKeyPem);
    const signed = await serverSign(ADMIN_TOKEN, { key: key.id, algorithm: 'ES384', message: 'aGk=' });
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { keyVersion: number }).keyVersion).toBe(2);

    const disabled = await adminJson<ServerKey>(['keys', 'disable', key.id]);
    expect(disabled).toMatchObject({ id: key.id, status: 'disabled' });
    expect((await admin(['keys', 'list'])).stdout.toString()).toContain(
      `${key.id}\tcli-rotate\tEC\tdisabled`,
    );
    const refused = await serverSign(ADMIN_TOKEN, { key: key.id, algorithm: 'ES384', message: 'aGk=' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);

    const unknown = await admin(['keys', 'rotate', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toMatch(/404/);
  });
});

describe('sigil server tokens, policies and audit', () => {
  it('tokens create gives a scoped token that signs only its key; revoke ends it', async () => {
    const key = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'EC',
      '--curve',
      'P-256',
      '--name',
      'cli-scoped',
    ]);
    const other = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'EC',
      '--curve',
      'P-256',
      '--name',
      'cli-other',
    ]);
    const printed = await admin(['tokens', 'create', '--name', 'ci', '--scope', 'sign', '--key', key.id]);
    expect(printed.status, printed.stderr).toBe(0);
    const [header, token] = printed.stdout.toString().trimEnd().split('\n');
    const tokenId = /^created token (\S+)$/.exec(header ?? '')?.[1] ?? '';
    expect(tokenId).not.toBe('');
    expect(token).toMatch(/^sgl_/);

    expect((await serverSign(token ?? '', { key: key.id, algorithm: 'ES256', message: 'aGk=' })).status).toBe(
      200,
    );
    expect(
      (await serverSign(token ?? '', { key: other.id, algorithm: 'ES256', message: 'aGk=' })).status,
    ).toBe(403);
    // A sign-only token cannot administer: sigil reports the server's refusal with exit 3.
    const forbidden = await admin(['keys', 'list'], token);
    expect(forbidden.status).toBe(3);
    expect(forbidden.stderr).not.toContain(token);

    const revoked = await admin(['tokens', 'revoke', tokenId]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout.toString()).toBe(`revoked token ${tokenId}\n`);
    expect((await serverSign(token ?? '', { key: key.id, algorithm: 'ES256', message: 'aGk=' })).status).toBe(
      401,
    );
    expect((await admin(['tokens', 'revoke', tokenId])).status).toBe(3);
  });

  it('policies create binds a SignPath policy to a key with a self-signed certificate; its submitter can sign', async () => {
    const key = await adminJson<ServerKey>([
      'keys',
      'create',
      '--type',
      'RSA',
      '--size',
      '2048',
      '--name',
      'cli-signpath',
    ]);
    const submitter = await adminJson<{ id: string; token: string }>([
      'tokens',
      'create',
      '--name',
      'submitter',
      '--scope',
      'sign',
    ]);
    const organizationId = '2f0c3f7e-0f3c-4a55-8d1e-6b1f4c1c0a11';
    const policy = await adminJson<{
      signingPolicySlug: string;
      certificatePem: string;
      submitters: string[];
    }>([
      'policies',
      'create',
      '--org',
      organizationId,
      '--project',
      'app',
      '--policy',
      'release',
      '--key',
      key.id,
      '--submitter',
      submitter.id,
    ]);
    expect(policy).toMatchObject({ signingPolicySlug: 'release', submitters: [submitter.id] });
    expect(createPublicKey(policy.certificatePem).equals(createPublicKey(key.publicKeyPem))).toBe(true);
    const plain = await admin([
      'policies',
      'create',
      '--org',
      organizationId,
      '--project',
      'app',
      '--policy',
      'nightly',
      '--key',
      key.id,
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout.toString()).toBe('created policy app/nightly\n');

    // The submitter uses the policy through `sigil signpath sign` against the server's SignPath surface.
    writeFileSync(join(dir, 'release.bin'), 'release artifact\n');
    const signed = await runSigilAsync(
      ['signpath', 'sign', '--api-url', `${server.url}/signpath/api`, '--org', organizationId].concat([
        '--project',
        'app',
        '--policy',
        'release',
        '--file',
        'release.bin',
        '--out',
        'release.sig',
      ]),
      { cwd: dir, env: { SIGNPATH_API_TOKEN: submitter.token }, timeoutMs: RUN_TIMEOUT_MS },
    );
    expect(signed.status, signed.stderr).toBe(0);
    writeFileSync(join(dir, 'release.pub.pem'), key.publicKeyPem);
    const openssl = runTool(
      'openssl',
      ['dgst', '-sha256', '-verify', 'release.pub.pem', '-signature', 'release.sig', 'release.bin'],
      dir,
    );
    expect(openssl.status, openssl.stderr).toBe(0);
  });

  it('audit verify exits 0 on the intact chain, in lines and as JSON', async () => {
    const plain = await admin(['audit', 'verify']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout.toString()).toBe('audit chain intact\n');
    const json = await adminJson<{ ok: boolean; entries: number }>(['audit', 'verify']);
    expect(json.ok).toBe(true);
    expect(json.entries).toBeGreaterThan(5);
  });

  it('the admin token never shows in any output, and a wrong token gets exit 3', async () => {
    const wrong = await admin(['keys', 'list'], 'not-the-admin-token-0123456789ab');
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/401/);
    expect(wrong.stderr).not.toContain('not-the-admin-token-0123456789ab');
    expect(server.output()).not.toContain(ADMIN_TOKEN);
  });
});

describe('sigil verify of signatures the server made (POST /v1/sign)', () => {
  const message = Buffer.from('signed by the server, verified by sigil\n');
  const cases = [
    { type: ['--type', 'EC', '--curve', 'P-256'], algorithm: 'ES256', format: 'der', label: 'DER' },
    { type: ['--type', 'EC', '--curve', 'P-521'], algorithm: 'ES512', format: 'p1363', label: 'P1363' },
    { type: ['--type', 'RSA', '--size', '2048'], algorithm: 'PS256', format: undefined, label: 'RSA-PSS' },
    {
      type: ['--type', 'RSA', '--size', '2048'],
      algorithm: 'RS256',
      format: undefined,
      label: 'PKCS#1 v1.5',
    },
    {
      type: ['--type', 'OKP', '--curve', 'Ed25519'],
      algorithm: 'EdDSA',
      format: undefined,
      label: 'Ed25519',
    },
  ] as const;

  it.each(cases)('$algorithm ($label): exit 0 for the signature, 1 for another message', async (testCase) => {
    const key = await adminJson<ServerKey>([
      'keys',
      'create',
      ...testCase.type,
      '--name',
      `verify-${testCase.algorithm}`,
    ]);
    const answer = await serverSign(ADMIN_TOKEN, {
      key: key.id,
      algorithm: testCase.algorithm,
      message: message.toString('base64'),
      ...(testCase.format ? { format: testCase.format } : {}),
    });
    expect(answer.status).toBe(200);
    const { signature, keyId, algorithm } = (await answer.json()) as {
      signature: string;
      keyId: string;
      algorithm: string;
    };
    expect({ keyId, algorithm }).toEqual({ keyId: key.id, algorithm: testCase.algorithm });
    const stem = `server-${testCase.algorithm}`;
    writeFileSync(join(dir, `${stem}.pub.pem`), key.publicKeyPem);
    writeFileSync(join(dir, `${stem}.jwk`), JSON.stringify(key.publicKeyJwk));
    writeFileSync(join(dir, `${stem}.msg`), message);
    writeFileSync(join(dir, `${stem}.other`), 'another message\n');
    writeFileSync(join(dir, `${stem}.sig.b64`), signature);
    const formatArgs = testCase.format ? ['--format', testCase.format] : [];
    for (const keyFile of [`${stem}.pub.pem`, `${stem}.jwk`]) {
      const args = [
        'verify',
        '--key',
        keyFile,
        '--alg',
        testCase.algorithm,
        '--sig',
        `${stem}.sig.b64`,
      ].concat(['--encoding', 'base64', ...formatArgs]);
      const valid = await runSigilAsync([...args, '--in', `${stem}.msg`], {
        cwd: dir,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(valid.status, valid.stderr).toBe(0);
      expect(valid.stdout.toString()).toBe('signature valid\n');
      const invalid = await runSigilAsync([...args, '--in', `${stem}.other`, '--json'], {
        cwd: dir,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(invalid.status, invalid.stderr).toBe(1);
      expect(JSON.parse(invalid.stdout.toString())).toMatchObject({ valid: false });
    }
    // The same signature checked independently by node:crypto.
    const publicKey = createPublicKey(key.publicKeyPem);
    const bytes = Buffer.from(signature, 'base64');
    const hash = testCase.algorithm === 'EdDSA' ? null : `sha${testCase.algorithm.slice(2)}`;
    const options = testCase.algorithm.startsWith('PS')
      ? {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        }
      : testCase.algorithm.startsWith('ES')
        ? {
            key: publicKey,
            dsaEncoding: testCase.format === 'p1363' ? ('ieee-p1363' as const) : ('der' as const),
          }
        : publicKey;
    expect(verify(hash, message, options, bytes)).toBe(true);
  });
});
