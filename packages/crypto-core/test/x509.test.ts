// Self-signed X.509 certificates: OpenSSL parses and verifies them, node:crypto reads them, parseCertificate reads them back.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DerReader } from '../src/der.js';
import { generateEcKey } from '../src/ecdsa.js';
import { generateEd25519Key } from '../src/eddsa.js';
import { bytesToHex } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import type { EcCurve, EcPrivateKey, RsaPrivateKey } from '../src/key-types.js';
import { exportSpki, importKey, importSpki, publicKeyOf, subjectPublicKeyBits } from '../src/keys.js';
import { pemEncode } from '../src/pem.js';
import {
  type CertificateSigningKey,
  createSelfSignedCertificate,
  parseCertificate,
  type SelfSignedCertificateOptions,
} from '../src/x509.js';

let directory: string;
let rsaKey: RsaPrivateKey;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'sigil-x509-'));
  // The RSA key comes from node:crypto, so the test does not depend on our key generation speed.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  rsaKey = importKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string) as RsaPrivateKey;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes the certificate as PEM and returns its path. */
function writeCertificate(name: string, der: Uint8Array): string {
  const path = join(directory, `${name}.pem`);
  writeFileSync(path, pemEncode('CERTIFICATE', der));
  return path;
}

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const OPTIONS: SelfSignedCertificateOptions = {
  commonName: 'Sigil Test Signer',
  organization: 'Sigil Ü Org',
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};

function checkWithOpenssl(
  name: string,
  key: CertificateSigningKey,
  der: Uint8Array,
  signatureText: RegExp,
): void {
  const path = writeCertificate(name, der);
  const text = openssl('x509', '-noout', '-text', '-nameopt', 'utf8', '-in', path);
  expect(text).toContain('Version: 3 (0x2)');
  expect(text).toMatch(/Subject: O ?= ?Sigil Ü Org, CN ?= ?Sigil Test Signer/);
  expect(text).toMatch(/Issuer: O ?= ?Sigil Ü Org, CN ?= ?Sigil Test Signer/);
  expect(text).toMatch(signatureText);
  expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
  expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign/);
  const keyId = bytesToHex(sha1(subjectPublicKeyBits(key)))
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
  expect(text).toMatch(new RegExp(`X509v3 Subject Key Identifier:\\s+${keyId}`));
  expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier:\\s+(keyid:)?${keyId}`));
  expect(text).toContain('Not Before: Jan  1 00:00:00 2025 GMT');
  expect(text).toContain('Not After : Jan  1 00:00:00 2035 GMT');
  expect(openssl('verify', '-CAfile', path, path).trim()).toBe(`${path}: OK`);
}

describe('createSelfSignedCertificate', () => {
  it('RSA-2048 (node-generated key): OpenSSL parses and verifies it, node reads the same key', () => {
    const der = createSelfSignedCertificate(rsaKey, OPTIONS);
    checkWithOpenssl('rsa', rsaKey, der, /Signature Algorithm: sha256WithRSAEncryption/);
    const x509 = new X509Certificate(der);
    expect(x509.subject).toBe('O=Sigil Ü Org\nCN=Sigil Test Signer');
    expect(x509.ca).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(new Uint8Array(x509.publicKey.export({ format: 'der', type: 'spki' }))).toEqual(
      exportSpki(rsaKey),
    );
  });

  for (const hash of ['SHA-384', 'SHA-512'] as const) {
    it(`RSA with ${hash}`, () => {
      const der = createSelfSignedCertificate(rsaKey, { ...OPTIONS, hash });
      checkWithOpenssl(
        `rsa-${hash}`,
        rsaKey,
        der,
        new RegExp(`Signature Algorithm: ${hash.replace('SHA-', 'sha')}WithRSAEncryption`),
      );
    });
  }

  const curves: [EcCurve, string][] = [
    ['P-256', 'ecdsa-with-SHA256'],
    ['P-384', 'ecdsa-with-SHA384'],
    ['P-521', 'ecdsa-with-SHA512'],
    ['secp256k1', 'ecdsa-with-SHA256'],
  ];
  for (const [curve, algorithm] of curves) {
    it(`${curve}: OpenSSL parses and verifies it (${algorithm} by default)`, () => {
      const key = generateEcKey(curve);
      const der = createSelfSignedCertificate(key, OPTIONS);
      checkWithOpenssl(`ec-${curve}`, key, der, new RegExp(`Signature Algorithm: ${algorithm}`));
      const x509 = new X509Certificate(der);
      expect(x509.verify(x509.publicKey)).toBe(true);
    });
  }

  it('P-256 with ecdsa-with-SHA512', () => {
    const key = generateEcKey('P-256');
    checkWithOpenssl(
      'ec-sha512',
      key,
      createSelfSignedCertificate(key, { ...OPTIONS, hash: 'SHA-512' }),
      /ecdsa-with-SHA512/,
    );
  });

  it('Ed25519: OpenSSL parses and verifies it', () => {
    const key = generateEd25519Key();
    checkWithOpenssl(
      'ed25519',
      key,
      createSelfSignedCertificate(key, OPTIONS),
      /Signature Algorithm: ED25519/,
    );
  });

  it('uses a random positive serial of at most 20 octets, and the given one when set', () => {
    const key = generateEcKey('P-256');
    const serials = new Set<bigint>();
    for (let i = 0; i < 20; i++) {
      const { serialNumber } = parseCertificate(createSelfSignedCertificate(key, { commonName: 'x' }));
      expect(serialNumber > 0n).toBe(true);
      expect(serialNumber < 1n << 159n).toBe(true);
      serials.add(serialNumber);
    }
    expect(serials.size).toBe(20);
    const fixed = createSelfSignedCertificate(key, { commonName: 'x', serialNumber: (1n << 159n) - 1n });
    expect(parseCertificate(fixed).serialNumber).toBe((1n << 159n) - 1n);
    expect(new X509Certificate(fixed).serialNumber).toBe('7F'.padEnd(40, 'F'));
  });

  it('defaults to one year from now, and writes GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    const key = generateEcKey('P-256');
    // notBefore is the moment of creation, to the second (UTCTime drops the milliseconds).
    const before = Math.floor(Date.now() / 1000) * 1000;
    const parsed = parseCertificate(createSelfSignedCertificate(key, { commonName: 'x' }));
    const after = Date.now();
    expect(parsed.notBefore.getTime()).toBeGreaterThanOrEqual(before);
    expect(parsed.notBefore.getTime()).toBeLessThanOrEqual(after);
    expect(parsed.notAfter.getTime() - parsed.notBefore.getTime()).toBe(365 * 24 * 3600 * 1000);
    const far = createSelfSignedCertificate(key, {
      commonName: 'x',
      notBefore: new Date('2049-12-31T23:59:59Z'),
      notAfter: new Date('2051-06-01T12:00:00Z'),
    });
    const farParsed = parseCertificate(far);
    expect(farParsed.notBefore.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(farParsed.notAfter.toISOString()).toBe('2051-06-01T12:00:00.000Z');
    const path = writeCertificate('far', far);
    expect(openssl('x509', '-noout', '-enddate', '-in', path).trim()).toBe(
      'notAfter=Jun  1 12:00:00 2051 GMT',
    );
  });

  it('checks its inputs', () => {
    const key = generateEcKey('P-256');
    expect(() => createSelfSignedCertificate(null as never, OPTIONS)).toThrow(TypeError);
    expect(() => createSelfSignedCertificate({ kty: 'oct' } as never, OPTIONS)).toThrow(RangeError);
    expect(() => createSelfSignedCertificate(key, null as never)).toThrow(TypeError);
    expect(() => createSelfSignedCertificate(key, { commonName: 5 } as never)).toThrow(TypeError);
    expect(() => createSelfSignedCertificate(key, { commonName: '' })).toThrow(RangeError);
    expect(() => createSelfSignedCertificate(key, { commonName: 'x'.repeat(65) })).toThrow(RangeError);
    expect(() => createSelfSignedCertificate(key, { commonName: 'x', organization: '' })).toThrow(RangeError);
    expect(() => createSelfSignedCertificate(key, { commonName: 'x', hash: 'SHA-1' as never })).toThrow(
      RangeError,
    );
    expect(() => createSelfSignedCertificate(key, { commonName: 'x', serialNumber: 0n })).toThrow(RangeError);
    expect(() => createSelfSignedCertificate(key, { commonName: 'x', serialNumber: 1n << 160n })).toThrow(
      RangeError,
    );
    expect(() => createSelfSignedCertificate(key, { commonName: 'x', notBefore: new Date('nope') })).toThrow(
      TypeError,
    );
    expect(() =>
      createSelfSignedCertificate(key, {
        commonName: 'x',
        notBefore: OPTIONS.notAfter!,
        notAfter: OPTIONS.notBefore!,
      }),
    ).toThrow(RangeError);
    expect(() =>
      createSelfSignedCertificate(generateEd25519Key(), { commonName: 'x', hash: 'SHA-256' }),
    ).toThrow(RangeError);
    const pss = { ...rsaKey, pss: { hash: 'SHA-256', mgfHash: 'SHA-256', saltLength: 32 } } as RsaPrivateKey;
    const error = (() => {
      try {
        createSelfSignedCertificate(pss, OPTIONS);
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCryptoError(error, 'ERR_UNSUPPORTED_KEY')).toBe(true);
  });
});

describe('parseCertificate', () => {
  it('reads back what createSelfSignedCertificate wrote', () => {
    const key = generateEcKey('P-384') as EcPrivateKey;
    const der = createSelfSignedCertificate(key, { ...OPTIONS, serialNumber: 0x1234n });
    const parsed = parseCertificate(pemEncode('CERTIFICATE', der));
    expect(parsed).toMatchObject({
      version: 3,
      serialNumber: 0x1234n,
      signatureAlgorithm: '1.2.840.10045.4.3.3',
      subject: { commonName: 'Sigil Test Signer', organization: 'Sigil Ü Org' },
      issuer: { commonName: 'Sigil Test Signer', organization: 'Sigil Ü Org' },
      notBefore: OPTIONS.notBefore,
      notAfter: OPTIONS.notAfter,
    });
    expect(parsed.spki).toEqual(exportSpki(key));
    expect(importSpki(parsed.spki)).toEqual(publicKeyOf(key));
    expect(parseCertificate(der)).toEqual(parsed);
  });

  it('reads an OpenSSL-made certificate (PrintableString names, P-256)', () => {
    const keyPath = join(directory, 'openssl-key.pem');
    const certPath = join(directory, 'openssl-cert.pem');
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      '/C=DE/O=Example Org/CN=example.test',
      '-set_serial',
      '4660',
    );
    const pem = openssl('x509', '-in', certPath);
    const parsed = parseCertificate(pem);
    const x509 = new X509Certificate(pem);
    expect(parsed.version).toBe(3);
    expect(parsed.serialNumber).toBe(4660n);
    expect(parsed.subject).toEqual({ commonName: 'example.test', organization: 'Example Org' });
    expect(parsed.notBefore.getTime()).toBe(new Date(x509.validFrom).getTime());
    expect(parsed.notAfter.getTime()).toBe(new Date(x509.validTo).getTime());
    expect(parsed.spki).toEqual(new Uint8Array(x509.publicKey.export({ format: 'der', type: 'spki' })));
  });

  it('rejects malformed certificates with typed errors', () => {
    const der = createSelfSignedCertificate(generateEcKey('P-256'), OPTIONS);
    const code = (input: Uint8Array | string) => {
      try {
        parseCertificate(input);
      } catch (error) {
        return isCryptoError(error) ? error.code : String(error);
      }
      return 'no error';
    };
    for (let length = 0; length < der.length; length += 7)
      expect(code(der.subarray(0, length))).toBe('ERR_DER_DECODE');
    expect(code(new Uint8Array([...der, 0]))).toBe('ERR_DER_DECODE');
    expect(code(pemEncode('PUBLIC KEY', der))).toBe('ERR_PEM_DECODE');
    // Outer signatureAlgorithm changed to ecdsa-with-SHA384 while the TBS says SHA256.
    const tampered = der.slice();
    const reader = new DerReader(der).readSequence();
    const tbsLength = reader.read().encoded.length;
    const algorithmOffset = der.indexOf(0x06, 4 + tbsLength);
    tampered[algorithmOffset + 2 + 7] = 3;
    expect(code(tampered)).toBe('ERR_DER_DECODE');
    expect(() => parseCertificate(5 as never)).toThrow(TypeError);
  });
});
