// `sigil signpath sign|policies`: SignPath hash signing and policy listing through the protocols client.
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import { digest, getHash } from '@sigil/crypto-core/hash';
import { getJwsAlgorithm } from '@sigil/crypto-core/jws';
import { createSignPathClient, type SignPathClient, type SignPathPayload } from '@sigil/protocols/signpath';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import {
  BINARY_ENCODINGS,
  type BinaryEncoding,
  encodeBinary,
  printJson,
  readInput,
  writeOutput,
} from '../io.js';
import { readSecret } from '../secrets.js';

const SIGNPATH_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;

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
  alg: (typeof SIGNPATH_ALGS)[number];
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
  return command
    .option(
      '--api-url <url>',
      'API base, e.g. https://app.signpath.io/Api (default) or a mock / Sigil server',
    )
    .requiredOption('--org <id>', 'organization ID')
    .option('--token-file <file>', 'file holding the API token (env SIGNPATH_API_TOKEN)')
    .option('--json', 'JSON output');
}

function clientOf(flags: SignPathFlags): SignPathClient {
  const apiToken = readSecret({
    description: 'SignPath API token',
    file: flags.tokenFile,
    environmentVariable: 'SIGNPATH_API_TOKEN',
    fileFlag: '--token-file',
  });
  return createSignPathClient({
    organizationId: flags.org,
    apiToken,
    ...(flags.apiUrl !== undefined ? { baseUrl: flags.apiUrl } : {}),
  });
}

/** payload.json for `alg` over the digest of --file or the given --hash. */
function payloadOf(flags: SignFlags): SignPathPayload {
  if ((flags.file === undefined) === (flags.hash === undefined)) {
    throw new CliError(ExitCode.USAGE, 'give exactly one of --file FILE and --hash BASE64');
  }
  const spec = getJwsAlgorithm(flags.alg);
  if (spec.kty !== 'RSA' && spec.kty !== 'EC')
    throw new CliError(ExitCode.USAGE, `SignPath does not sign ${flags.alg}`);
  const hash =
    flags.file !== undefined
      ? bytesToBase64(digest(spec.params.hash, readInput(flags.file)))
      : (flags.hash as string);
  if (spec.kty === 'EC') {
    return {
      signatureAlgorithm: 'Ecdsa',
      ecdsaSignatureFormat: flags.format === 'der' ? 'Asn1' : 'Ieee',
      base64EncodedHash: hash,
    };
  }
  return {
    signatureAlgorithm: spec.params.scheme === 'rsa-pss' ? 'RsaPss' : 'RsaPkcs1',
    rsaHashAlgorithm: getHash(spec.params.hash).oid,
    base64EncodedHash: hash,
  };
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
    .addOption(
      new Option('--encoding <encoding>', 'signature encoding').choices(BINARY_ENCODINGS).default('raw'),
    )
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
        if (status.status !== 'Completed') {
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
      if (!flags.json || (flags.out !== undefined && flags.out !== '-')) {
        writeOutput(flags.out, encodeBinary(base64ToBytes(signature), flags.encoding));
      }
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
