// `sigil signpath sign|policies`: SignPath hash signing and policy listing through the protocols client.
import { base64ToBytes } from '@sigil/crypto-core/encoding';
import { getJwsAlgorithm, JWS_ALGORITHM_NAMES, type JwsAlgorithm } from '@sigil/crypto-core/jws';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import {
  createSignPathClient,
  encodeSignPathPayload,
  type SignPathClient,
  type SignPathPayload,
  type SignPathStatus,
  signPathAlgorithmLabel,
} from '@sigil/protocols/signpath';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { type BinaryEncoding, encodingOption, printJson, readInput, writeSignature } from '../io.js';
import { addConnectionFlags, readCredential, type VendorConnection } from '../vendor-client.js';

const SIGNPATH: VendorConnection = {
  url: {
    flag: '--api-url <url>',
    help: 'API base, e.g. https://app.signpath.io/Api (default) or a mock / Sigil server',
    required: false,
  },
  credential: {
    description: 'SignPath API token',
    environmentVariable: 'SIGNPATH_API_TOKEN',
    fileFlag: '--token-file',
    help: 'file holding the API token (env SIGNPATH_API_TOKEN)',
  },
};

/** The JOSE algorithms SignPath can be asked for: those whose parameters protocols' SignPath table encodes. */
const SIGNPATH_ALGS = JWS_ALGORITHM_NAMES.filter((alg) => {
  try {
    signPathAlgorithmLabel(getJwsAlgorithm(alg).params);
    return true;
  } catch {
    return false;
  }
});

/** The one status after which a signing request has a signed artifact. */
const COMPLETED: SignPathStatus = 'Completed';

interface SignPathFlags {
  apiUrl?: string;
  org: string;
  tokenFile?: string;
  json?: boolean;
}

interface SignFlags extends SignPathFlags {
  project: string;
  policy: string;
  file?: string;
  hash?: string;
  alg: JwsAlgorithm;
  format: 'der' | 'p1363';
  async?: boolean;
  out?: string;
  encoding: BinaryEncoding;
}

interface PoliciesFlags extends SignPathFlags {
  project?: string;
  policy?: string;
}

function addSignPathFlags(command: Command): Command {
  return addConnectionFlags(command, SIGNPATH)
    .requiredOption('--org <id>', 'organization ID')
    .option('--json', 'JSON output');
}

function clientOf(flags: SignPathFlags): SignPathClient {
  return createSignPathClient({
    organizationId: flags.org,
    apiToken: readCredential(SIGNPATH, flags.tokenFile),
    baseUrl: flags.apiUrl,
  });
}

/** The file's bytes (hashed by the encoder) or the digest given as --hash. */
function signInputOf(flags: SignFlags): SignInput {
  if ((flags.file === undefined) === (flags.hash === undefined)) {
    throw new CliError(ExitCode.USAGE, 'give exactly one of --file FILE and --hash BASE64');
  }
  if (flags.file !== undefined) return { message: readInput(flags.file) };
  try {
    return { digest: base64ToBytes((flags.hash as string).trim()) };
  } catch (cause) {
    throw new CliError(ExitCode.USAGE, '--hash is not standard base64', { cause });
  }
}

/** payload.json for --alg (ECDSA signatures in --format) over --file or --hash, as protocols encodes it. */
function payloadOf(flags: SignFlags): SignPathPayload {
  const input = signInputOf(flags);
  const { params } = getJwsAlgorithm(flags.alg);
  const requested: SignatureParams = params.scheme === 'ecdsa' ? { ...params, format: flags.format } : params;
  return encodeSignPathPayload(requested, input);
}

/** Adds `signpath` and its verbs. */
export function registerSignPath(program: Command): void {
  const signpath = program
    .command('signpath')
    .description('SignPath hash signing (API token from --token-file or SIGNPATH_API_TOKEN).')
    .addHelpText('after', '\nExample:\n  sigil signpath policies --org 7c6f...\n');

  addSignPathFlags(
    signpath.command('sign').description('Sign a file digest or a hash with a signing policy.'),
  )
    .requiredOption('--project <slug>', 'project slug')
    .requiredOption('--policy <slug>', 'signing policy slug')
    .option('--file <file>', 'the file whose digest to sign')
    .option('--hash <base64>', 'a digest to sign, standard base64')
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(SIGNPATH_ALGS).default('RS256'))
    .addOption(
      new Option('--format <format>', 'ECDSA signature format').choices(['der', 'p1363']).default('p1363'),
    )
    .option('--async', 'submit an asynchronous request and wait until it is final')
    .option('--out <file>', 'signature file, - for stdout (default)')
    .addOption(encodingOption('--encoding <encoding>', 'signature encoding'))
    .addHelpText(
      'after',
      '\nExample:\n  sigil signpath sign --org 7c6f... --project app --policy release --file app.exe --alg RS256 --out app.sig\n',
    )
    .action(async (flags: SignFlags) => {
      const payload = payloadOf(flags);
      const client = clientOf(flags);
      const submission = { projectSlug: flags.project, signingPolicySlug: flags.policy, payload };
      let signature: string;
      let signingRequestId: string | undefined;
      if (flags.async) {
        const submitted = await client.submitSigningRequest(submission);
        signingRequestId = submitted.signingRequestId;
        const status = await client.waitForFinalStatus(signingRequestId);
        if (status.status !== COMPLETED) {
          throw new CliError(
            ExitCode.REMOTE_OR_IO,
            `signing request ${signingRequestId} ended ${status.status}`,
          );
        }
        const artifact = JSON.parse(
          new TextDecoder().decode(await client.downloadSignedArtifact(signingRequestId)),
        );
        signature = String(artifact.Signature ?? artifact.signature ?? '');
      } else {
        signature = (await client.submitFastSigningRequest(submission)).Signature;
      }
      writeSignature(flags.out, base64ToBytes(signature), flags.encoding, flags.json);
      if (flags.json) printJson({ signature, ...(signingRequestId ? { signingRequestId } : {}) });
    });

  addSignPathFlags(signpath.command('policies').description('List the signing policies this token may use.'))
    .option('--project <slug>', 'only this project')
    .option('--policy <slug>', 'only this signing policy')
    .addHelpText('after', '\nExample:\n  sigil signpath policies --org 7c6f... --project app --json\n')
    .action(async (flags: PoliciesFlags) => {
      const answer = await clientOf(flags).getMySigningPolicies({
        ...(flags.project !== undefined ? { projectSlug: flags.project } : {}),
        ...(flags.policy !== undefined ? { signingPolicySlug: flags.policy } : {}),
      });
      if (flags.json) printJson(answer);
      else {
        for (const policy of answer.signingPolicies) {
          const line = [policy.projectSlug, policy.signingPolicySlug, policy.keyType, policy.keySizeInBits];
          process.stdout.write(`${line.join('\t')}\n`);
        }
      }
    });
}
