// The flags that say how a vendor verb reaches its vendor: the API endpoint, and the file (or environment
// variable) holding the credential.
import { type Command, Option } from 'commander';
import { readSecret, type SecretSource } from './secrets.js';

/** How one vendor's verbs name their endpoint and their credential. */
export interface VendorConnection {
  /** The endpoint flag (`--api-url <url>`), its help, and whether it is required (no default endpoint). */
  readonly url: { readonly flag: string; readonly help: string; readonly required: boolean };
  /** Where the credential comes from (`fileFlag` is the bare flag, `--token-file`), and the file flag's help. */
  readonly credential: Omit<SecretSource, 'file'> & { readonly help: string };
}

/** Adds the endpoint and credential file flags of `connection` to `command`. */
export function addConnectionFlags(command: Command, connection: VendorConnection): Command {
  const url = new Option(connection.url.flag, connection.url.help);
  if (connection.url.required) url.makeOptionMandatory();
  return command
    .addOption(url)
    .addOption(new Option(`${connection.credential.fileFlag} <file>`, connection.credential.help));
}

/**
 * The credential of `connection`: the content of `file` (the credential file flag's value), or else of the
 * environment variable.
 * @throws {CliError} exit 2 when neither is set, exit 3 when the file cannot be read
 */
export function readCredential(connection: VendorConnection, file: string | undefined): string {
  return readSecret({ ...connection.credential, file });
}
