// Test helper: starts the built `sigil-mocks` (dist/main.js) as a process on free ports and reads what it serves.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One mock as `--json` describes it. */
export interface ServedMock {
  readonly name: string;
  readonly origin: string;
  readonly apiUrl: string;
  readonly credentials: Record<string, string>;
}

/** The running process and its mocks by name. */
export interface MocksProcess {
  readonly seed: string;
  readonly mocks: Record<string, ServedMock>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Spawns `node dist/main.js --base-port 0 --json ...args` and waits for its description line. */
export async function startMocksProcess(args: readonly string[]): Promise<MocksProcess> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`pnpm --filter @sigil/mock-servers build\` first`);
  const child: ChildProcess = spawn(process.execPath, [MAIN, '--base-port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sigil-mocks did not start: ${errors}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const newline = output.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(output.slice(0, newline));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sigil-mocks exited with ${code}: ${errors}`));
    });
  });
  const described = JSON.parse(line) as { seed: string; mocks: ServedMock[] };
  return {
    seed: described.seed,
    mocks: Object.fromEntries(described.mocks.map((mock) => [mock.name, mock])),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A fetch that gives up after `milliseconds` (the protocols clients take a fetch, not a timeout). */
export function fetchWithTimeout(milliseconds: number): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(milliseconds) })) as typeof fetch;
}

/** Posts a fault to a mock's admin API. */
export async function injectFault(origin: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${origin}/__admin/faults`, { method: 'POST', body: JSON.stringify(fault) });
  if (response.status !== 201) throw new Error(`fault refused: ${await response.text()}`);
}

/** Clears a mock's faults. */
export async function clearFaults(origin: string): Promise<void> {
  await fetch(`${origin}/__admin/faults`, { method: 'DELETE' });
}
