// keygen through the built binary: every key type, PEM and JWK, mode 0600, and keys node:crypto accepts.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSigil, scratchDirectory } from './sigil.js';

describe('sigil keygen (built binary)', () => {
  const dir = scratchDirectory();

  it.each([
    [['--type', 'rsa'], 'rsa', 2048],
    [['--type', 'rsa', '--size', '3072'], 'rsa', 3072],
    [['--type', 'ec', '--curve', 'P-384'], 'ec', 'P-384'],
    [['--type', 'ec', '--curve', 'secp256k1'], 'ec', 'secp256k1'],
    [['--type', 'okp'], 'ed25519', undefined],
  ] as const)('%j writes a PKCS#8 PEM with mode 0600 that node:crypto reads', (flags, nodeType, detail) => {
    const out = join(dir, `${flags.join('')}.pem`);
    const pub = `${out}.pub`;
    const result = runSigil(['keygen', ...flags, '--out', out, '--public-out', pub]);
    expect(result.status, result.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const pem = readFileSync(out, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(pem);
    expect(privateKey.asymmetricKeyType).toBe(nodeType);
    const details = privateKey.asymmetricKeyDetails;
    if (nodeType === 'rsa') expect(details?.modulusLength).toBe(detail);
    if (nodeType === 'ec') expect(details?.namedCurve).toBe(detail === 'P-384' ? 'secp384r1' : detail);
    expect(createPublicKey(readFileSync(pub, 'utf8')).export({ format: 'jwk' })).toEqual(
      createPublicKey(privateKey).export({ format: 'jwk' }),
    );
  });

  it('writes JWKs (private with d, public without), HMAC keys as oct JWKs, and 0600 over an existing file', () => {
    const out = join(dir, 'ec.jwk');
    writeFileSync(out, 'old', { mode: 0o644 });
    const result = runSigil([
      'keygen',
      '--type',
      'ec',
      '--format',
      'jwk',
      '--kid',
      'k1',
      '--out',
      out,
      '--public-out',
      join(dir, 'ec.pub.jwk'),
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(readFileSync(out, 'utf8'));
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'k1' });
    expect(typeof jwk.d).toBe('string');
    expect(createPrivateKey({ key: jwk, format: 'jwk' }).asymmetricKeyType).toBe('ec');
    const publicJwk = JSON.parse(readFileSync(join(dir, 'ec.pub.jwk'), 'utf8'));
    expect(publicJwk.d).toBeUndefined();
    expect(publicJwk.x).toBe(jwk.x);

    const hmac = runSigil(['keygen', '--type', 'hmac', '--size', '384', '--out', join(dir, 'h.jwk')]);
    expect(hmac.status, hmac.stderr).toBe(0);
    const octJwk = JSON.parse(readFileSync(join(dir, 'h.jwk'), 'utf8'));
    expect(octJwk.kty).toBe('oct');
    expect(Buffer.from(octJwk.k, 'base64url')).toHaveLength(48);
    expect(statSync(join(dir, 'h.jwk')).mode & 0o777).toBe(0o600);
  });

  it('exits 2 on usage errors: a bad curve, a size for EC, PEM for HMAC, a missing --out', () => {
    for (const flags of [
      ['--type', 'ec', '--curve', 'P-999', '--out', join(dir, 'x')],
      ['--type', 'ec', '--size', '256', '--out', join(dir, 'x')],
      ['--type', 'hmac', '--format', 'pem', '--out', join(dir, 'x')],
      ['--type', 'rsa', '--size', '1024', '--out', join(dir, 'x')],
      ['--type', 'dsa', '--out', join(dir, 'x')],
      ['--type', 'rsa'],
    ]) {
      const result = runSigil(['keygen', ...flags]);
      expect(result.status, `${flags.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).not.toBe('');
    }
  });

  it('exits 3 when the output cannot be written', () => {
    const result = runSigil(['keygen', '--type', 'okp', '--out', join(dir, 'missing', 'dir', 'key.pem')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/cannot write/);
  });
});
