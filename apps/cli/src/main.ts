#!/usr/bin/env node
// sigil: the command line. Each verb lives in src/commands/<verb>.ts; this file wires them and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { CliError, ExitCode } from './exit-codes.js';
import { redactSecrets } from './secrets.js';

const program = new Command('sigil')
  .description('Keys, signing, format conversion, vendor clients and Sigil server administration.')
  .exitOverride()
  .showHelpAfterError('(add --help for the usage and an example)')
  .configureOutput({
    writeErr: (text) => process.stderr.write(redactSecrets(text)),
    outputError: (text, write) => write(`sigil: ${text.replace(/^error: /, '')}`),
  })
  .addHelpText(
    'after',
    '\nExample:\n  sigil keygen --type ec --out key.pem && sigil sign --key key.pem --alg ES256 --in file --out file.sig\n' +
      '\nExit codes: 0 ok, 1 verification failed, 2 usage error, 3 remote or I/O error.\n',
  );
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (error instanceof CliError) {
    report(error.message);
    return error.exitCode;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_')) {
    report(`${(error as Error).message} (${code})`);
    return exitCodeOfErrorCode(code);
  }
  if ((error as Error).name === 'ZodError') {
    // A protocols schema refused a request body or a request file the user gave.
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    report(
      `invalid input: ${issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ')}`,
    );
    return ExitCode.USAGE;
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    // crypto-core's argument checks: bad input the user gave.
    report(error.message);
    return ExitCode.USAGE;
  }
  report(`unexpected error: ${(error as Error).message ?? String(error)}`);
  return ExitCode.REMOTE_OR_IO;
}

/**
 * Typed errors of the packages (cross-package checks use the code): a vendor's reply that fails or cannot be
 * read is remote (3), a response signature that does not verify is a failed verification (1), the rest
 * (crypto-core's decoding and key errors, protocol input checks) come from what the user gave (2).
 */
function exitCodeOfErrorCode(code: string): ExitCode {
  if (code.endsWith('_RESPONSE_SIGNATURE')) return ExitCode.VERIFY_FAILED;
  if (code.endsWith('_HTTP') || code.endsWith('_RESPONSE') || code.endsWith('_TIMEOUT'))
    return ExitCode.REMOTE_OR_IO;
  return ExitCode.USAGE;
}

function report(message: string): void {
  process.stderr.write(redactSecrets(`sigil: ${message}\n`));
}
