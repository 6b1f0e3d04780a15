import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'dist', 'main.js');
const sigil = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'buffer' });

describe('sigil convert sig (built binary)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const message = Buffer.from('convert me');
  const der = sign('sha384', message, privateKey);
  const dir = mkdtempSync(join(tmpdir(), 'sigil-cli-'));

  it('turns an OpenSSL DER signature into P1363 that node:crypto verifies as ieee-p1363', () => {
    writeFileSync(join(dir, 'sig.der'), der);
    const result = sigil([
      'convert',
      'sig',
      '--from',
      'der',
      '--to',
      'p1363',
      '--curve',
      'P-384',
      '--in',
      join(dir, 'sig.der'),
      '--out',
      join(dir, 'sig.p1363'),
    ]);
    expect(result.status).toBe(0);
    const p1363 = readFileSync(join(dir, 'sig.p1363'));
    expect(p1363).toHaveLength(96);
    expect(verify('sha384', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363)).toBe(true);
  });

  it('round-trips DER -> JOSE -> DER through stdin and stdout, byte for byte', () => {
    const jose = sigil(['convert', 'sig', '--from', 'der', '--to', 'jose', '--curve', 'P-384'], der);
    expect(jose.status).toBe(0);
    expect(jose.stdout.toString().trim()).toMatch(/^[A-Za-z0-9_-]{128}$/);
    const back = sigil(['convert', 'sig', '--from', 'jose', '--to', 'der', '--curve', 'P-384'], jose.stdout);
    expect(back.status).toBe(0);
    expect(Buffer.compare(back.stdout, der)).toBe(0);
  });

  it('exits 2 with a message on a truncated DER signature, and on a missing option', () => {
    const truncated = sigil(
      ['convert', 'sig', '--from', 'der', '--to', 'p1363', '--curve', 'P-384'],
      der.subarray(0, der.length - 1),
    );
    expect(truncated.status).toBe(2);
    expect(truncated.stderr.toString()).toMatch(/ERR_SIGNATURE_FORMAT/);
    const usage = sigil(['convert', 'sig', '--from', 'der', '--curve', 'P-384']);
    expect(usage.status).toBe(2);
  });

  it('prints help with an example', () => {
    const help = execFileSync(process.execPath, [bin, 'convert', 'sig', '--help']).toString();
    expect(help).toMatch(/Example:\n\s+sigil convert sig/);
  });
});
