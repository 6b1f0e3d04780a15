// Secrets (tokens, app secrets, API keys): read from a file or an environment variable, never from argv, and
// redacted from everything sigil prints.
import { CliError, ExitCode } from './exit-codes.js';
import { readText } from './io.js';

const knownSecrets = new Set<string>();

/** Where one secret comes from: a file flag's value and the environment variable that stands in for it. */
export interface SecretSource {
  /** What the secret is, for messages ("API token"). */
  readonly description: string;
  /** The value of the `--...-file` flag, when given (`-` reads stdin). */
  readonly file?: string | undefined;
  /** The environment variable read when no file is given. */
  readonly environmentVariable: string;
  /** The flag that names the file, for messages (`--token-file`). */
  readonly fileFlag: string;
}

/**
 * Reads a secret from its file or environment variable, trimmed, and remembers it so that no message shows it.
 * @throws {CliError} exit 2 when neither is set, exit 3 when the file cannot be read
 */
export function readSecret(source: SecretSource): string {
  const value =
    source.file !== undefined
      ? readText(source.file).trim()
      : process.env[source.environmentVariable]?.trim();
  if (value === undefined || value === '') {
    throw new CliError(
      ExitCode.USAGE,
      `no ${source.description}: set ${source.environmentVariable} or pass ${source.fileFlag} FILE`,
    );
  }
  knownSecrets.add(value);
  return value;
}

/** Remembers a secret read some other way (a settings file member) so that no message shows it. */
export function rememberSecret(value: string): void {
  if (value !== '') knownSecrets.add(value);
}

/** `text` with every secret read so far replaced by `***`. */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const secret of knownSecrets) redacted = redacted.split(secret).join('***');
  return redacted;
}
