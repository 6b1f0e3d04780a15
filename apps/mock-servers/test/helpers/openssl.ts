// Test helper: verify a signature over a digest with the OpenSSL command line, against a certificate's key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How OpenSSL should check the signature. */
export type OpenSslScheme = 'pkcs1' | 'pss' | 'ecdsa';

/**
 * True when `openssl pkeyutl -verify` accepts `signature` (ECDSA: DER) over `digest` under the public key of the
 * DER certificate, with the named digest (`sha256`, ...).
 */
export function opensslVerifiesDigest(
  certificateDer: Uint8Array,
  scheme: OpenSslScheme,
  digestName: string,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const directory = mkdtempSync(join(tmpdir(), 'sigil-mocks-openssl-'));
  try {
    const certificate = join(directory, 'cert.der');
    const publicKey = join(directory, 'pub.pem');
    writeFileSync(certificate, certificateDer);
    writeFileSync(join(directory, 'digest.bin'), digest);
    writeFileSync(join(directory, 'sig.bin'), signature);
    execFileSync('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      certificate,
      '-pubkey',
      '-noout',
      '-out',
      publicKey,
    ]);
    const options =
      scheme === 'ecdsa'
        ? []
        : scheme === 'pkcs1'
          ? ['-pkeyopt', `digest:${digestName}`]
          : [
              '-pkeyopt',
              `digest:${digestName}`,
              '-pkeyopt',
              'rsa_padding_mode:pss',
              '-pkeyopt',
              'rsa_pss_saltlen:digest',
            ];
    try {
      execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          publicKey,
          '-in',
          join(directory, 'digest.bin'),
          '-sigfile',
          join(directory, 'sig.bin'),
          ...options,
        ],
        { stdio: 'pipe' },
      );
      return true;
    } catch {
      return false;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** True when OpenSSL parses the DER certificate (and it is self-signed and verifies). */
export function opensslVerifiesSelfSigned(certificateDer: Uint8Array): boolean {
  const directory = mkdtempSync(join(tmpdir(), 'sigil-mocks-openssl-'));
  try {
    const pem = join(directory, 'cert.pem');
    execFileSync('openssl', ['x509', '-inform', 'DER', '-out', pem], { input: certificateDer });
    const output = execFileSync('openssl', ['verify', '-CAfile', pem, pem], { stdio: 'pipe' }).toString();
    return output.includes('OK');
  } catch {
    return false;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
