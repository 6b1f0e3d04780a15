// Starts the built mock servers (apps/mock-servers/dist) as a child process for tests, and talks to their admin API.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MOCKS_MAIN = fileURLToPath(new URL('../../mock-servers/dist/main.js', import.meta.url));

/** One started mock as the `--json` banner describes it. */
export interface StartedMockInfo {
  readonly name: string;
  readonly origin: string;
  readonly apiUrl: string;
  readonly credentials: Record<string, string>;
}

/** One request a mock received (its body as text) and the status it answered, if it answered. */
export interface JournalEntry {
  readonly request: { readonly body: string };
  readonly response: { status: number } | null;
}

/** Running mocks: their banners by name, an admin helper, and a way to stop them. */
export interface MockServers {
  readonly mocks: Readonly<Record<string, StartedMockInfo>>;
  /** `POST/GET/DELETE {origin}/__admin{path}` on one mock; the JSON answer, if any. */
  admin(name: string, method: string, path: string, body?: unknown): Promise<unknown>;
  /** The journal entries of one mock for `method path`, newest first. */
  requests(name: string, method: string, path: string): Promise<JournalEntry[]>;
  stop(): Promise<void>;
}

/** Starts `only` (e.g. `fortanix,signpath`) on free ports with a fixed seed. */
export async function startMockServers(only: string, seed = 'sigil-server-tests'): Promise<MockServers> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [MOCKS_MAIN, '--base-port', '0', '--seed', seed, '--json', '--only', only],
    { stdio: 'pipe' },
  );
  let output = '';
  const banner = await new Promise<{ mocks: StartedMockInfo[] }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((candidate) => candidate.trim().startsWith('{'));
      if (line !== undefined && output.includes('\n')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`mock servers exited with ${code}: ${output}`)));
  });
  const mocks = Object.fromEntries(banner.mocks.map((mock) => [mock.name, mock]));
  const admin: MockServers['admin'] = async (name, method, path, body) => {
    const response = await fetch(`${mocks[name]!.origin}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    mocks,
    admin,
    async requests(name, method, path) {
      const query = new URLSearchParams({ method, path });
      const answer = (await admin(name, 'GET', `/requests?${query}`)) as { requests: JournalEntry[] };
      return answer.requests;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
