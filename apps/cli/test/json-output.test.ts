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
