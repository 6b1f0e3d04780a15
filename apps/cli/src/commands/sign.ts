// `sigil sign`: signs a file or a precomputed digest with a key file and a JOSE algorithm name.
import { bytesToBase64url } from '@sigil/crypto-core/encoding';
import { getJwsAlgorithm, JWS_ALGORITHM_NAMES } from '@sigil/crypto-core/jws';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { type BinaryEncoding, encodingOption, printJson, readInput, writeSignature } from '../io.js';
import { readKeyFile } from '../key-file.js';
import { parseDigest, SIGNATURE_FORMATS, type SignatureFormat, signWithAlgorithm } from '../signing.js';

/** The flags `sign` and `verify` share. */
export interface SigningFlags {
  key: string;
  alg: string;
  in?: string;
  digest?: string;
  format?: SignatureFormat;
  encoding: BinaryEncoding;
  json?: boolean;
}

/** Adds the flags `sign` and `verify` share to `command`. */
export function addSigningFlags(command: Command): Command {
  return command
    .requiredOption('--key <file>', 'key file: PEM (PKCS#1, PKCS#8, SPKI, SEC1), JWK or DER')
    .addOption(new Option('--alg <alg>', 'JOSE algorithm').choices(JWS_ALGORITHM_NAMES).makeOptionMandatory())
    .option('--in <file>', 'the message, - for stdin')
    .option('--digest <hex-or-base64>', 'a digest computed with the hash of --alg (RS*, PS*, ES* only)')
    .addOption(
      new Option(
        '--format <format>',
        'ECDSA: der (default) or p1363; jose: base64url text for any alg',
      ).choices(SIGNATURE_FORMATS),
    )
    .addOption(encodingOption('--encoding <encoding>', 'encoding of the signature file'))
    .option('--json', 'JSON output on stdout');
}

/** The message or digest the flags name. */
export function signInputOf(flags: SigningFlags): SignInput {
  if ((flags.in === undefined) === (flags.digest === undefined)) {
    throw new CliError(ExitCode.USAGE, 'give exactly one of --in FILE and --digest HEX_OR_BASE64');
  }
  if (flags.digest !== undefined) return { digest: parseDigest(flags.digest, getJwsAlgorithm(flags.alg)) };
  return { message: readInput(flags.in as string) };
}

interface SignFlags extends SigningFlags {
  out?: string;
}

/** Adds `sign`. */
export function registerSign(program: Command): void {
  addSigningFlags(
    program
      .command('sign')
      .description(
        'Sign a file or a digest: RS*, PS*, ES*, ES256K, EdDSA, HS*. Signatures are raw bytes by default.',
      ),
  )
    .option('--out <file>', 'signature file, - for stdout (default)')
    .addHelpText(
      'after',
      '\nExamples:\n  sigil sign --key key.pem --alg ES256 --in artifact.bin --out artifact.sig\n' +
        '  sigil sign --key key.pem --alg PS256 --digest $(sha256sum artifact.bin | cut -c1-64) --encoding base64\n',
    )
    .action((flags: SignFlags) => {
      const input = signInputOf(flags);
      const key = readKeyFile(flags.key);
      const signature = signWithAlgorithm(flags.alg, key, input, flags.format);
      // A JOSE signature is base64url text, whatever --encoding says.
      const encoding = flags.format === 'jose' ? 'base64url' : flags.encoding;
      writeSignature(flags.out, signature, encoding, flags.json);
      if (flags.json) {
        printJson({
          alg: flags.alg,
          format: flags.format ?? (getJwsAlgorithm(flags.alg).kty === 'EC' ? 'der' : 'raw'),
          signature: bytesToBase64url(signature),
          ...(flags.out !== undefined && flags.out !== '-' ? { out: flags.out } : {}),
        });
      }
    });
}
