// convert key and thumbprint through the built binary, checked against node:crypto, OpenSSL and jose.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { runSigil, runTool, scratchDirectory } from './sigil.js';

const dir = scratchDirectory();
const sigil = (...args: string[]) => runSigil(args, { cwd: dir });
const write = (name: string, content: string | Buffer) => writeFileSync(join(dir, name), content);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed25519 = generateKeyPairSync('ed25519');
write('rsa-pkcs8.pem', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
write('rsa-pkcs1.pem', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
write('rsa.jwk', JSON.stringify(rsa.privateKey.export({ format: 'jwk' })));
write('p256-sec1.pem', p256.privateKey.export({ type: 'sec1', format: 'pem' }));
write('p256-pub.jwk', JSON.stringify({ keys: [p256.publicKey.export({ format: 'jwk' })] }));
write('ed25519.der', ed25519.privateKey.export({ type: 'pkcs8', format: 'der' }));

describe('sigil convert key (built binary)', () => {
  it('PKCS#8 PEM -> JWK matches node:crypto, private and --public', () => {
    const jwk = sigil('convert', 'key', '--to', 'jwk', '--in', 'rsa-pkcs8.pem');
    expect(jwk.status, jwk.stderr).toBe(0);
    expect(JSON.parse(jwk.stdout.toString())).toEqual(rsa.privateKey.export({ format: 'jwk' }));
    const publicJwk = sigil('convert', 'key', '--to', 'jwk', '--in', 'p256-sec1.pem', '--public');
    expect(JSON.parse(publicJwk.stdout.toString())).toEqual(p256.publicKey.export({ format: 'jwk' }));
  });

  it('JWK -> PKCS#1 PEM that OpenSSL reads, and the same key as the PKCS#1 node:crypto wrote', () => {
    const result = sigil('convert', 'key', '--to', 'pkcs1', '--in', 'rsa.jwk', '--out', 'out-pkcs1.pem');
    expect(result.status, result.stderr).toBe(0);
    const pem = readFileSync(join(dir, 'out-pkcs1.pem'), 'utf8');
    expect(pem).toBe(readFileSync(join(dir, 'rsa-pkcs1.pem'), 'utf8'));
    expect(runTool('openssl', ['rsa', '-in', 'out-pkcs1.pem', '-check', '-noout'], dir).status).toBe(0);
  });

  it('--to pem picks PKCS#8 for a private key and SPKI for a public one; --to spki takes the public half', () => {
    const privatePem = sigil('convert', 'key', '--to', 'pem', '--in', 'p256-sec1.pem').stdout.toString();
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(privatePem).export({ format: 'jwk' })).toEqual(
      p256.privateKey.export({ format: 'jwk' }),
    );
    const publicPem = sigil('convert', 'key', '--to', 'pem', '--in', 'p256-pub.jwk').stdout.toString();
    expect(publicPem).toBe(p256.publicKey.export({ type: 'spki', format: 'pem' }));
    const spki = sigil('convert', 'key', '--to', 'spki', '--in', 'rsa-pkcs1.pem').stdout.toString();
    expect(spki).toBe(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('--der writes DER bytes; DER input (Ed25519 PKCS#8) is detected; SEC1 round-trips', () => {
    const der = sigil('convert', 'key', '--to', 'spki', '--der', '--in', 'ed25519.der');
    expect(der.status, der.stderr).toBe(0);
    expect(Buffer.compare(der.stdout, ed25519.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
    const sec1 = sigil('convert', 'key', '--to', 'sec1', '--in', 'p256-sec1.pem');
    expect(sec1.stdout.toString()).toBe(p256.privateKey.export({ type: 'sec1', format: 'pem' }));
  });

  it('reads stdin by default and prints --json', () => {
    const result = runSigil(['convert', 'key', '--to', 'jwk', '--public', '--json'], {
      input: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toEqual({
      format: 'jwk',
      key: rsa.publicKey.export({ format: 'jwk' }),
    });
  });

  it('exits 2 for a format that cannot hold the key, and for a file with no key', () => {
    write('not-a-key.txt', 'hello');
    for (const args of [
      ['--to', 'pkcs1', '--in', 'p256-sec1.pem'],
      ['--to', 'sec1', '--in', 'rsa.jwk'],
      ['--to', 'pkcs8', '--in', 'p256-pub.jwk'],
      ['--to', 'pem', '--der', '--in', 'rsa.jwk'],
      ['--to', 'jwk', '--in', 'not-a-key.txt'],
      ['--to', 'xml', '--in', 'rsa.jwk'],
    ]) {
      const result = sigil('convert', 'key', ...args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
    expect(sigil('convert', 'key', '--to', 'jwk', '--in', 'missing.pem').status).toBe(3);
  });
});

describe('sigil thumbprint (built binary)', () => {
  it.each([
    ['rsa-pkcs8.pem', rsa.publicKey],
    ['rsa.jwk', rsa.publicKey],
    ['p256-sec1.pem', p256.publicKey],
    ['p256-pub.jwk', p256.publicKey],
    ['ed25519.der', ed25519.publicKey],
  ])('of %s equals jose calculateJwkThumbprint', async (file, publicKey) => {
    const expected = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK, 'sha256');
    const result = sigil('thumbprint', file);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.toString()).toBe(`${expected}\n`);
  });

  it('--hash SHA-512 and --json', async () => {
    const expected = await calculateJwkThumbprint(p256.publicKey.export({ format: 'jwk' }) as JWK, 'sha512');
    const result = sigil('thumbprint', 'p256-sec1.pem', '--hash', 'SHA-512', '--json');
    expect(JSON.parse(result.stdout.toString())).toEqual({
      thumbprint: expected,
      hash: 'SHA-512',
      kty: 'EC',
    });
  });

  it('RFC 7638 §3.1 example key gives the thumbprint the RFC prints', () => {
    write(
      'rfc7638.jwk',
      JSON.stringify({
        kty: 'RSA',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
        e: 'AQAB',
        alg: 'RS256',
        kid: '2011-04-29',
      }),
    );
    expect(sigil('thumbprint', 'rfc7638.jwk').stdout.toString()).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\n',
    );
  });
});
