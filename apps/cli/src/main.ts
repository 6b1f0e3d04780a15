#!/usr/bin/env node
// sigil: the command line. Each verb lives in src/commands/<verb>.ts; this file wires them and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { CliError, ExitCode } from './exit-codes.js';

const program = new Command('sigil')
  .description('Keys, signing, format conversion, vendor clients and Sigil server administration.')
  .exitOverride()
  .showHelpAfterError(false)
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });
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
    process.stderr.write(`sigil: ${error.message}\n`);
    return error.exitCode;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_')) {
    // crypto-core's typed errors come from bad input the user gave.
    process.stderr.write(`sigil: ${(error as Error).message} (${code})\n`);
    return ExitCode.USAGE;
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    process.stderr.write(`sigil: ${error.message}\n`);
    return ExitCode.USAGE;
  }
  process.stderr.write(`sigil: unexpected error: ${(error as Error).message ?? String(error)}\n`);
  return ExitCode.REMOTE_OR_IO;
}
