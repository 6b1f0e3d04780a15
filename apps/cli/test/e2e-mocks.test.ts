// End to end: the built `sigil` against the built `sigil-mocks` process — SignPath, Fortanix, PingID and PingOne verbs.
import {
  constants,
  createHash,
  createPublicKey,
  type KeyObject,
  type JsonWebKey as NodeJsonWebKey,
  verify,
  X509Certificate,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_ECDSA_NONCE, type SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { encodeFortanixSignItem, encodeFortanixVerifyItem } from '@sigil/protocols/fortanix';
import { encodeSignPathPayload, toSignPathPascalPayload } from '@sigil/protocols/signpath';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFaults, injectFault, type MocksProcess, startMocksProcess } from './processes.js';
import { runSigilAsync, runTool, type SigilRun, scratchDirectory } from './sigil.js';

/**
 * A run still going after this long hangs: it is killed and ends with status null. The bound is for a hang, not
 * for speed; it stays below the clients' 30 s vendor deadline, so a run that ends with exit 3 was ended by the fault.
 */
const RUN_TIMEOUT_MS = 20_000;

const dir = scratchDirectory();
let mocks: MocksProcess;

beforeAll(async () => {
  mocks = await startMocksProcess(['--seed', 'e2e']);
  for (const [name, text] of [
    ['a.txt', 'artifact one\n'],
    ['b.txt', 'artifact two\n'],
    ['c.txt', 'artifact three\n'],
    ['d.txt', 'artifact four\n'],
  ] as const) {
    writeFileSync(join(dir, name), text);
  }
}, 60_000);
afterAll(async () => {
  await mocks?.stop();
});

function sigil(args: readonly string[], env: Record<string, string> = {}): Promise<SigilRun> {
  return runSigilAsync(args, { cwd: dir, env, timeoutMs: RUN_TIMEOUT_MS });
}

/** Runs sigil and expects exit 3 from the fault itself: not a hang (killed), not the vendor deadline. */
async function expectRemoteFailure(args: readonly string[], env: Record<string, string>): Promise<void> {
  const result = await sigil(args, env);
  expect(result.status, result.stderr).toBe(3);
  expect(result.stderr).toMatch(/^sigil: /);
  expect(result.stderr).not.toMatch(/timed out/);
}

const fixturesOf = async <T>(name: 'pingone' | 'signpath' | 'fortanix' | 'pingid') =>
  (await (await fetch(`${mocks.mock(name).origin}/__admin/fixtures`)).json()) as T;

const fileBytes = (name: string) => readFileSync(join(dir, name));

/** One vendor request as the mock's journal logged it. */
interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Runs sigil with a fresh request journal; returns the run and the vendor requests it made, oldest first. */
async function sigilLogged(
  name: 'signpath' | 'fortanix',
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ run: SigilRun; requests: LoggedRequest[] }> {
  const admin = `${mocks.mock(name).origin}/__admin/requests`;
  expect((await fetch(admin, { method: 'DELETE' })).status).toBe(204);
  const run = await sigil(args, env);
  const journal = (await (await fetch(admin)).json()) as { requests: Array<{ request: LoggedRequest }> };
  return { run, requests: journal.requests.map((entry) => entry.request).reverse() };
}

describe('sigil signpath against the SignPath mock', () => {
  let env: Record<string, string>;
  let common: string[];
  const certificates = new Map<string, X509Certificate>();
  const publicKeyOf = (slug: string): KeyObject => {
    const certificate = certificates.get(slug);
    if (certificate === undefined) throw new Error(`no policy ${slug}`);
    return certificate.publicKey;
  };
  const scenario = (state: Record<string, unknown>) =>
    fetch(`${mocks.mock('signpath').origin}/__admin/scenarios/signing-requests`, {
      method: 'PUT',
      body: JSON.stringify(state),
    });

  beforeAll(async () => {
    const signpath = mocks.mock('signpath');
    env = { SIGNPATH_API_TOKEN: signpath.credentials.apiToken ?? '' };
    common = ['--api-url', signpath.apiUrl, '--org', signpath.credentials.organizationId ?? ''];
  });
  afterAll(async () => {
    await fetch(`${mocks.mock('signpath').origin}/__admin/scenarios/reset`, { method: 'POST' });
  });

  it('policies lists the fixture policies as lines, and as JSON with certificates for their keys', async () => {
    const lines = await sigil(['signpath', 'policies', ...common], env);
    expect(lines.status, lines.stderr).toBe(0);
    expect(lines.stdout.toString().split('\n')).toEqual(
      expect.arrayContaining([
        'hash-signing-test\ttest-signing\tRsa\t2048',
        'hash-signing-test\tecdsa-p256-signing\tEcdsa\t256',
      ]),
    );
    const json = await sigil(['signpath', 'policies', ...common, '--json'], env);
    expect(json.status, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout.toString()) as {
      signingPolicies: Array<{
        signingPolicySlug: string;
        keyType: string;
        certificateBytes: string;
        publicKeyBytes: string;
      }>;
    };
    expect(answer.signingPolicies.length).toBeGreaterThanOrEqual(2);
    for (const policy of answer.signingPolicies) {
      const certificate = new X509Certificate(Buffer.from(policy.certificateBytes, 'base64'));
      // As SignPath documents it: PKCS#1 RSAPublicKey ("MIIBCgKC...") for RSA, SubjectPublicKeyInfo for ECDSA.
      const publicKey = createPublicKey({
        key: Buffer.from(policy.publicKeyBytes, 'base64'),
        format: 'der',
        type: policy.keyType === 'Rsa' ? 'pkcs1' : 'spki',
      });
      expect(certificate.publicKey.equals(publicKey)).toBe(true);
      certificates.set(policy.signingPolicySlug, certificate);
    }
    const narrowed = await sigil(
      ['signpath', 'policies', ...common, '--policy', 'test-signing', '--json'],
      env,
    );
    expect(JSON.parse(narrowed.stdout.toString()).signingPolicies).toHaveLength(1);
  });

  it('sign (fast) RS256, PS256 and ES256 (p1363 and der): the signatures verify under node:crypto and OpenSSL', async () => {
    const rsa = await sigil(
      ['signpath', 'sign', ...common, '--project', 'hash-signing-test', '--policy', 'test-signing'].concat([
        '--file',
        'a.txt',
        '--out',
        'a.rs256.sig',
      ]),
      env,
    );
    expect(rsa.status, rsa.stderr).toBe(0);
    expect(verify('sha256', fileBytes('a.txt'), publicKeyOf('test-signing'), fileBytes('a.rs256.sig'))).toBe(
      true,
    );
    writeFileSync(
      join(dir, 'test-signing.pub.pem'),
      publicKeyOf('test-signing').export({ format: 'pem', type: 'spki' }),
    );
    const openssl = runTool(
      'openssl',
      ['dgst', '-sha256', '-verify', 'test-signing.pub.pem', '-signature', 'a.rs256.sig', 'a.txt'],
      dir,
    );
    expect(openssl.status, openssl.stderr).toBe(0);

    const pss = await sigil(
      ['signpath', 'sign', ...common, '--project', 'hash-signing-test', '--policy', 'test-signing'].concat([
        '--file',
        'a.txt',
        '--alg',
        'PS256',
        '--encoding',
        'base64',
        '--json',
      ]),
      env,
    );
    expect(pss.status, pss.stderr).toBe(0);
    const pssSignature = Buffer.from(JSON.parse(pss.stdout.toString()).signature as string, 'base64');
    const pssKey = {
      key: publicKeyOf('test-signing'),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_AUTO,
    };
    expect(verify('sha256', fileBytes('a.txt'), pssKey, pssSignature)).toBe(true);
    // PSS, not PKCS#1 v1.5 answered for it
    expect(verify('sha256', fileBytes('a.txt'), publicKeyOf('test-signing'), pssSignature)).toBe(false);

    for (const format of ['p1363', 'der'] as const) {
      const ec = await sigil(
        [
          'signpath',
          'sign',
          ...common,
          '--project',
          'hash-signing-test',
          '--policy',
          'ecdsa-p256-signing',
        ].concat(['--file', 'b.txt', '--alg', 'ES256', '--format', format, '--out', `b.${format}.sig`]),
        env,
      );
      expect(ec.status, ec.stderr).toBe(0);
      const signature = fileBytes(`b.${format}.sig`);
      if (format === 'p1363') expect(signature).toHaveLength(64);
      const key = {
        key: publicKeyOf('ecdsa-p256-signing'),
        dsaEncoding: format === 'der' ? ('der' as const) : ('ieee-p1363' as const),
      };
      expect(verify('sha256', fileBytes('b.txt'), key, signature)).toBe(true);
    }
    writeFileSync(
      join(dir, 'ecdsa-p256.pub.pem'),
      publicKeyOf('ecdsa-p256-signing').export({ format: 'pem', type: 'spki' }),
    );
    const ecdsaOpenssl = runTool(
      'openssl',
      ['dgst', '-sha256', '-verify', 'ecdsa-p256.pub.pem', '-signature', 'b.der.sig', 'b.txt'],
      dir,
    );
    expect(ecdsaOpenssl.status, ecdsaOpenssl.stderr).toBe(0);
  });

  it('sign --async polls until Completed and takes the signature from the signed artifact', async () => {
    expect(
      (await scenario({ pollsUntilFinal: 1, outcome: 'Completed', pendingStatus: 'InProgress' })).ok,
    ).toBe(true);
    const signed = await sigil(
      ['signpath', 'sign', ...common, '--project', 'hash-signing-test', '--policy', 'test-signing'].concat([
        '--file',
        'c.txt',
        '--async',
        '--out',
        'c.async.sig',
        '--json',
      ]),
      env,
    );
    expect(signed.status, signed.stderr).toBe(0);
    const { signature, signingRequestId } = JSON.parse(signed.stdout.toString()) as {
      signature: string;
      signingRequestId: string;
    };
    expect(fileBytes('c.async.sig')).toEqual(Buffer.from(signature, 'base64'));
    expect(verify('sha256', fileBytes('c.txt'), publicKeyOf('test-signing'), fileBytes('c.async.sig'))).toBe(
      true,
    );
    const journal = (await (
      await fetch(`${mocks.mock('signpath').origin}/__admin/requests?path=/api/v1/*&limit=50`)
    ).json()) as { requests: Array<{ request: { method: string; path: string } }> };
    const paths = journal.requests
      .map((entry) => entry.request.path.toLowerCase())
      .filter((path) => path.includes(signingRequestId.toLowerCase()));
    expect(paths.some((path) => path.endsWith('/status'))).toBe(true);
    expect(paths.some((path) => path.endsWith('/signedartifact'))).toBe(true);
  });

  it('sign --async ends with exit 3 when the request is Denied', async () => {
    expect((await scenario({ pollsUntilFinal: 0, outcome: 'Denied', pendingStatus: 'InProgress' })).ok).toBe(
      true,
    );
    const denied = await sigil(
      ['signpath', 'sign', ...common, '--project', 'hash-signing-test', '--policy', 'test-signing'].concat([
        '--file',
        'c.txt',
        '--async',
        '--out',
        'denied.sig',
      ]),
      env,
    );
    expect(denied.status, denied.stderr).toBe(3);
    expect(denied.stderr).toMatch(/ended Denied/);
  });

  it("sign sends the payload.json protocols' encoder makes for --alg, --format, --file and --hash", async () => {
    const message = fileBytes('a.txt');
    const digest384 = createHash('sha384').update(message).digest();
    const ecdsa = (hash: 'SHA-256' | 'SHA-384', format: 'der' | 'p1363'): SignatureParams => ({
      scheme: 'ecdsa',
      hash,
      format,
      nonce: DEFAULT_ECDSA_NONCE,
    });
    const cases: Array<{ flags: string[]; params: SignatureParams; input: SignInput }> = [
      {
        flags: ['--policy', 'test-signing', '--file', 'a.txt'],
        params: { scheme: 'rsa-pkcs1', hash: 'SHA-256' },
        input: { message },
      },
      {
        flags: ['--policy', 'test-signing', '--file', 'a.txt', '--alg', 'PS384'],
        params: { scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 },
        input: { message },
      },
      {
        flags: ['--policy', 'ecdsa-p256-signing', '--file', 'a.txt', '--alg', 'ES256'],
        params: ecdsa('SHA-256', 'p1363'),
        input: { message },
      },
      {
        flags: ['--policy', 'ecdsa-p384-signing', '--alg', 'ES384', '--format', 'der'].concat([
          '--hash',
          digest384.toString('base64'),
        ]),
        params: ecdsa('SHA-384', 'der'),
        input: { digest: digest384 },
      },
    ];
    for (const { flags, params, input } of cases) {
      const { run, requests } = await sigilLogged(
        'signpath',
        ['signpath', 'sign', ...common, '--project', 'hash-signing-test', ...flags, '--out', 'logged.sig'],
        env,
      );
      expect(run.status, run.stderr).toBe(0);
      expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        `POST /api/v1/${common[3]}/SigningRequests/SubmitWithArtifact`,
      ]);
      const [submitted] = requests as [LoggedRequest];
      const form = await new Request('http://signpath.invalid/', {
        method: 'POST',
        headers: { 'content-type': submitted.headers['content-type'] ?? '' },
        body: submitted.body,
      }).formData();
      expect(form.get('signingPolicySlug')).toBe(flags[1]);
      // The artifact is, byte for byte, protocols' payload.json for these params, in SignPath's PascalCase; the form
      // fields are camelCase as docs.signpath.io writes them for SubmitWithArtifact.
      const artifact = await (form.get('artifact') as File).text();
      expect(artifact).toBe(JSON.stringify(toSignPathPascalPayload(encodeSignPathPayload(params, input))));
    }
  });

  it('a 503 or a connection reset makes sign and policies exit 3 at once, without the token', async () => {
    const origin = mocks.mock('signpath').origin;
    const sign = [
      'signpath',
      'sign',
      ...common,
      '--project',
      'hash-signing-test',
      '--policy',
      'test-signing',
    ];
    for (const fault of [{ status: 503 }, { reset: true }]) {
      await injectFault(origin, { path: '/api/v1/*', times: 1, ...fault });
      await expectRemoteFailure([...sign, '--file', 'a.txt', '--out', 'fault.sig'], env);
      await injectFault(origin, { path: '/api/v1/*', times: 1, ...fault });
      await expectRemoteFailure(['signpath', 'policies', ...common], env);
    }
    await clearFaults(origin);
    const wrongToken = await sigil(['signpath', 'policies', ...common], {
      SIGNPATH_API_TOKEN: 'not-the-token-0123456789',
    });
    expect(wrongToken.status).toBe(3);
    expect(wrongToken.stderr).not.toContain('not-the-token-0123456789');
  });
});

describe('sigil fortanix against the Fortanix DSM mock', () => {
  let env: Record<string, string>;
  let url: string;
  let keys: Array<{ kid: string; name: string; pub_key: string }>;
  const publicKeyNamed = (name: string) =>
    createPublicKey({
      key: Buffer.from(keys.find((key) => key.name === name)?.pub_key ?? '', 'base64'),
      format: 'der',
      type: 'spki',
    });

  beforeAll(async () => {
    const fortanix = mocks.mock('fortanix');
    env = { FORTANIX_API_KEY: fortanix.credentials.apiKey ?? '' };
    url = fortanix.apiUrl;
    keys = (await fixturesOf<{ keys: typeof keys }>('fortanix')).keys;
  });

  it('sign writes FILE.sig: a DER ECDSA signature (by --name) and an RSA one (by --kid, --json)', async () => {
    const ec = await sigil(['fortanix', 'sign', '--url', url, '--name', 'sigil-ec-p256', 'a.txt'], env);
    expect(ec.status, ec.stderr).toBe(0);
    expect(ec.stdout.toString()).toBe('');
    expect(
      verify(
        'sha256',
        fileBytes('a.txt'),
        { key: publicKeyNamed('sigil-ec-p256'), dsaEncoding: 'der' },
        fileBytes('a.txt.sig'),
      ),
    ).toBe(true);

    const rsaKid = keys.find((key) => key.name === 'sigil-rsa-2048')?.kid ?? '';
    const rsa = await sigil(
      ['fortanix', 'sign', '--url', url, '--kid', rsaKid, '--out', 'a.rsa.sig', '--json', 'a.txt'],
      env,
    );
    expect(rsa.status, rsa.stderr).toBe(0);
    const answer = JSON.parse(rsa.stdout.toString()) as { kid: string; signature: string; out: string };
    expect(answer).toMatchObject({ kid: rsaKid, out: 'a.rsa.sig' });
    expect(fileBytes('a.rsa.sig')).toEqual(Buffer.from(answer.signature, 'base64'));
    expect(
      verify('sha256', fileBytes('a.txt'), publicKeyNamed('sigil-rsa-2048'), fileBytes('a.rsa.sig')),
    ).toBe(true);
    const pss = await sigil(
      ['fortanix', 'sign', '--url', url, '--kid', rsaKid, '--mode', 'pss', '--out', 'a.pss.sig', 'a.txt'],
      env,
    );
    expect(pss.status, pss.stderr).toBe(0);
    const pssKey = {
      key: publicKeyNamed('sigil-rsa-2048'),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_AUTO,
    };
    expect(verify('sha256', fileBytes('a.txt'), pssKey, fileBytes('a.pss.sig'))).toBe(true);
  });

  it('Ed25519 keys sign the file itself, with or without --data (node:crypto verifies), and verify in DSM', async () => {
    const args = ['fortanix', 'sign', '--url', url, '--name', 'sigil-ed25519'];
    // The key lookup says Ed25519, which signs data: without --data the file goes as data all the same.
    for (const [data, out] of [
      [[], 'a.ed.hash.sig'],
      [['--data'], 'a.ed.sig'],
    ] as const) {
      const signed = await sigil([...args, ...data, '--out', out, 'a.txt'], env);
      expect(signed.status, signed.stderr).toBe(0);
      expect(fileBytes(out)).toHaveLength(64);
      expect(verify(null, fileBytes('a.txt'), publicKeyNamed('sigil-ed25519'), fileBytes(out))).toBe(true);
    }
    const verifyArgs = [
      'fortanix',
      'verify',
      '--url',
      url,
      '--name',
      'sigil-ed25519',
      '--data',
      '--sig',
      'a.ed.sig',
    ];
    expect((await sigil([...verifyArgs, 'a.txt'], env)).status).toBe(0);
    expect((await sigil([...verifyArgs, 'b.txt'], env)).status).toBe(1);
  });

  it('verify exits 0 for a valid signature and 1 for another file; --json says {valid}', async () => {
    const sign = await sigil(
      [
        'fortanix',
        'sign',
        '--url',
        url,
        '--name',
        'sigil-ec-p384',
        '--hash',
        'SHA384',
        '--out',
        'b.p384.sig',
        'b.txt',
      ],
      env,
    );
    expect(sign.status, sign.stderr).toBe(0);
    const args = ['fortanix', 'verify', '--url', url, '--name', 'sigil-ec-p384', '--hash', 'SHA384'];
    const good = await sigil([...args, '--sig', 'b.p384.sig', 'b.txt'], env);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout.toString()).toBe('signature valid\n');
    const bad = await sigil([...args, '--sig', 'b.p384.sig', 'c.txt', '--json'], env);
    expect(bad.status, bad.stderr).toBe(1);
    expect(JSON.parse(bad.stdout.toString())).toMatchObject({ file: 'c.txt', valid: false });
  });

  it('batch-sign signs several files: plain progress lines off a TTY, every FILE.sig verifies; --json', async () => {
    const files = ['a.txt', 'b.txt', 'c.txt', 'd.txt'];
    const plain = await sigil(
      ['fortanix', 'batch-sign', '--url', url, '--name', 'sigil-ec-p256', '--batch-size', '3', ...files],
      env,
    );
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stderr.split('\n').filter(Boolean)).toEqual(
      files.map((file, index) => `[${index + 1}/${files.length}] ${file}`),
    );
    expect(plain.stderr).not.toContain('\r');
    for (const file of files) {
      const key = { key: publicKeyNamed('sigil-ec-p256'), dsaEncoding: 'der' as const };
      expect(verify('sha256', fileBytes(file), key, fileBytes(`${file}.sig`)), file).toBe(true);
    }
    const json = await sigil(
      ['fortanix', 'batch-sign', '--url', url, '--name', 'sigil-rsa-2048', '--json', ...files],
      env,
    );
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    const answer = JSON.parse(json.stdout.toString()) as {
      signed: number;
      failed: number;
      results: Array<{ file: string; status: number; out: string }>;
    };
    expect(answer).toMatchObject({ signed: 4, failed: 0 });
    expect(answer.results.map((result) => [result.file, result.status, result.out])).toEqual(
      files.map((file) => [file, 200, `${file}.sig`]),
    );
    for (const file of files) {
      expect(
        verify('sha256', fileBytes(file), publicKeyNamed('sigil-rsa-2048'), fileBytes(`${file}.sig`)),
      ).toBe(true);
    }
  });

  it("sign, verify and batch-sign send the items protocols' encoders make, after one key lookup each", async () => {
    const message = fileBytes('a.txt');
    const rsaKid = keys.find((key) => key.name === 'sigil-rsa-2048')?.kid ?? '';
    const pss: SignatureParams = { scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 };
    const p384: SignatureParams = {
      scheme: 'ecdsa',
      hash: 'SHA-384',
      format: 'der',
      nonce: DEFAULT_ECDSA_NONCE,
    };
    const byKid = 'POST /crypto/v1/keys/info';
    const byName = (_name: string) => 'POST /crypto/v1/keys/info';
    // Each case: the verb and its flags after `fortanix`, the lookup the CLI makes, and the body it must send.
    const cases: Array<{ args: string; lookup: string; body: unknown }> = [
      {
        args: `sign --kid ${rsaKid} --out a.pkcs1.sig a.txt`,
        lookup: byKid,
        body: encodeFortanixSignItem(
          { scheme: 'rsa-pkcs1', hash: 'SHA-256' },
          { kid: rsaKid },
          { message },
          { prehash: true, omitDefaultMode: true },
        ),
      },
      {
        args: 'sign --name sigil-rsa-2048 --mode pss --hash SHA384 --out a.pss384.sig a.txt',
        lookup: byName('sigil-rsa-2048'),
        body: encodeFortanixSignItem(pss, { name: 'sigil-rsa-2048' }, { message }, { prehash: true }),
      },
      {
        args: 'sign --name sigil-ec-p384 --hash SHA384 --data --out logged.sig a.txt',
        lookup: byName('sigil-ec-p384'),
        body: encodeFortanixSignItem(p384, { name: 'sigil-ec-p384' }, { message }, { prehash: false }),
      },
      {
        args: 'sign --name sigil-ed25519 --out logged.sig a.txt',
        lookup: byName('sigil-ed25519'),
        body: encodeFortanixSignItem({ scheme: 'ed25519' }, { name: 'sigil-ed25519' }, { message }),
      },
    ];
    const sent: Array<string | undefined> = [];
    for (const { args, lookup, body } of cases) {
      const { run, requests } = await sigilLogged(
        'fortanix',
        ['fortanix', ...args.split(' '), '--url', url],
        env,
      );
      expect(run.status, run.stderr).toBe(0);
      const calls = requests.filter((request) => !request.path.startsWith('/sys/'));
      expect(calls.map((call) => `${call.method} ${call.path}${call.query ? `?${call.query}` : ''}`)).toEqual(
        [lookup, 'POST /crypto/v1/sign'],
      );
      expect(JSON.parse(calls[1]?.body ?? '')).toStrictEqual(body);
      sent.push(calls[1]?.body);
      // One session per command, ended when the command is done, as the Go client ends its own.
      expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'POST /sys/v1/session/auth',
        lookup,
        'POST /crypto/v1/sign',
        'POST /sys/v1/session/terminate',
      ]);
    }
    // Without --mode the request names none, as Fortanix's Go client sends none: DSM signs RSA PKCS#1 v1.5 then,
    // and node:crypto's PKCS#1 v1.5 verify below says it did.
    expect(JSON.parse(sent[0] ?? '')).not.toHaveProperty('mode');
    expect(verify('sha256', message, publicKeyNamed('sigil-rsa-2048'), fileBytes('a.pkcs1.sig'))).toBe(true);
    const pssKey = {
      key: publicKeyNamed('sigil-rsa-2048'),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 48,
    };
    expect(verify('sha384', message, pssKey, fileBytes('a.pss384.sig'))).toBe(true);

    const verified = await sigilLogged(
      'fortanix',
      'fortanix verify --name sigil-rsa-2048 --mode pss --hash SHA384 --sig a.pss384.sig a.txt --url'
        .split(' ')
        .concat(url),
      env,
    );
    expect(verified.run.status, verified.run.stderr).toBe(0);
    const verifyCall = verified.requests.find((request) => request.path === '/crypto/v1/verify');
    expect(JSON.parse(verifyCall?.body ?? '')).toStrictEqual(
      encodeFortanixVerifyItem(
        { ...pss, saltLength: 'auto' },
        { name: 'sigil-rsa-2048' },
        { message },
        fileBytes('a.pss384.sig'),
        {
          prehash: true,
        },
      ),
    );

    const files = ['a.txt', 'b.txt', 'c.txt'];
    const batch = await sigilLogged(
      'fortanix',
      ['fortanix', 'batch-sign', '--name', 'sigil-ec-p384', '--hash', 'SHA384', '--batch-size', '2'].concat(
        ['--url', url],
        files,
      ),
      env,
    );
    expect(batch.run.status, batch.run.stderr).toBe(0);
    const batchCalls = batch.requests.filter((request) => !request.path.startsWith('/sys/'));
    // One lookup for the command, then the files in batches of two.
    expect(batchCalls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /crypto/v1/keys/info',
      'POST /crypto/v1/keys/batch/sign',
      'POST /crypto/v1/keys/batch/sign',
    ]);
    const items = files.map((file) =>
      encodeFortanixSignItem(
        p384,
        { name: 'sigil-ec-p384' },
        { message: fileBytes(file) },
        { prehash: true },
      ),
    );
    expect(batchCalls.slice(1).map((call) => JSON.parse(call.body))).toStrictEqual([
      items.slice(0, 2),
      items.slice(2),
    ]);
  });

  it('--mode on a key that is not RSA exits 2, an unknown --name exits 3, both without a sign request', async () => {
    for (const [name, status, message] of [
      ['sigil-ec-p256', 2, /--mode is for RSA keys; sigil-ec-p256 is an EC key/],
      ['no-such-key', 3, /DSM has no key "no-such-key"/],
    ] as const) {
      const { run, requests } = await sigilLogged(
        'fortanix',
        ['fortanix', 'sign', '--url', url, '--name', name, '--mode', 'pss', '--out', 'none.sig', 'a.txt'],
        env,
      );
      expect(run.status, run.stderr).toBe(status);
      expect(run.stderr).toMatch(message);
      expect(requests.map((request) => request.path)).not.toContain('/crypto/v1/sign');
      // The session the lookup opened is ended all the same.
      expect(requests.at(-1)?.path).toBe('/sys/v1/session/terminate');
    }
  });

  it('a 503 or a connection reset makes sign and batch-sign exit 3 at once', async () => {
    const origin = mocks.mock('fortanix').origin;
    for (const fault of [{ status: 503 }, { reset: true }]) {
      await injectFault(origin, { path: '/crypto/v1/sign', times: 1, ...fault });
      await expectRemoteFailure(
        ['fortanix', 'sign', '--url', url, '--name', 'sigil-ec-p256', '--out', 'fault.sig', 'a.txt'],
        env,
      );
      await injectFault(origin, { path: '/crypto/v1/keys/batch/*', times: 1, ...fault });
      await expectRemoteFailure(
        ['fortanix', 'batch-sign', '--url', url, '--name', 'sigil-ec-p256', 'a.txt', 'b.txt'],
        env,
      );
    }
    await clearFaults(origin);
  });
});

describe('sigil pingid request against the PingID SDK mock', () => {
  let usersUrl: string;
  let accountUrl: string;
  let credentials: Record<string, string>;

  beforeAll(() => {
    const pingid = mocks.mock('pingid');
    credentials = pingid.credentials;
    accountUrl = `${pingid.apiUrl}/accounts/${credentials.accountId}`;
    usersUrl = `${accountUrl}/applications/${credentials.applicationId}/users`;
    // pingidsdk.properties as the admin portal writes it (java.util.Properties.store: `=` and `:` escaped).
    const storeEscape = (value: string) => value.replace(/[=:\\]/g, (character) => `\\${character}`);
    writeFileSync(
      join(dir, 'pingidsdk.properties'),
      [
        '#Auto-Generated from PingOne, downloaded by id=[000000] email=[qa@example.com]',
        '#Thu Jan 09 11:17:59 MST 2020',
        `api_key=${storeEscape(credentials.apiKey ?? '')}`,
        `token=${storeEscape(credentials.token ?? '')}`,
        `pingidsdk_url=${storeEscape('https://sdk.pingid.com/pingid')}`,
        `account_id=${storeEscape(credentials.accountId ?? '')}`,
        '',
      ].join('\r\n'),
    );
    writeFileSync(
      join(dir, 'pingid.json'),
      JSON.stringify({
        accountId: credentials.accountId,
        token: credentials.token,
        apiKey: credentials.apiKey,
      }),
    );
  });
  afterAll(async () => {
    await clearFaults(mocks.mock('pingid').origin);
  });

  it('GET users/tom with the portal settings file exits 0 and prints the verified user', async () => {
    const result = await sigil([
      'pingid',
      'request',
      'GET',
      `${usersUrl}/tom`,
      '--settings',
      'pingidsdk.properties',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ userName: 'tom' });
    const viaJson = await sigil([
      'pingid',
      'request',
      'GET',
      `${usersUrl}/tom?expand=devices`,
      '--settings',
      'pingid.json',
      '--json',
    ]);
    expect(viaJson.status, viaJson.stderr).toBe(0);
    expect(JSON.parse(viaJson.stdout.toString())).toMatchObject({
      status: 200,
      body: { userName: 'tom', devices: [{ role: 'PRIMARY' }] },
    });
    for (const secret of [credentials.apiKey, credentials.token]) {
      expect(result.stdout.toString() + result.stderr + viaJson.stderr).not.toContain(secret);
    }
  });

  it('POST with --data signs the body; an unknown user is a remote error (exit 3)', async () => {
    const created = await sigil([
      'pingid',
      'request',
      'POST',
      `${accountUrl}/users`,
      '--settings',
      'pingidsdk.properties',
      '--data',
      '{"userName":"ann","fName":"Ann","lName":"Tester"}',
      '--json',
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout.toString())).toMatchObject({ status: 201, body: { userName: 'ann' } });
    const missing = await sigil([
      'pingid',
      'request',
      'GET',
      `${usersUrl}/nobody-here`,
      '--settings',
      'pingidsdk.properties',
    ]);
    expect(missing.status, missing.stderr).toBe(3);
    expect(missing.stderr).toMatch(/404/);
  });

  it('exits 1 when the mock corrupts the response signature', async () => {
    await injectFault(mocks.mock('pingid').origin, {
      path: '/pingid/v1/*',
      corruptSignature: true,
      times: 1,
    });
    const result = await sigil([
      'pingid',
      'request',
      'GET',
      `${usersUrl}/tom`,
      '--settings',
      'pingidsdk.properties',
    ]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/X-PINGID-Signature does not verify/);
    expect(result.stdout.toString()).toBe('');
  });

  it('a 503 or a connection reset makes it exit 3 at once', async () => {
    for (const fault of [{ status: 503 }, { reset: true }]) {
      await injectFault(mocks.mock('pingid').origin, { path: '/pingid/v1/*', times: 1, ...fault });
      await expectRemoteFailure(
        ['pingid', 'request', 'GET', `${usersUrl}/tom`, '--settings', 'pingidsdk.properties'],
        {},
      );
    }
  });
});

describe('sigil pingone register-key against the PingOne mock', () => {
  let env: Record<string, string>;
  let environmentId: string;
  let apiUrl: string;
  const registered: Array<{ id: string; kid: string; keyFile: string }> = [];
  let signer: Server | undefined;

  beforeAll(() => {
    const pingone = mocks.mock('pingone');
    env = { PINGONE_ACCESS_TOKEN: pingone.credentials.accessToken ?? '' };
    environmentId = pingone.credentials.environmentId ?? '';
    apiUrl = pingone.apiUrl;
  });
  afterAll(async () => {
    if (signer) await new Promise<void>((resolve) => signer?.close(() => resolve()));
  });

  const registeredKey = async (id: string) =>
    (await (
      await fetch(`${apiUrl}/environments/${environmentId}/credentialSigningKeys/${id}`, {
        headers: { authorization: `Bearer ${env.PINGONE_ACCESS_TOKEN}` },
      })
    ).json()) as { id: string; enabled: boolean; name?: string; jwk: Record<string, string> };

  it('registers EC, Ed25519 and RSA public keys; the mock holds exactly their public JWKs', async () => {
    for (const [file, args] of [
      ['p256.pem', ['--type', 'ec', '--curve', 'P-256']],
      ['ed25519.pem', ['--type', 'okp']],
      ['rsa.jwk', ['--type', 'rsa', '--format', 'jwk']],
    ] as const) {
      const made = await sigil(['keygen', ...args, '--out', file]);
      expect(made.status, made.stderr).toBe(0);
    }
    const ec = await sigil(
      ['pingone', 'register-key', '--env', environmentId, '--api-url', apiUrl, '--key', 'p256.pem'],
      env,
    );
    expect(ec.status, ec.stderr).toBe(0);
    const line = /^registered (\S+) as (\S+)\n$/.exec(ec.stdout.toString());
    expect(line, ec.stdout.toString()).not.toBeNull();
    registered.push({ kid: line?.[1] ?? '', id: line?.[2] ?? '', keyFile: 'p256.pem' });

    for (const [file, extra] of [
      ['ed25519.pem', ['--kid', 'cli-ed25519', '--name', 'cli ed25519']],
      ['rsa.jwk', ['--kid', 'cli-ps256', '--alg', 'PS256']],
    ] as const) {
      const result = await sigil(
        [
          'pingone',
          'register-key',
          '--env',
          environmentId,
          '--api-url',
          apiUrl,
          '--key',
          file,
          ...extra,
          '--json',
        ],
        env,
      );
      expect(result.status, result.stderr).toBe(0);
      const created = JSON.parse(result.stdout.toString()) as { id: string; jwk: { kid: string } };
      registered.push({ kid: created.jwk.kid, id: created.id, keyFile: file });
    }

    const expectedAlgs = ['ES256', 'EdDSA', 'PS256'];
    for (const [index, entry] of registered.entries()) {
      const stored = await registeredKey(entry.id);
      expect(stored).toMatchObject({
        id: entry.id,
        enabled: true,
        jwk: { kid: entry.kid, alg: expectedAlgs[index] },
      });
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(stored.jwk).not.toHaveProperty(member);
      const text = readFileSync(join(dir, entry.keyFile), 'utf8');
      const local = text.startsWith('{')
        ? createPublicKey({ key: JSON.parse(text) as NodeJsonWebKey, format: 'jwk' })
        : createPublicKey(text);
      expect(createPublicKey({ key: stored.jwk as NodeJsonWebKey, format: 'jwk' }).equals(local)).toBe(true);
    }
    expect((await registeredKey(registered[1]?.id ?? '')).name).toBe('cli ed25519');
    // The default kid is the RFC 7638 thumbprint, as `sigil thumbprint` prints it.
    const thumbprint = await sigil(['thumbprint', 'p256.pem']);
    expect(thumbprint.stdout.toString().trim()).toBe(registered[0]?.kid);
  });

  it('the registered keys issue: PingOne calls a signer that answers with `sigil pingone respond`, all valid', async () => {
    expect(registered).toHaveLength(3);
    // A customer signing service made of sigil: one `pingone respond` run per registered key.
    signer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          purpose?: string;
          payloads: Array<{ kid: string }>;
        };
        const signedData: unknown[] = [];
        for (const entry of registered) {
          const payloads = body.payloads.filter((payload) => payload.kid === entry.kid);
          if (payloads.length === 0) continue;
          const file = `request-${entry.id}.json`;
          writeFileSync(join(dir, file), JSON.stringify({ ...body, payloads }));
          const answer = await sigil([
            'pingone',
            'respond',
            file,
            '--key',
            entry.keyFile,
            '--kid',
            entry.kid,
          ]);
          if (answer.status !== 0) {
            response.writeHead(500).end(answer.stderr);
            return;
          }
          signedData.push(...(JSON.parse(answer.stdout.toString()) as { signedData: unknown[] }).signedData);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ signedData }));
      });
    });
    await new Promise<void>((resolve) => signer?.listen(0, '127.0.0.1', resolve));
    const signerUrl = `http://127.0.0.1:${(signer.address() as AddressInfo).port}/sign`;
    const put = await fetch(`${apiUrl}/environments/${environmentId}/credentialIssuerProfile`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${env.PINGONE_ACCESS_TOKEN}`, 'content-type': 'application/json' },
      // PingOne's CredentialIssuerProfile requires name.
      body: JSON.stringify({
        name: 'Sigil e2e issuer',
        credentialSigning: { url: signerUrl, headers: { 'x-api-key': 'k' } },
      }),
    });
    expect(put.status, await put.text()).toBe(200);
    const issued = (await (
      await fetch(`${mocks.mock('pingone').origin}/__admin/pingone/issue`, {
        method: 'POST',
        body: JSON.stringify({ credentialSigningKeyIds: registered.map((entry) => entry.id) }),
      })
    ).json()) as { results: Array<{ credentialSigningKeyId: string; valid: boolean; error?: string }> };
    expect(issued.results).toHaveLength(3);
    for (const result of issued.results) expect(result, result.error).toMatchObject({ valid: true });
  });

  it('a 503 or a connection reset makes register-key exit 3 at once; a wrong token is not echoed', async () => {
    const origin = mocks.mock('pingone').origin;
    const args = [
      'pingone',
      'register-key',
      '--env',
      environmentId,
      '--api-url',
      apiUrl,
      '--key',
      'p256.pem',
    ];
    for (const fault of [{ status: 503 }, { reset: true }]) {
      await injectFault(origin, { path: '/v1/environments/*', times: 1, ...fault });
      await expectRemoteFailure(args, env);
    }
    await clearFaults(origin);
    const wrong = await sigil(args, { PINGONE_ACCESS_TOKEN: 'wrong-access-token-0123456789' });
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).not.toContain('wrong-access-token-0123456789');
  });
});
