// A small client of the Sigil server's native API (`/v1/...`, bearer token) for the `sigil server` verbs.
import type { Command } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { readSecret } from './secrets.js';

/** The flags every `sigil server` verb takes. */
export interface ServerFlags {
  url?: string;
  tokenFile?: string;
  json?: boolean;
}

/** The default server address (DESIGN §4: SIGIL_HOST, SIGIL_PORT). */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** Adds `--url`, `--token-file` and `--json` to a `sigil server` verb. */
export function addServerFlags(command: Command): Command {
  return command
    .option('--url <url>', `server URL (env SIGIL_URL; default ${DEFAULT_SERVER_URL})`)
    .option('--token-file <file>', 'file holding the bearer token (env SIGIL_TOKEN)')
    .option('--json', 'print the server answer as JSON');
}

/**
 * Calls the server and returns its JSON answer (undefined for 204).
 * @throws {CliError} exit 3 when the server cannot be reached or answers an error status
 */
export async function callServer(
  flags: ServerFlags,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const token = readSecret({
    description: 'server token',
    file: flags.tokenFile,
    environmentVariable: 'SIGIL_TOKEN',
    fileFlag: '--token-file',
  });
  const base = (flags.url ?? process.env.SIGIL_URL ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
    const reason = inner?.code ?? inner?.message ?? (cause as Error).message;
    throw new CliError(ExitCode.REMOTE_OR_IO, `cannot reach ${base}: ${reason}`, { cause });
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = text === '' ? undefined : JSON.parse(text);
  } catch {
    answer = text;
  }
  if (!response.ok) {
    throw new CliError(ExitCode.REMOTE_OR_IO, `${method} ${path}: ${response.status} ${errorTextOf(answer)}`);
  }
  return answer;
}

function errorTextOf(answer: unknown): string {
  if (typeof answer === 'object' && answer !== null) {
    const error = (answer as { error?: unknown }).error ?? answer;
    const code = (error as { code?: unknown }).code;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return typeof code === 'string' ? `${message} (${code})` : message;
  }
  return typeof answer === 'string' ? answer.slice(0, 500) : JSON.stringify(answer ?? '').slice(0, 500);
}
