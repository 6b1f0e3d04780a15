// `sigil convert key`: re-encodes a key file as JWK or PEM/DER (SPKI, PKCS#8, PKCS#1, SEC1).
import { bytesToBase64 } from '@sigil/crypto-core/encoding';
import { isPrivateKey, type Key, type PrivateKey, type PublicKey } from '@sigil/crypto-core/key-types';
import {
  exportJwk,
  exportPem,
  exportPkcs1,
  exportPkcs8,
  exportSec1,
  exportSpki,
  type KeyFormat,
  publicKeyOf,
} from '@sigil/crypto-core/keys';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, writeOutput } from '../io.js';
import { readKeyFile } from '../key-file.js';

const KEY_TARGETS = ['jwk', 'pem', 'spki', 'pkcs8', 'pkcs1', 'sec1'] as const;
type KeyTarget = (typeof KEY_TARGETS)[number];

interface ConvertKeyFlags {
  to: KeyTarget;
  in: string;
  out?: string;
  public?: boolean;
  der?: boolean;
  json?: boolean;
}

/** Adds `convert key` to the `convert` command. */
export function registerConvertKey(convert: Command): void {
  convert
    .command('key')
    .description('Convert a key (PEM, JWK or DER, detected from the content) to another format.')
    .addOption(
      new Option(
        '--to <format>',
        'jwk; pem (PKCS#8 for a private key, SPKI for a public one); spki, pkcs8, pkcs1 or sec1 PEM',
      )
        .choices(KEY_TARGETS)
        .makeOptionMandatory(),
    )
    .option('--in <file>', 'key file, - for stdin', '-')
    .option('--out <file>', 'output file, - for stdout')
    .option('--public', 'export only the public half (spki always does)')
    .option('--der', 'write DER bytes instead of PEM (spki, pkcs8, pkcs1, sec1)')
    .option('--json', 'print {"format", "key"} with the PEM text, the JWK object or base64 DER')
    .addHelpText(
      'after',
      '\nExamples:\n  sigil convert key --to jwk --in key.pem --public\n' +
        '  sigil convert key --to pkcs1 --in key.jwk --out key.pem\n',
    )
    .action((flags: ConvertKeyFlags) => {
      const imported = readKeyFile(flags.in);
      const key: Key = flags.public || flags.to === 'spki' ? publicHalf(imported) : imported;
      // A private or secret key is written readable by its owner only, as keygen does.
      const mode = key.kty === 'oct' || isPrivateKey(key) ? 0o600 : undefined;
      if (flags.to === 'jwk') {
        const jwk = exportJwk(key);
        if (flags.json) printJson({ format: 'jwk', key: jwk });
        else writeOutput(flags.out, `${JSON.stringify(jwk, null, 2)}\n`, mode);
        return;
      }
      if (key.kty === 'oct') throw new CliError(ExitCode.USAGE, 'an HMAC key can only be written as a JWK');
      if (flags.der && flags.to === 'pem')
        throw new CliError(ExitCode.USAGE, '--der needs spki, pkcs8, pkcs1 or sec1');
      const format = flags.to === 'pem' ? (isPrivateKey(key) ? 'pkcs8' : 'spki') : flags.to;
      checkFits(key, format);
      if (flags.der) {
        const der = exportDer(key, format);
        if (flags.json) printJson({ format, key: bytesToBase64(der) });
        else writeOutput(flags.out, der, mode);
        return;
      }
      const pem = exportPem(key, format);
      if (flags.json) printJson({ format, key: pem });
      else writeOutput(flags.out, pem, mode);
    });
}

function publicHalf(key: Key): PublicKey {
  if (key.kty === 'oct') throw new CliError(ExitCode.USAGE, 'an HMAC key has no public half');
  return publicKeyOf(key);
}

function checkFits(key: PrivateKey | PublicKey, format: KeyFormat): void {
  if ((format === 'pkcs8' || format === 'sec1') && !isPrivateKey(key)) {
    throw new CliError(ExitCode.USAGE, `${format} holds private keys; this is a public key`);
  }
  if (format === 'pkcs1' && key.kty !== 'RSA')
    throw new CliError(ExitCode.USAGE, 'pkcs1 holds RSA keys only');
  if (format === 'sec1' && key.kty !== 'EC') throw new CliError(ExitCode.USAGE, 'sec1 holds EC keys only');
}

function exportDer(key: PrivateKey | PublicKey, format: KeyFormat): Uint8Array {
  switch (format) {
    case 'spki':
      return exportSpki(key);
    case 'pkcs8':
      return exportPkcs8(key as PrivateKey);
    case 'pkcs1':
      return exportPkcs1(key as Extract<PublicKey, { kty: 'RSA' }>);
    case 'sec1':
      return exportSec1(key as Extract<PrivateKey, { kty: 'EC' }>);
  }
}
