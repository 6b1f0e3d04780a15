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
 * The members of a Java properties file (java.util.Properties.load): `#`/`!` comments, `=`, `:` or blank as the
 * separator, backslash escapes (`\=`, `\:`, `\uXXXX`, ...) and continuation lines. PingOne writes the settings
 * file with Properties.store, which escapes `=` and `:` in values (`api_key=...\=`, `https\://`).
 */
function parseProperties(text: string): Map<string, string> {
  const members = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  const controls: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
  const unescapeProperty = (raw: string) =>
    raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
      if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
      return controls[escaped] ?? escaped;
    });
  for (let index = 0; index < lines.length; index++) {
    let line = (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line on the next one (leading blanks dropped).
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && index + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++index] ?? '').replace(/^[ \t\f]+/, '');
    }
    const match = /^((?:\\.|[^\\=:\s])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined)
      members.set(unescapeProperty(match[1]), unescapeProperty(match[2]));
  }
  return members;
}

/**
 * Reads the PingID SDK settings file the admin portal hands out (`pingidsdk.properties`: `account_id`, `token`,
 * `api_key`, `pingidsdk_url`), or the same members as JSON (`accountId`, `apiKey` also accepted).
 */
function readSettings(path: string): PingIdCredentials {
  const text = readText(path);
  let members = new Map<string, string>();
  if (text.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new CliError(ExitCode.USAGE, `${path} is not JSON`, { cause });
    }
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof value === 'string') members.set(name, value);
    }
  } else {
    members = parseProperties(text);
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
