// `sigil keygen`: a new RSA, EC, Ed25519 or HMAC key, written as PEM or JWK (private key files get mode 0600).
import { generateEcKey } from '@sigil/crypto-core/ecdsa';
import { generateEd25519Key } from '@sigil/crypto-core/eddsa';
import { generateHmacKey } from '@sigil/crypto-core/hmac';
import { EC_CURVES, type EcCurve, type PrivateKey, type SymmetricKey } from '@sigil/crypto-core/key-types';
import { exportJwk, exportPem, jwkThumbprint, publicKeyOf } from '@sigil/crypto-core/keys';
import { generateRsaKey } from '@sigil/crypto-core/rsa';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, writeOutput } from '../io.js';

const KEY_TYPES = ['rsa', 'ec', 'okp', 'hmac'] as const;
type KeyType = (typeof KEY_TYPES)[number];

interface KeygenFlags {
  type: KeyType;
  size?: string;
  curve?: string;
  format?: 'pem' | 'jwk';
  out: string;
  publicOut?: string;
  kid?: string;
  json?: boolean;
}

/** Adds `keygen`. */
export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('Generate a key: RSA, EC (P-256, P-384, P-521, secp256k1), OKP (Ed25519) or HMAC.')
    .addOption(new Option('--type <type>', 'key type').choices(KEY_TYPES).makeOptionMandatory())
    .option('--size <bits>', 'RSA modulus bits (default 2048) or HMAC key bits (default 256)')
    .option('--curve <name>', `EC curve (${EC_CURVES.join(', ')}; default P-256) or Ed25519 for okp`)
    .addOption(
      new Option('--format <format>', 'key file format (default pem; jwk for hmac)').choices(['pem', 'jwk']),
    )
    .requiredOption('--out <file>', 'private key file (written with mode 0600), - for stdout')
    .option('--public-out <file>', 'also write the public key (SPKI PEM or public JWK)')
    .option('--kid <id>', 'key ID to put in a JWK')
    .option('--json', 'print {"type", "format", "out", "thumbprint", ...} on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  sigil keygen --type ec --curve P-384 --out key.pem --public-out pub.pem\n' +
        '  sigil keygen --type rsa --size 3072 --format jwk --out key.jwk\n',
    )
    .action((flags: KeygenFlags) => {
      if (flags.json && flags.out === '-') throw new CliError(ExitCode.USAGE, '--json needs --out FILE');
      const key = generate(flags);
      const format = flags.format ?? (key.kty === 'oct' ? 'jwk' : 'pem');
      if (format === 'pem' && key.kty === 'oct') {
        throw new CliError(ExitCode.USAGE, 'an HMAC key has no PEM form: use --format jwk');
      }
      writeOutput(flags.out, serialize(key, format, flags.kid, false), 0o600);
      if (flags.publicOut !== undefined) {
        if (key.kty === 'oct') throw new CliError(ExitCode.USAGE, 'an HMAC key has no public half');
        writeOutput(flags.publicOut, serialize(key, format, flags.kid, true));
      }
      if (flags.json) {
        printJson({
          type: flags.type,
          kty: key.kty,
          ...('curve' in key ? { curve: key.curve } : {}),
          ...(key.kty === 'RSA' ? { size: key.n.toString(2).length } : {}),
          ...(key.kty === 'oct' ? { size: key.key.length * 8 } : {}),
          format,
          out: flags.out,
          ...(flags.publicOut !== undefined ? { publicOut: flags.publicOut } : {}),
          thumbprint: jwkThumbprint(key),
        });
      }
    });
}

function generate(flags: KeygenFlags): PrivateKey | SymmetricKey {
  switch (flags.type) {
    case 'rsa':
      if (flags.curve !== undefined) throw new CliError(ExitCode.USAGE, '--curve is for ec and okp keys');
      return generateRsaKey(bitsOf(flags.size, 2048));
    case 'ec': {
      if (flags.size !== undefined) throw new CliError(ExitCode.USAGE, '--size is for rsa and hmac keys');
      const curve = flags.curve ?? 'P-256';
      if (!(EC_CURVES as readonly string[]).includes(curve)) {
        throw new CliError(ExitCode.USAGE, `--curve must be one of ${EC_CURVES.join(', ')}`);
      }
      return generateEcKey(curve as EcCurve);
    }
    case 'okp':
      if (flags.size !== undefined) throw new CliError(ExitCode.USAGE, '--size is for rsa and hmac keys');
      if ((flags.curve ?? 'Ed25519') !== 'Ed25519')
        throw new CliError(ExitCode.USAGE, 'okp keys are Ed25519');
      return generateEd25519Key();
    case 'hmac': {
      if (flags.curve !== undefined) throw new CliError(ExitCode.USAGE, '--curve is for ec and okp keys');
      const bits = bitsOf(flags.size, 256);
      if (bits % 8 !== 0) throw new CliError(ExitCode.USAGE, '--size of an HMAC key must be a multiple of 8');
      return generateHmacKey('SHA-256', bits / 8);
    }
  }
}

function bitsOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(text)) throw new CliError(ExitCode.USAGE, `--size must be a number of bits`);
  return Number(text);
}

function serialize(
  key: PrivateKey | SymmetricKey,
  format: 'pem' | 'jwk',
  kid: string | undefined,
  publicOnly: boolean,
): string {
  if (format === 'jwk') {
    return `${JSON.stringify(exportJwk(key, { publicOnly, ...(kid !== undefined ? { kid } : {}) }), null, 2)}\n`;
  }
  if (key.kty === 'oct') throw new CliError(ExitCode.USAGE, 'an HMAC key has no PEM form');
  return publicOnly ? exportPem(publicKeyOf(key), 'spki') : exportPem(key, 'pkcs8');
}
