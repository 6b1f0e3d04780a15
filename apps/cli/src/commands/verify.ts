// `sigil verify`: checks a signature file over a file or a digest; exit 0 when it is valid, 1 when it is not.
import { base64urlToBytes } from '@sigil/crypto-core/encoding';
import { publicKeyOf } from '@sigil/crypto-core/keys';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { decodeBinary, printJson, readInput } from '../io.js';
import { readKeyFile } from '../key-file.js';
import { verifyWithAlgorithm } from '../signing.js';
import { addSigningFlags, type SigningFlags, signInputOf } from './sign.js';

interface VerifyFlags extends SigningFlags {
  sig: string;
}

/** Adds `verify`. */
export function registerVerify(program: Command): void {
  addSigningFlags(
    program
      .command('verify')
      .description('Verify a signature over a file or a digest. Exit 0: valid; exit 1: not valid.'),
  )
    .requiredOption('--sig <file>', 'signature file, - for stdin')
    .addHelpText(
      'after',
      '\nExamples:\n  sigil verify --key pub.pem --alg ES256 --in artifact.bin --sig artifact.sig\n' +
        '  sigil verify --key pub.jwk --alg EdDSA --in message.txt --sig sig.txt --format jose\n',
    )
    .action((flags: VerifyFlags) => {
      if (flags.sig === '-' && flags.in === '-') {
        throw new CliError(ExitCode.USAGE, '--sig and --in cannot both read stdin');
      }
      const input = signInputOf(flags);
      const key = readKeyFile(flags.key);
      const publicKey = key.kty === 'oct' ? key : publicKeyOf(key);
      const signatureFile = readInput(flags.sig);
      const signature =
        flags.format === 'jose' ? joseSignature(signatureFile) : decodeBinary(signatureFile, flags.encoding);
      const valid = verifyWithAlgorithm(flags.alg, publicKey, input, signature, flags.format);
      if (flags.json) printJson({ valid, alg: flags.alg });
      else process.stdout.write(valid ? 'signature valid\n' : 'signature NOT valid\n');
      if (!valid) process.exitCode = ExitCode.VERIFY_FAILED;
    });
}

function joseSignature(bytes: Uint8Array): Uint8Array {
  try {
    return base64urlToBytes(new TextDecoder().decode(bytes).trim());
  } catch (cause) {
    throw new CliError(ExitCode.USAGE, '--sig is not base64url text (--format jose)', { cause });
  }
}
