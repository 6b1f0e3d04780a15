// `sigil fortanix sign|verify|batch-sign`: Fortanix DSM signing over files through the protocols client.
import { basename } from 'node:path';
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import { digest } from '@sigil/crypto-core/hash';
import {
  createFortanixClient,
  FORTANIX_HASHES,
  type FortanixClient,
  type FortanixSignRequest,
  fortanixHash,
} from '@sigil/protocols/fortanix';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import {
  BINARY_ENCODINGS,
  type BinaryEncoding,
  decodeBinary,
  encodeBinary,
  printJson,
  readInput,
  writeOutput,
} from '../io.js';
import { createProgress } from '../progress.js';
import { readSecret } from '../secrets.js';

interface FortanixFlags {
  url: string;
  apiKeyFile?: string;
  kid?: string;
  name?: string;
  hash: keyof typeof FORTANIX_HASHES;
  mode?: 'pkcs1' | 'pss';
  data?: boolean;
  encoding: BinaryEncoding;
  json?: boolean;
}

interface SignFlags extends FortanixFlags {
  out?: string;
}

interface VerifyFlags extends FortanixFlags {
  sig: string;
}

interface BatchSignFlags extends FortanixFlags {
  batchSize: string;
  quiet?: boolean;
}

function addFortanixFlags(command: Command): Command {
  return command
    .requiredOption('--url <url>', 'DSM endpoint, e.g. https://amer.smartkey.io or a mock / Sigil server')
    .option(
      '--api-key-file <file>',
      'file holding the app API key, base64 of app_id:app_secret (env FORTANIX_API_KEY)',
    )
    .option('--kid <uuid>', 'the security object by kid')
    .option('--name <name>', 'the security object by name')
    .addOption(
      new Option('--hash <hash_alg>', 'hash the files with')
        .choices(Object.keys(FORTANIX_HASHES))
        .default('SHA256'),
    )
    .addOption(new Option('--mode <mode>', 'RSA padding (default: the key policy)').choices(['pkcs1', 'pss']))
    .option('--data', 'send the file itself (DSM hashes it) rather than its digest; Ed25519 keys need it')
    .addOption(
      new Option('--encoding <encoding>', 'signature file encoding').choices(BINARY_ENCODINGS).default('raw'),
    )
    .option('--json', 'JSON output');
}

function clientOf(flags: FortanixFlags): FortanixClient {
  const apiKey = readSecret({
    description: 'Fortanix API key',
    file: flags.apiKeyFile,
    environmentVariable: 'FORTANIX_API_KEY',
    fileFlag: '--api-key-file',
  });
  return createFortanixClient({ baseUrl: flags.url, apiKey });
}

/**
 * The sign request for one file: the key descriptor, the digest computed here (or, with --data, the file itself, as
 * seed 003 allows: "either hash or data"), and the mode.
 */
function signRequestOf(flags: FortanixFlags, file: string): FortanixSignRequest {
  if ((flags.kid === undefined) === (flags.name === undefined)) {
    throw new CliError(ExitCode.USAGE, 'give exactly one of --kid and --name');
  }
  const content = readInput(file);
  return {
    key: flags.kid !== undefined ? { kid: flags.kid } : { name: flags.name as string },
    hash_alg: flags.hash,
    ...(flags.data
      ? { data: bytesToBase64(content) }
      : { hash: bytesToBase64(digest(fortanixHash(flags.hash), content)) }),
    ...(flags.mode === 'pkcs1' ? { mode: { PKCS1_V15: {} } } : {}),
    ...(flags.mode === 'pss' ? { mode: { PSS: { mgf: { mgf1: { hash: flags.hash } } } } } : {}),
  };
}

/** Adds `fortanix` and its verbs. */
export function registerFortanix(program: Command): void {
  const fortanix = program
    .command('fortanix')
    .description(
      'Sign and verify with keys held in Fortanix DSM (API key from --api-key-file or FORTANIX_API_KEY).',
    )
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix sign --url https://amer.smartkey.io --name release-key app.tar.gz\n',
    );

  addFortanixFlags(
    fortanix.command('sign').description('Sign one file; the signature goes to --out or FILE.sig.'),
  )
    .argument('<file>', 'the file to sign')
    .option('--out <file>', 'signature file, - for stdout (default FILE.sig)')
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix sign --url https://amer.smartkey.io --kid 0f3c... --out app.sig app.tar.gz\n',
    )
    .action(async (file: string, flags: SignFlags) => {
      const request = signRequestOf(flags, file);
      const answer = await clientOf(flags).sign(request);
      const signature = base64ToBytes(answer.signature);
      const out = flags.out ?? `${file}.sig`;
      if (!flags.json || out !== '-') writeOutput(out, encodeBinary(signature, flags.encoding));
      if (flags.json) printJson({ file, kid: answer.kid ?? null, signature: answer.signature, out });
    });

  addFortanixFlags(
    fortanix.command('verify').description('Verify a signature in DSM; exit 1 when it is not valid.'),
  )
    .argument('<file>', 'the signed file')
    .requiredOption('--sig <file>', 'signature file')
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix verify --url https://amer.smartkey.io --name release-key --sig app.sig app.tar.gz\n',
    )
    .action(async (file: string, flags: VerifyFlags) => {
      const request = signRequestOf(flags, file);
      const signature = bytesToBase64(decodeBinary(readInput(flags.sig), flags.encoding));
      const answer = await clientOf(flags).verify({ ...request, signature });
      if (flags.json) printJson({ file, valid: answer.result, kid: answer.kid ?? null });
      else process.stdout.write(answer.result ? 'signature valid\n' : 'signature NOT valid\n');
      if (!answer.result) process.exitCode = ExitCode.VERIFY_FAILED;
    });

  addFortanixFlags(
    fortanix
      .command('batch-sign')
      .description(
        'Sign many files through the batch API; each signature goes to FILE.sig. Progress on stderr.',
      ),
  )
    .argument('<files...>', 'the files to sign')
    .option('--batch-size <n>', 'items per batch request', '100')
    .option('--quiet', 'no progress display')
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix batch-sign --url https://amer.smartkey.io --name release-key dist/*\n',
    )
    .action(async (files: string[], flags: BatchSignFlags) => {
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new CliError(ExitCode.USAGE, '--batch-size must be >= 1');
      const client = clientOf(flags);
      const progress = createProgress(files.length, flags.quiet === true || flags.json === true);
      const results: { file: string; status: number; out?: string; error?: string }[] = [];
      try {
        for (let start = 0; start < files.length; start += batchSize) {
          const chunk = files.slice(start, start + batchSize);
          const answers = await client.batchSign(chunk.map((file) => signRequestOf(flags, file)));
          answers.forEach((answer, index) => {
            const file = chunk[index] as string;
            if ('body' in answer) {
              const out = `${file}.sig`;
              writeOutput(out, encodeBinary(base64ToBytes(answer.body.signature), flags.encoding));
              results.push({ file, status: answer.status, out });
              progress.update(results.length, basename(file));
            } else {
              results.push({ file, status: answer.status, error: answer.error });
              progress.update(results.length, `${basename(file)} FAILED (${answer.status})`);
            }
          });
        }
      } finally {
        progress.finish();
      }
      const failed = results.filter((result) => result.error !== undefined);
      if (flags.json) printJson({ signed: results.length - failed.length, failed: failed.length, results });
      else for (const failure of failed) process.stderr.write(`sigil: ${failure.file}: ${failure.error}\n`);
      if (failed.length > 0) process.exitCode = ExitCode.REMOTE_OR_IO;
    });
}
