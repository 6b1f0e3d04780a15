// `sigil pingone register-key|respond`: register a credential signing public key; answer a signing request locally.
import { isPrivateKey, type Key } from '@sigil/crypto-core/key-types';
import { exportJwk, jwkThumbprint, publicKeyOf } from '@sigil/crypto-core/keys';
import {
  createPingOneClient,
  PINGONE_ALGORITHMS,
  pingOneSignerFromKey,
  pingOneSigningRequestSchema,
  signPingOneRequest,
} from '@sigil/protocols/pingone';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, readText, writeOutput } from '../io.js';
import { readKeyFile } from '../key-file.js';
import { addConnectionFlags, readCredential, type VendorConnection } from '../vendor-client.js';

const PINGONE: VendorConnection = {
  url: {
    flag: '--api-url <url>',
    help: 'API base (default https://api.pingone.com/v1), or a mock',
    required: false,
  },
  credential: {
    description: 'PingOne access token',
    environmentVariable: 'PINGONE_ACCESS_TOKEN',
    fileFlag: '--token-file',
    help: 'file holding a worker access token (env PINGONE_ACCESS_TOKEN)',
  },
};

interface RegisterFlags {
  env: string;
  key: string;
  alg?: string;
  kid?: string;
  name?: string;
  apiUrl?: string;
  tokenFile?: string;
  disabled?: boolean;
  json?: boolean;
}

interface RespondFlags {
  key: string;
  kid?: string;
  out?: string;
  json?: boolean;
}

/** The JOSE alg a key signs with by default: the curve's ES*, EdDSA, or RS256. */
function defaultAlgOf(key: Key): string {
  if (key.kty === 'EC')
    return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', secp256k1: 'ES256K' }[key.curve];
  if (key.kty === 'OKP') return 'EdDSA';
  if (key.kty === 'RSA') return 'RS256';
  throw new CliError(ExitCode.USAGE, 'PingOne credential signing needs an RSA, EC or Ed25519 key');
}

/** Adds `pingone` and its verbs. */
export function registerPingOne(program: Command): void {
  const pingone = program
    .command('pingone')
    .description('PingOne customer credential signing.')
    .addHelpText('after', '\nExample:\n  sigil pingone respond request.json --key key.pem > response.json\n');

  addConnectionFlags(
    pingone
      .command('register-key')
      .description(
        'Register the public half of a key as a credential signing key (token: --token-file or PINGONE_ACCESS_TOKEN).',
      )
      .requiredOption('--env <id>', 'PingOne environment ID')
      .requiredOption('--key <file>', 'key file (private or public): PEM, JWK or DER')
      .addOption(new Option('--alg <alg>', 'JWS alg (default from the key)').choices(PINGONE_ALGORITHMS))
      .option('--kid <kid>', 'key ID (default: the RFC 7638 thumbprint)')
      .option('--name <name>', 'display name'),
    PINGONE,
  )
    .option('--disabled', 'register for verifying only')
    .option('--json', 'print the created key')
    .addHelpText(
      'after',
      '\nExample:\n  sigil pingone register-key --env 5f2c... --key key.pem --kid issuer-2025\n',
    )
    .action(async (flags: RegisterFlags) => {
      const key = readKeyFile(flags.key);
      if (key.kty === 'oct') throw new CliError(ExitCode.USAGE, 'an HMAC key cannot be registered');
      const publicKey = publicKeyOf(key);
      const alg = flags.alg ?? defaultAlgOf(publicKey);
      const kid = flags.kid ?? jwkThumbprint(publicKey);
      const client = createPingOneClient({
        environmentId: flags.env,
        accessToken: readCredential(PINGONE, flags.tokenFile),
        baseUrl: flags.apiUrl,
      });
      const created = await client.createCredentialSigningKey({
        enabled: flags.disabled !== true,
        jwk: { ...exportJwk(publicKey, { kid, alg }), kid, alg },
        ...(flags.name !== undefined ? { name: flags.name } : {}),
      });
      if (flags.json) printJson(created);
      else process.stdout.write(`registered ${kid} as ${String((created as { id?: unknown }).id ?? '')}\n`);
    });

  pingone
    .command('respond')
    .description('Answer a credential signing request (JSON file) locally with a private key.')
    .argument('<request>', 'the credential signing request JSON, - for stdin')
    .requiredOption('--key <file>', 'private key file: PEM, JWK or DER')
    .option('--kid <kid>', 'only sign payloads for this kid (default: every payload)')
    .option('--out <file>', 'response file, - for stdout (default)')
    .option('--json', 'the response is JSON already; accepted for uniformity')
    .addHelpText(
      'after',
      '\nExample:\n  sigil pingone respond request.json --key key.pem --kid issuer-2025 --out response.json\n',
    )
    .action(async (requestFile: string, flags: RespondFlags) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readText(requestFile));
      } catch (cause) {
        if (cause instanceof CliError) throw cause;
        throw new CliError(ExitCode.USAGE, `${requestFile} is not JSON`, { cause });
      }
      const request = pingOneSigningRequestSchema.parse(parsed);
      const key = readKeyFile(flags.key);
      if (key.kty === 'oct' || !isPrivateKey(key))
        throw new CliError(ExitCode.USAGE, '--key must be a private key');
      const response = await signPingOneRequest(request, (item) => {
        if (flags.kid !== undefined && item.kid !== flags.kid) return undefined;
        return pingOneSignerFromKey(item.kid, key);
      });
      writeOutput(flags.out, `${JSON.stringify(response, null, 2)}\n`);
    });
}
