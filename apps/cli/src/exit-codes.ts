// The exit codes every sigil verb uses (DESIGN §6).

/** 0 ok, 1 verification failed, 2 usage error, 3 remote or I/O error. */
export const ExitCode = { OK: 0, VERIFY_FAILED: 1, USAGE: 2, REMOTE_OR_IO: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a specific exit code and a one-line message. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
