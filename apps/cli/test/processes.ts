// Test helpers: the built sigil-mocks and Sigil server as child processes on free ports, stopped on request or exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const appsDirectory = join(import.meta.dirname, '..', '..');
const mocksMain = join(appsDirectory, 'mock-servers', 'dist', 'main.js');
const serverMain = join(appsDirectory, 'server', 'dist', 'main.js');

/** How long a process may take to say it is listening. */
const START_TIMEOUT_MS = 30_000;
/** How long a process may take to exit on SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 5_000;

const running = new Set<ChildProcess>();
// A crashed or interrupted test run still takes its children down.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A started process: its output so far, and a stop that always ends it. */
export interface StartedProcess {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return resolve();
    }
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      running.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Spawns `node main args...` and waits until stdout matches `ready`; kills it when it exits or times out first. */
async function spawnUntil(
  main: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ started: StartedProcess; match: RegExpExecArray }> {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (pnpm build)`);
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const started: StartedProcess = {
    child,
    output: () => `${stdout}${stderr}`,
    stop: () => stopProcess(child),
  };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      void stopProcess(child);
      reject(new Error(`${main} ${reason}: ${stdout}${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => fail(`exited with ${code}`));
  });
  return { started, match };
}

/** One mock as `sigil-mocks --json` describes it. */
export interface ServedMock {
  readonly name: string;
  readonly origin: string;
  readonly apiUrl: string;
  readonly credentials: Record<string, string>;
}

/** The running sigil-mocks process. */
export interface MocksProcess extends StartedProcess {
  readonly seed: string;
  mock(name: 'pingone' | 'signpath' | 'fortanix' | 'pingid'): ServedMock;
}

/** Starts `sigil-mocks --base-port 0 --json ...args` and parses its one JSON line. */
export async function startMocksProcess(args: readonly string[] = []): Promise<MocksProcess> {
  const { started, match } = await spawnUntil(
    mocksMain,
    ['--base-port', '0', '--json', ...args],
    {},
    /^(.*)\n/,
  );
  const described = JSON.parse(match[1] ?? '') as { seed: string; mocks: ServedMock[] };
  return {
    ...started,
    seed: described.seed,
    mock(name) {
      const found = described.mocks.find((mock) => mock.name === name);
      if (found === undefined) throw new Error(`sigil-mocks does not serve ${name}`);
      return found;
    },
  };
}

/** The running Sigil server. */
export interface ServerProcess extends StartedProcess {
  readonly url: string;
  readonly dataDir: string;
}

/** Starts `sigil-server --port 0 --data-dir <fresh tmp>` with `env` (SIGIL_ADMIN_TOKEN, ...). */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-cli-server-'));
  const { started, match } = await spawnUntil(
    serverMain,
    ['--port', '0', '--data-dir', dataDir],
    { SIGIL_LOG_LEVEL: 'warn', ...env },
    /Sigil server listening on (http:\/\/\S+)/,
  );
  return { ...started, url: match[1] ?? '', dataDir };
}

/** Posts a fault to a mock's admin API (`{path, times?, ...one action}`). */
export async function injectFault(origin: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${origin}/__admin/faults`, { method: 'POST', body: JSON.stringify(fault) });
  if (response.status !== 201) throw new Error(`fault refused: ${await response.text()}`);
}

/** Clears a mock's faults. */
export async function clearFaults(origin: string): Promise<void> {
  await fetch(`${origin}/__admin/faults`, { method: 'DELETE' });
}
