// --json on the local verbs whose JSON output no other test reads: verify (valid and not) and convert sig.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSigil, scratchDirectory } from './sigil.js';

describe('--json output', () => {
  const cwd = scratchDirectory();
  writeFileSync(join(cwd, 'message.txt'), 'hello');
  expect(runSigil(['keygen', '--type', 'ec', '--curve', 'P-256', '--out', 'key.pem'], { cwd }).status).toBe(
    0,
  );
  expect(
    runSigil(['sign', '--key', 'key.pem', '--alg', 'ES256', '--in', 'message.txt', '--out', 'message.sig'], {
      cwd,
    }).status,
  ).toBe(0);

  it('verify --json reports validity and keeps the exit codes', () => {
    const valid = runSigil(
      [
        'verify',
        '--key',
        'key.pem',
        '--alg',
        'ES256',
        '--in',
        'message.txt',
        '--sig',
        'message.sig',
        '--json',
      ],
      { cwd },
    );
    expect(valid.status).toBe(0);
    expect(JSON.parse(valid.stdout.toString())).toEqual({ valid: true, alg: 'ES256' });
    writeFileSync(join(cwd, 'other.txt'), 'hellO');
    const invalid = runSigil(
      ['verify', '--key', 'key.pem', '--alg', 'ES256', '--in', 'other.txt', '--sig', 'message.sig', '--json'],
      { cwd },
    );
    expect(invalid.status).toBe(1);
    expect(JSON.parse(invalid.stdout.toString())).toEqual({ valid: false, alg: 'ES256' });
  });

  it('convert sig --json gives the format and a base64url signature', () => {
    const run = runSigil(
      [
        'convert',
        'sig',
        '--from',
        'der',
        '--to',
        'p1363',
        '--curve',
        'P-256',
        '--in',
        'message.sig',
        '--json',
      ],
      { cwd },
    );
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout.toString()) as { format: string; signature: string };
    expect(output.format).toBe('p1363');
    expect(Buffer.from(output.signature, 'base64url')).toHaveLength(64);
  });
});

describe('convert key keeps private keys private', () => {
  it('writes a converted private key with mode 0600 and a public one with the default mode', async () => {
    const { statSync } = await import('node:fs');
    const cwd = scratchDirectory();
    expect(runSigil(['keygen', '--type', 'okp', '--out', 'key.pem'], { cwd }).status).toBe(0);
    for (const to of ['jwk', 'pkcs8', 'pem']) {
      expect(
        runSigil(['convert', 'key', '--to', to, '--in', 'key.pem', '--out', `private.${to}`], { cwd }).status,
      ).toBe(0);
      expect(statSync(join(cwd, `private.${to}`)).mode & 0o777).toBe(0o600);
    }
    expect(
      runSigil(['convert', 'key', '--to', 'spki', '--in', 'key.pem', '--out', 'public.pem'], { cwd }).status,
    ).toBe(0);
    expect(statSync(join(cwd, 'public.pem')).mode & 0o077).not.toBe(0);
  });
});
