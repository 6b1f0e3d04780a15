// Test helpers: run the built binary as a user would, in a fresh temporary directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built entry point (`pnpm --filter @sigil/cli build` first). */
export const sigilBin = join(import.meta.dirname, '..', 'dist', 'main.js');

/** What one run of the binary left behind. */
export interface SigilRun {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `sigil args...` in `cwd` with `input` on stdin and extra environment variables. */
export function runSigil(
  args: readonly string[],
  context: { cwd?: string; input?: Buffer | string; env?: Record<string, string> } = {},
): SigilRun {
  const result = spawnSync(process.execPath, [sigilBin, ...args], {
    cwd: context.cwd,
    input: typeof context.input === 'string' ? Buffer.from(context.input) : context.input,
    env: { ...process.env, ...context.env },
    encoding: 'buffer',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

/** Runs a program (openssl) and returns its status and output. */
export function runTool(command: string, args: readonly string[], cwd: string, input?: Buffer): SigilRun {
  const result = spawnSync(command, args, { cwd, input, encoding: 'buffer' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

/** A fresh temporary directory. */
export function scratchDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'sigil-cli-'));
}

/**
 * Runs `sigil args...` without blocking the event loop, so a stub server in the test process can answer. With
 * `timeoutMs`, a run that takes longer is killed and ends with status null (a hang fails the test, not the suite).
 */
export function runSigilAsync(
  args: readonly string[],
  context: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SigilRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [sigilBin, ...args], {
      cwd: context.cwd,
      env: { ...process.env, ...context.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(context.timeoutMs === undefined
        ? {}
        : { timeout: context.timeoutMs, killSignal: 'SIGKILL' as const }),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }),
    );
  });
}
