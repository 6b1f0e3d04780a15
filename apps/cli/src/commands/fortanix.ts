// `sigil fortanix sign|verify|batch-sign`: Fortanix DSM signing over files through the protocols client, one DSM
// session per command: opened, the key looked up (POST /crypto/v1/keys/info), used, and ended
// (POST /sys/v1/session/terminate), as Fortanix's Go client does.
import { basename } from 'node:path';
import { base64ToBytes } from '@sigil/crypto-core/encoding';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  createFortanixClient,
  encodeFortanixSignItem,
  encodeFortanixVerifyItem,
  FORTANIX_HASHES,
  type FortanixClient,
  type FortanixKeyDescriptor,
  type FortanixOperation,
  type FortanixSignatureMode,
  type FortanixSignRequest,
  fortanixHashAlgorithm,
  fortanixKeyTypeOfSobject,
  fortanixSignatureParams,
} from '@sigil/protocols/fortanix';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import {
  type BinaryEncoding,
  decodeBinary,
  encodingOption,
  printJson,
  readInput,
  writeSignature,
} from '../io.js';
import { createProgress } from '../progress.js';
import { addConnectionFlags, readCredential, type VendorConnection } from '../vendor-client.js';

const FORTANIX: VendorConnection = {
  url: {
    flag: '--url <url>',
    help: 'DSM endpoint, e.g. https://amer.smartkey.io or a mock / Sigil server',
    required: true,
  },
  credential: {
    description: 'Fortanix API key',
    environmentVariable: 'FORTANIX_API_KEY',
    fileFlag: '--api-key-file',
    help: 'file holding the app API key, base64 of app_id:app_secret (env FORTANIX_API_KEY)',
  },
};

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

/** A `fortanix` verb with the flags every verb takes. */
function addFortanixVerb(fortanix: Command, name: string, description: string): Command {
  return addConnectionFlags(fortanix.command(name).description(description), FORTANIX)
    .option('--kid <uuid>', 'the security object by kid')
    .option('--name <name>', 'the security object by name')
    .addOption(
      new Option('--hash <hash_alg>', 'hash the files with (Ed25519 keys use their own)')
        .choices(Object.keys(FORTANIX_HASHES))
        .default(fortanixHashAlgorithm('SHA-256')),
    )
    .addOption(new Option('--mode <mode>', 'RSA padding (default pkcs1)').choices(['pkcs1', 'pss']))
    .option('--data', 'send the file itself (DSM hashes it) rather than its digest; Ed25519 keys always do')
    .addOption(encodingOption('--encoding <encoding>', 'signature file encoding'))
    .option('--json', 'JSON output');
}

/** What the verbs build requests from: the client, the key as the flags name it, and how to sign with it. */
interface FortanixSigning {
  readonly client: FortanixClient;
  readonly key: FortanixKeyDescriptor;
  readonly params: SignatureParams;
  /** Send each file's digest (`hash`) rather than the file (`data`). */
  readonly prehash: boolean;
  /** No --mode: send none, and DSM signs RSA with its default, PKCS#1 v1.5 (as the Go client sends none). */
  readonly omitDefaultMode: boolean;
}

/**
 * Runs a verb in one DSM session: `run` gets how the flags sign (see {@link signingOf}), and the session ends
 * afterwards whatever happened, as Fortanix's Go client ends its own in a `defer`. A session that cannot be ended
 * is a warning, not the command's failure.
 * @throws {CliError} exit 2 for both or neither of --kid and --name, before any request
 */
async function inSession(
  flags: FortanixFlags,
  operation: FortanixOperation,
  run: (signing: FortanixSigning) => Promise<void>,
): Promise<void> {
  if ((flags.kid === undefined) === (flags.name === undefined)) {
    throw new CliError(ExitCode.USAGE, 'give exactly one of --kid and --name');
  }
  const client = createFortanixClient({
    baseUrl: flags.url,
    apiKey: readCredential(FORTANIX, flags.apiKeyFile),
  });
  try {
    await run(await signingOf(client, flags, operation));
  } finally {
    await client.terminate().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`sigil: warning: the DSM session was not ended: ${reason}\n`);
    });
  }
}

/**
 * How the flags sign or verify: the key is looked up once (by kid or by name), and protocols' table gives the
 * parameters for its type, --hash and --mode, for the operation at hand.
 * @throws {CliError} exit 2 for --mode with a key that is not RSA; exit 3 when DSM has no key of that name
 */
async function signingOf(
  client: FortanixClient,
  flags: FortanixFlags,
  operation: FortanixOperation,
): Promise<FortanixSigning> {
  const which = (flags.kid ?? flags.name) as string;
  // POST /crypto/v1/keys/info: the lookup by kid or name that Fortanix's published API documents.
  const sobject = await client
    .lookupKey(flags.kid !== undefined ? { kid: flags.kid } : { name: which })
    .catch((error: unknown) => {
      if (isProtocolError(error, 'ERR_FORTANIX_HTTP') && error.status === 404) {
        throw new CliError(ExitCode.REMOTE_OR_IO, `DSM has no key ${JSON.stringify(which)}`);
      }
      throw error;
    });
  const keyType = fortanixKeyTypeOfSobject(sobject);
  if (flags.mode !== undefined && keyType.objType !== 'RSA') {
    throw new CliError(ExitCode.USAGE, `--mode is for RSA keys; ${which} is an ${sobject.obj_type} key`);
  }
  // The table's own rule for the PSS salt: the hash length to sign, any length to verify (DSM names none).
  const mode: FortanixSignatureMode | undefined =
    flags.mode === 'pss' ? { PSS: { mgf: { mgf1: { hash: flags.hash } } } } : undefined;
  return {
    client,
    key: flags.kid !== undefined ? { kid: flags.kid } : { name: which },
    params: fortanixSignatureParams(keyType, flags.hash, mode, undefined, operation),
    prehash: flags.data !== true,
    omitDefaultMode: flags.mode === undefined,
  };
}

/** The sign item for one file, as protocols encodes it. */
function signItemOf(signing: FortanixSigning, file: string): FortanixSignRequest {
  return encodeFortanixSignItem(
    signing.params,
    signing.key,
    { message: readInput(file) },
    { prehash: signing.prehash, omitDefaultMode: signing.omitDefaultMode },
  );
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

  addFortanixVerb(fortanix, 'sign', 'Sign one file; the signature goes to --out or FILE.sig.')
    .argument('<file>', 'the file to sign')
    .option('--out <file>', 'signature file, - for stdout (default FILE.sig)')
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix sign --url https://amer.smartkey.io --kid 0f3c... --out app.sig app.tar.gz\n',
    )
    .action(async (file: string, flags: SignFlags) =>
      inSession(flags, 'sign', async (signing) => {
        const answer = await signing.client.sign(signItemOf(signing, file));
        const signature = base64ToBytes(answer.signature);
        const out = flags.out ?? `${file}.sig`;
        writeSignature(out, signature, flags.encoding, flags.json);
        if (flags.json) printJson({ file, kid: answer.kid ?? null, signature: answer.signature, out });
      }),
    );

  addFortanixVerb(fortanix, 'verify', 'Verify a signature in DSM; exit 1 when it is not valid.')
    .argument('<file>', 'the signed file')
    .requiredOption('--sig <file>', 'signature file')
    .addHelpText(
      'after',
      '\nExample:\n  sigil fortanix verify --url https://amer.smartkey.io --name release-key --sig app.sig app.tar.gz\n',
    )
    .action(async (file: string, flags: VerifyFlags) =>
      inSession(flags, 'verify', async (signing) => {
        const signature = decodeBinary(readInput(flags.sig), flags.encoding);
        const item = encodeFortanixVerifyItem(
          signing.params,
          signing.key,
          { message: readInput(file) },
          signature,
          { prehash: signing.prehash, omitDefaultMode: signing.omitDefaultMode },
        );
        const answer = await signing.client.verify(item);
        if (flags.json) printJson({ file, valid: answer.result, kid: answer.kid ?? null });
        else process.stdout.write(answer.result ? 'signature valid\n' : 'signature NOT valid\n');
        if (!answer.result) process.exitCode = ExitCode.VERIFY_FAILED;
      }),
    );

  addFortanixVerb(
    fortanix,
    'batch-sign',
    'Sign many files through the batch API; each signature goes to FILE.sig. Progress on stderr.',
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
      await inSession(flags, 'sign', async (signing) => {
        const progress = createProgress(files.length, flags.quiet === true || flags.json === true);
        const results: { file: string; status: number; out?: string; error?: string }[] = [];
        try {
          for (let start = 0; start < files.length; start += batchSize) {
            const chunk = files.slice(start, start + batchSize);
            const answers = await signing.client.batchSign(chunk.map((file) => signItemOf(signing, file)));
            answers.forEach((answer, index) => {
              const file = chunk[index] as string;
              if ('body' in answer) {
                const out = `${file}.sig`;
                writeSignature(out, base64ToBytes(answer.body.signature), flags.encoding, flags.json);
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
    });
}
