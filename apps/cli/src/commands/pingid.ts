// `sigil pingid request`: a signed PingID SDK API call whose response signature is verified (exit 1 when it is not).
import { createPingIdClient, type PingIdCredentials } from '@sigil/protocols/pingid';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, readText } from '../io.js';
import { rememberSecret } from '../secrets.js';

interface RequestFlags {
  settings: string;
  data?: string;
  json?: boolean;
}

/**
 * Reads the account settings file PingID's admin portal hands out: Java properties or JSON with the account ID,
 * the token and the base64 API key (`account_id`/`accountId`, `token`, `api_key`/`apiKey`/`use_base64_key`).
 */
function readSettings(path: string): PingIdCredentials {
  const text = readText(path);
  const members = new Map<string, string>();
  if (text.trim().startsWith('{')) {
    for (const [name, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
      if (typeof value === 'string') members.set(name, value);
    }
  } else {
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) members.set(match[1], match[2]);
    }
  }
  const pick = (...names: string[]) => names.map((name) => members.get(name)).find((value) => value);
  const accountId = pick('account_id', 'accountId');
  const token = pick('token');
  const apiKey = pick('api_key', 'apiKey', 'use_base64_key');
  if (accountId === undefined || token === undefined || apiKey === undefined) {
    throw new CliError(ExitCode.USAGE, `${path} needs account_id, token and api_key`);
  }
  rememberSecret(token);
  rememberSecret(apiKey);
  return { accountId, token, apiKey };
}

/** Adds `pingid request`. */
export function registerPingId(program: Command): void {
  const pingid = program
    .command('pingid')
    .description('PingID SDK API calls with PINGID-HMAC request signing and response verification.')
    .addHelpText(
      'after',
      '\nExample:\n  sigil pingid request GET https://sdk.pingid.com/pingid/v1/accounts/ACCOUNT/users/alice --settings pingid.properties\n',
    );
  pingid
    .command('request')
    .description(
      'Send a signed request, print the response; exit 1 when the response signature does not verify.',
    )
    .argument('<method>', 'HTTP method')
    .argument('<url>', 'full URL')
    .requiredOption(
      '--settings <file>',
      'the account settings file (properties or JSON): account_id, token, api_key',
    )
    .option('--data <json>', 'JSON request body')
    .option('--json', 'print {"status", "body"}')
    .addHelpText(
      'after',
      '\nExample:\n  sigil pingid request POST https://sdk.pingid.com/pingid/v1/accounts/ACCOUNT/users --settings pingid.properties --data \'{"username":"alice"}\'\n',
    )
    .action(async (method: string, url: string, flags: RequestFlags) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch (cause) {
        throw new CliError(ExitCode.USAGE, `not a URL: ${url}`, { cause });
      }
      let body: unknown;
      if (flags.data !== undefined) {
        try {
          body = JSON.parse(flags.data);
        } catch (cause) {
          throw new CliError(ExitCode.USAGE, '--data is not JSON', { cause });
        }
      }
      const client = createPingIdClient({
        baseUrl: target.origin,
        credentials: readSettings(flags.settings),
      });
      const response = await client.request(method.toUpperCase(), `${target.pathname}${target.search}`, body);
      if (flags.json) printJson({ status: response.status, body: response.body });
      else printJson(response.body);
    });
}
