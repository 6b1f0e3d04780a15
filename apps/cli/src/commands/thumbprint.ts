// `sigil thumbprint`: the RFC 7638 JWK thumbprint of a key file.
import { jwkThumbprint } from '@sigil/crypto-core/keys';
import { type Command, Option } from 'commander';
import { printJson } from '../io.js';
import { readKeyFile } from '../key-file.js';

const THUMBPRINT_HASHES = ['SHA-256', 'SHA-384', 'SHA-512'] as const;

interface ThumbprintFlags {
  hash: (typeof THUMBPRINT_HASHES)[number];
  json?: boolean;
}

/** Adds `thumbprint`. */
export function registerThumbprint(program: Command): void {
  program
    .command('thumbprint')
    .description(
      'Print the RFC 7638 JWK thumbprint (base64url) of a key; a private key gives its public thumbprint.',
    )
    .argument('<keyfile>', 'key file: PEM, JWK or DER, - for stdin')
    .addOption(new Option('--hash <hash>', 'hash').choices(THUMBPRINT_HASHES).default('SHA-256'))
    .option('--json', 'print {"thumbprint", "hash", "kty"}')
    .addHelpText('after', '\nExample:\n  sigil thumbprint key.pem\n')
    .action((keyFile: string, flags: ThumbprintFlags) => {
      const key = readKeyFile(keyFile);
      const thumbprint = jwkThumbprint(key, flags.hash);
      if (flags.json) printJson({ thumbprint, hash: flags.hash, kty: key.kty });
      else process.stdout.write(`${thumbprint}\n`);
    });
}
