// sign and verify through the built binary, checked against OpenSSL in both directions.
import { createHmac, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSigil, runTool, scratchDirectory } from './sigil.js';

const dir = scratchDirectory();
const openssl = (...args: string[]) => {
  const result = runTool('openssl', args, dir);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  return result;
};
const sigil = (...args: string[]) => runSigil(args, { cwd: dir });
const expectOk = (result: { status: number | null; stderr: string }) =>
  expect(result.status, result.stderr).toBe(0);

beforeAll(() => {
  writeFileSync(join(dir, 'message.bin'), 'an artifact to sign\n'.repeat(100));
  // Keys in every PEM form OpenSSL writes: PKCS#8, PKCS#1 (traditional RSA), SEC1 (traditional EC).
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem');
  openssl('rsa', '-in', 'rsa.pem', '-traditional', '-out', 'rsa-pkcs1.pem');
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'p256-sec1.pem');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.pem');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521', '-out', 'p521.pem');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-out', 'k256.pem');
  openssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed25519.pem');
  for (const name of ['rsa', 'p256-sec1', 'p384', 'p521', 'k256', 'ed25519']) {
    openssl('pkey', '-in', `${name}.pem`, '-pubout', '-out', `${name}.pub.pem`);
  }
  openssl('dgst', '-sha256', '-binary', '-out', 'message.sha256', 'message.bin');
  openssl('dgst', '-sha384', '-binary', '-out', 'message.sha384', 'message.bin');
});

describe('sigil sign -> OpenSSL verifies', () => {
  it.each([
    ['RS256', 'rsa-pkcs1.pem', 'rsa.pub.pem', 'sha256'],
    ['RS512', 'rsa.pem', 'rsa.pub.pem', 'sha512'],
    ['ES256', 'p256-sec1.pem', 'p256-sec1.pub.pem', 'sha256'],
    ['ES384', 'p384.pem', 'p384.pub.pem', 'sha384'],
    ['ES512', 'p521.pem', 'p521.pub.pem', 'sha512'],
    ['ES256K', 'k256.pem', 'k256.pub.pem', 'sha256'],
  ])('%s (PKCS#1 v1.5 / ECDSA DER) with openssl dgst -verify', (alg, key, pub, hash) => {
    const sig = `${alg}.sig`;
    expectOk(sigil('sign', '--key', key, '--alg', alg, '--in', 'message.bin', '--out', sig));
    expect(
      openssl('dgst', `-${hash}`, '-verify', pub, '-signature', sig, 'message.bin').stdout.toString(),
    ).toMatch(/Verified OK/);
  });

  it.each([
    ['PS256', 'sha256', 'message.sha256'],
    ['PS384', 'sha384', 'message.sha384'],
  ])('%s with openssl pkeyutl -verify -pkeyopt rsa_padding_mode:pss', (alg, hash, digestFile) => {
    const sig = `${alg}.sig`;
    expectOk(sigil('sign', '--key', 'rsa.pem', '--alg', alg, '--in', 'message.bin', '--out', sig));
    openssl(
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      'rsa.pub.pem',
      '-in',
      digestFile,
      '-sigfile',
      sig,
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      `digest:${hash}`,
      '-pkeyopt',
      'rsa_pss_saltlen:digest',
    );
  });

  it('EdDSA with openssl pkeyutl -verify -rawin', () => {
    expectOk(
      sigil('sign', '--key', 'ed25519.pem', '--alg', 'EdDSA', '--in', 'message.bin', '--out', 'ed.sig'),
    );
    expect(readFileSync(join(dir, 'ed.sig'))).toHaveLength(64);
    const result = openssl(
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      'ed25519.pub.pem',
      '-rawin',
      '-in',
      'message.bin',
      '-sigfile',
      'ed.sig',
    );
    expect(result.stdout.toString()).toMatch(/Signature Verified Successfully/);
  });

  it('digest mode: --digest as hex (RS256) and as base64 (ES256) verifies over the message', () => {
    const digest = readFileSync(join(dir, 'message.sha256'));
    expectOk(
      sigil('sign', '--key', 'rsa.pem', '--alg', 'RS256', '--digest', digest.toString('hex'), '--out', 'd1'),
    );
    openssl('dgst', '-sha256', '-verify', 'rsa.pub.pem', '-signature', 'd1', 'message.bin');
    expectOk(
      sigil(
        'sign',
        '--key',
        'p256-sec1.pem',
        '--alg',
        'ES256',
        '--digest',
        digest.toString('base64'),
        '--out',
        'd2',
      ),
    );
    openssl('dgst', '-sha256', '-verify', 'p256-sec1.pub.pem', '-signature', 'd2', 'message.bin');
  });

  it('a key from sigil keygen signs what OpenSSL verifies', () => {
    expectOk(
      sigil('keygen', '--type', 'ec', '--format', 'jwk', '--out', 'own.jwk', '--public-out', 'own.pub.jwk'),
    );
    const pem = createPublicKey({
      key: JSON.parse(readFileSync(join(dir, 'own.pub.jwk'), 'utf8')),
      format: 'jwk',
    })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    writeFileSync(join(dir, 'own.pub.pem'), pem);
    expectOk(sigil('sign', '--key', 'own.jwk', '--alg', 'ES256', '--in', 'message.bin', '--out', 'own.sig'));
    openssl('dgst', '-sha256', '-verify', 'own.pub.pem', '-signature', 'own.sig', 'message.bin');
  });
});

describe('OpenSSL signs -> sigil verify', () => {
  it.each([
    ['RS256', 'rsa.pem', 'rsa.pub.pem', 'sha256'],
    ['ES256', 'p256-sec1.pem', 'p256-sec1.pub.pem', 'sha256'],
    ['ES384', 'p384.pem', 'p384.pub.pem', 'sha384'],
    ['ES512', 'p521.pem', 'p521.pub.pem', 'sha512'],
    ['ES256K', 'k256.pem', 'k256.pub.pem', 'sha256'],
  ])(
    '%s from openssl dgst -sign verifies (exit 0), and fails (exit 1) over other bytes',
    (alg, key, pub, hash) => {
      const sig = `openssl-${alg}.sig`;
      openssl('dgst', `-${hash}`, '-sign', key, '-out', sig, 'message.bin');
      const valid = sigil('verify', '--key', pub, '--alg', alg, '--in', 'message.bin', '--sig', sig);
      expectOk(valid);
      expect(valid.stdout.toString()).toBe('signature valid\n');
      const invalid = runSigil(['verify', '--key', pub, '--alg', alg, '--in', '-', '--sig', sig], {
        cwd: dir,
        input: 'other bytes',
      });
      expect(invalid.status).toBe(1);
      expect(invalid.stdout.toString()).toBe('signature NOT valid\n');
    },
  );

  it('PS256 from openssl pkeyutl -sign (salt length = max) verifies, also in digest mode', () => {
    openssl(
      'pkeyutl',
      '-sign',
      '-inkey',
      'rsa.pem',
      '-in',
      'message.sha256',
      '-out',
      'openssl-pss.sig',
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      'digest:sha256',
      '-pkeyopt',
      'rsa_pss_saltlen:max',
    );
    expectOk(
      sigil(
        'verify',
        '--key',
        'rsa.pub.pem',
        '--alg',
        'PS256',
        '--in',
        'message.bin',
        '--sig',
        'openssl-pss.sig',
      ),
    );
    const hex = readFileSync(join(dir, 'message.sha256')).toString('hex');
    expectOk(
      sigil('verify', '--key', 'rsa.pem', '--alg', 'PS256', '--digest', hex, '--sig', 'openssl-pss.sig'),
    );
    const wrongAlg = sigil(
      'verify',
      '--key',
      'rsa.pub.pem',
      '--alg',
      'RS256',
      '--in',
      'message.bin',
      '--sig',
      'openssl-pss.sig',
    );
    expect(wrongAlg.status).toBe(1);
  });

  it('Ed25519 from openssl pkeyutl -sign -rawin verifies', () => {
    openssl(
      'pkeyutl',
      '-sign',
      '-inkey',
      'ed25519.pem',
      '-rawin',
      '-in',
      'message.bin',
      '-out',
      'openssl-ed.sig',
    );
    expectOk(
      sigil(
        'verify',
        '--key',
        'ed25519.pub.pem',
        '--alg',
        'EdDSA',
        '--in',
        'message.bin',
        '--sig',
        'openssl-ed.sig',
      ),
    );
  });

  it('HS256 gives the same tag as openssl dgst -mac HMAC, and verifies it', () => {
    const secret = Buffer.alloc(32, 7);
    writeFileSync(join(dir, 'hmac.jwk'), JSON.stringify({ kty: 'oct', k: secret.toString('base64url') }));
    const tag = openssl(
      'dgst',
      '-sha256',
      '-mac',
      'HMAC',
      '-macopt',
      `hexkey:${secret.toString('hex')}`,
      '-binary',
      'message.bin',
    ).stdout;
    writeFileSync(join(dir, 'openssl.mac'), tag);
    const signed = sigil('sign', '--key', 'hmac.jwk', '--alg', 'HS256', '--in', 'message.bin');
    expectOk(signed);
    expect(Buffer.compare(signed.stdout, tag)).toBe(0);
    expectOk(
      sigil('verify', '--key', 'hmac.jwk', '--alg', 'HS256', '--in', 'message.bin', '--sig', 'openssl.mac'),
    );
    expect(
      createHmac('sha256', secret)
        .update(readFileSync(join(dir, 'message.bin')))
        .digest(),
    ).toEqual(tag);
  });
});

describe('signature formats, encodings, stdin and stdout', () => {
  it('ES256 --format p1363 is r||s; --format jose is base64url text; both verify back', () => {
    const p1363 = sigil(
      'sign',
      '--key',
      'p256-sec1.pem',
      '--alg',
      'ES256',
      '--in',
      'message.bin',
      '--format',
      'p1363',
    );
    expectOk(p1363);
    expect(p1363.stdout).toHaveLength(64);
    const message = readFileSync(join(dir, 'message.bin'));
    const publicKey = createPublicKey(readFileSync(join(dir, 'p256-sec1.pub.pem')));
    expect(nodeVerify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363.stdout)).toBe(
      true,
    );

    const jose = sigil(
      'sign',
      '--key',
      'p256-sec1.pem',
      '--alg',
      'ES256',
      '--in',
      'message.bin',
      '--format',
      'jose',
    );
    expectOk(jose);
    const text = jose.stdout.toString().trim();
    expect(text).toMatch(/^[A-Za-z0-9_-]{86}$/);
    writeFileSync(join(dir, 'jose.sig'), text);
    expectOk(
      sigil(
        'verify',
        '--key',
        'p256-sec1.pub.pem',
        '--alg',
        'ES256',
        '--in',
        'message.bin',
        '--sig',
        'jose.sig',
        '--format',
        'jose',
      ),
    );
  });

  it.each(['base64', 'base64url', 'hex'])(
    '--encoding %s writes text that verify --encoding reads',
    (encoding) => {
      const out = `enc.${encoding}`;
      expectOk(
        sigil(
          'sign',
          '--key',
          'ed25519.pem',
          '--alg',
          'EdDSA',
          '--in',
          'message.bin',
          '--out',
          out,
          '--encoding',
          encoding,
        ),
      );
      const text = readFileSync(join(dir, out), 'utf8').trim();
      expect(Buffer.from(text, encoding as BufferEncoding)).toHaveLength(64);
      expectOk(
        sigil(
          'verify',
          '--key',
          'ed25519.pub.pem',
          '--alg',
          'EdDSA',
          '--in',
          'message.bin',
          '--sig',
          out,
          '--encoding',
          encoding,
        ),
      );
    },
  );

  it('--in - reads stdin and --out - writes stdout; verify --sig - reads the signature from stdin', () => {
    const message = readFileSync(join(dir, 'message.bin'));
    const signed = runSigil(['sign', '--key', 'rsa.pem', '--alg', 'RS256', '--in', '-', '--out', '-'], {
      cwd: dir,
      input: message,
    });
    expectOk(signed);
    expect(signed.stdout).toHaveLength(256);
    const verified = runSigil(
      ['verify', '--key', 'rsa.pub.pem', '--alg', 'RS256', '--in', 'message.bin', '--sig', '-'],
      {
        cwd: dir,
        input: signed.stdout,
      },
    );
    expectOk(verified);
  });

  it('exits 2 for usage errors: both --in and --digest, a digest of the wrong length, EdDSA with a digest, a public key to sign, a wrong curve', () => {
    const digest = readFileSync(join(dir, 'message.sha256')).toString('hex');
    for (const args of [
      ['--key', 'rsa.pem', '--alg', 'RS256', '--in', 'message.bin', '--digest', digest],
      ['--key', 'rsa.pem', '--alg', 'RS384', '--digest', digest],
      ['--key', 'ed25519.pem', '--alg', 'EdDSA', '--digest', digest],
      ['--key', 'rsa.pub.pem', '--alg', 'RS256', '--in', 'message.bin'],
      ['--key', 'p384.pem', '--alg', 'ES256', '--in', 'message.bin'],
      ['--key', 'rsa.pem', '--alg', 'RS256', '--in', 'message.bin', '--format', 'der'],
      ['--key', 'message.bin', '--alg', 'RS256', '--in', 'message.bin'],
      ['--key', 'rsa.pem', '--alg', 'none', '--in', 'message.bin'],
    ]) {
      const result = sigil('sign', ...args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^sigil: /);
    }
  });

  it('exits 3 when the message or key cannot be read', () => {
    expect(sigil('sign', '--key', 'rsa.pem', '--alg', 'RS256', '--in', 'no-such-file').status).toBe(3);
    expect(
      sigil('verify', '--key', 'no-such.pem', '--alg', 'RS256', '--in', 'message.bin', '--sig', 'd1').status,
    ).toBe(3);
  });
});
