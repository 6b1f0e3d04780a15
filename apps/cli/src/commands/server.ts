// `sigil server keys|tokens|policies|audit`: administration of a running Sigil server over its native API.
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, readText } from '../io.js';
import { addServerFlags, callServer, type ServerFlags } from '../server-api.js';

interface KeyCreateFlags extends ServerFlags {
  type?: string;
  size?: string;
  curve?: string;
  name?: string;
  kid?: string;
  import?: string;
}

interface TokenCreateFlags extends ServerFlags {
  name: string;
  scope: string[];
  key?: string[];
}

interface PolicyCreateFlags extends ServerFlags {
  org: string;
  project: string;
  policy: string;
  key: string;
  submitter?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Prints the answer as JSON with --json, or as `line(answer)` otherwise. */
function show(flags: ServerFlags, answer: unknown, line: (answer: Record<string, unknown>) => string): void {
  if (flags.json) printJson(answer ?? {});
  else process.stdout.write(`${line((answer ?? {}) as Record<string, unknown>)}\n`);
}

const idOf = (answer: Record<string, unknown>) => String(answer.id ?? answer.keyId ?? '');

/** Adds `server` and its verbs. */
export function registerServer(program: Command): void {
  const server = program
    .command('server')
    .description(
      'Administer a running Sigil server (--url or SIGIL_URL; token from --token-file or SIGIL_TOKEN).',
    )
    .addHelpText(
      'after',
      '\nExample:\n  SIGIL_TOKEN=$(cat admin.token) sigil server keys list --url http://127.0.0.1:8080\n',
    );

  const keys = server.command('keys').description('Create, list, rotate and disable keys.');
  addServerFlags(
    keys
      .command('create')
      .description('Generate a key on the server (--type) or import one (--import FILE with --name).')
      .option('--type <type>', 'RSA, EC, OKP or HMAC')
      .option('--size <bits>', 'RSA: 2048, 3072, 4096; HMAC: 256, 384, 512')
      .option('--curve <name>', 'EC: P-256, P-384, P-521, secp256k1; OKP: Ed25519')
      .option('--name <name>', 'key name')
      .option('--kid <kid>', 'key ID')
      .option('--import <file>', 'a private key PEM or JWK file to import'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  sigil server keys create --type EC --curve P-256 --name release-signing\n',
    )
    .action(async (flags: KeyCreateFlags) => {
      const body: Record<string, unknown> = {};
      if (flags.name !== undefined) body.name = flags.name;
      if (flags.kid !== undefined) body.kid = flags.kid;
      if (flags.import !== undefined) {
        if (flags.type !== undefined) throw new CliError(ExitCode.USAGE, 'give --type or --import, not both');
        const text = readText(flags.import).trim();
        if (text.startsWith('{')) body.jwk = JSON.parse(text);
        else body.privateKeyPem = text;
      } else {
        if (flags.type === undefined) throw new CliError(ExitCode.USAGE, 'give --type TYPE or --import FILE');
        body.type = flags.type.toUpperCase();
        if (flags.size !== undefined) body.size = Number(flags.size);
        if (flags.curve !== undefined) body.curve = flags.curve;
      }
      show(flags, await callServer(flags, 'POST', '/v1/keys', body), (key) => `created key ${idOf(key)}`);
    });
  addServerFlags(keys.command('list').description('List the keys.'))
    .addHelpText('after', '\nExample:\n  sigil server keys list --json\n')
    .action(async (flags: ServerFlags) => {
      const answer = (await callServer(flags, 'GET', '/v1/keys')) as { keys?: Record<string, unknown>[] };
      show(flags, answer, () =>
        (answer.keys ?? [])
          .map((key) => [idOf(key), key.name ?? '', key.type ?? key.kty ?? '', key.status ?? ''].join('\t'))
          .join('\n'),
      );
    });
  for (const [verb, description] of [
    ['rotate', 'Add a new version of a key; new signatures use it.'],
    ['disable', 'Disable a key: it no longer signs.'],
  ] as const) {
    addServerFlags(keys.command(verb).description(description).argument('<id>', 'key ID'))
      .addHelpText('after', `\nExample:\n  sigil server keys ${verb} key_01HX...\n`)
      .action(async (id: string, flags: ServerFlags) => {
        const answer = await callServer(flags, 'POST', `/v1/keys/${encodeURIComponent(id)}/${verb}`);
        show(flags, answer, () => `${verb === 'rotate' ? 'rotated' : 'disabled'} key ${id}`);
      });
  }

  const tokens = server.command('tokens').description('Create and revoke API tokens.');
  addServerFlags(
    tokens
      .command('create')
      .description('Create an API token; the token is printed once.')
      .requiredOption('--name <name>', 'token name')
      .requiredOption(
        '--scope <scope>',
        'admin, sign, verify, audit, pingone or metrics (repeatable)',
        collect,
      )
      .option('--key <id>', 'limit the token to this key (repeatable)', collect),
  )
    .addHelpText(
      'after',
      '\nExample:\n  sigil server tokens create --name ci --scope sign --key key_01HX... --json\n',
    )
    .action(async (flags: TokenCreateFlags) => {
      const body = { name: flags.name, scopes: flags.scope, ...(flags.key ? { keys: flags.key } : {}) };
      show(flags, await callServer(flags, 'POST', '/v1/tokens', body), (token) =>
        [`created token ${idOf(token)}`, String(token.token ?? '')].join('\n'),
      );
    });
  addServerFlags(tokens.command('revoke').description('Revoke an API token.').argument('<id>', 'token ID'))
    .addHelpText('after', '\nExample:\n  sigil server tokens revoke tok_01HX...\n')
    .action(async (id: string, flags: ServerFlags) => {
      await callServer(flags, 'DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
      show(flags, { id, revoked: true }, () => `revoked token ${id}`);
    });

  const policies = server.command('policies').description('SignPath signing policies served by this server.');
  addServerFlags(
    policies
      .command('create')
      .description('Map a SignPath organization/project/policy to a key.')
      .requiredOption('--org <id>', 'SignPath organization ID')
      .requiredOption('--project <slug>', 'project slug')
      .requiredOption('--policy <slug>', 'signing policy slug')
      .requiredOption('--key <id>', 'the key that signs for the policy')
      .option('--submitter <tokenId>', 'a token allowed to submit (repeatable)', collect),
  )
    .addHelpText(
      'after',
      '\nExample:\n  sigil server policies create --org 7c6f... --project app --policy release --key key_01HX...\n',
    )
    .action(async (flags: PolicyCreateFlags) => {
      const body = {
        organizationId: flags.org,
        projectSlug: flags.project,
        signingPolicySlug: flags.policy,
        keyId: flags.key,
        submitters: flags.submitter ?? [],
      };
      show(
        flags,
        await callServer(flags, 'POST', '/v1/signpath/policies', body),
        () => `created policy ${flags.project}/${flags.policy}`,
      );
    });

  const audit = server.command('audit').description('The hash-chained audit log.');
  addServerFlags(audit.command('verify').description('Check the audit chain; exit 1 when it is broken.'))
    .addHelpText('after', '\nExample:\n  sigil server audit verify --json\n')
    .action(async (flags: ServerFlags) => {
      const answer = (await callServer(flags, 'GET', '/v1/audit/verify')) as Record<string, unknown>;
      const intact = answer.valid ?? answer.ok ?? answer.intact;
      show(flags, answer, () =>
        intact === true ? 'audit chain intact' : `audit chain BROKEN: ${JSON.stringify(answer)}`,
      );
      if (intact !== true) process.exitCode = ExitCode.VERIFY_FAILED;
    });
}
