// A disposable PostgreSQL cluster for the tests: initdb + pg_ctl on 127.0.0.1, a free port, a temporary directory.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster and how to stop it. */
export interface DisposableCluster {
  /** `postgres://sigil@127.0.0.1:<port>/postgres` (trust authentication, superuser `sigil`). */
  readonly url: string;
  /** Stops the server and removes its directory. */
  stop(): void;
}

/** The directory holding initdb and pg_ctl: `PG_BIN`, the newest Debian `/usr/lib/postgresql/<n>/bin`, or PATH. */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  candidates.push(...(process.env.PATH ?? '').split(':').filter(Boolean));
  return candidates.find(
    (directory) => existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl')),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a cluster from the binaries in `binaries`. PostgreSQL refuses to run as root: as root, the cluster runs as
 * the `postgres` user (which Debian's package creates) in a directory it owns.
 * @throws when initdb or pg_ctl fails
 */
export async function startDisposableCluster(binaries: string): Promise<DisposableCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'sigil-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(directory, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const file = join(binaries, command);
    execFileSync(asRoot ? 'runuser' : file, asRoot ? ['-u', 'postgres', '--', file, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: directory,
    });
  };
  const dataDirectory = join(directory, 'data');
  run('initdb', ['-D', dataDirectory, '-U', 'sigil', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  // A throw-away cluster: durability of the cluster itself does not matter, connections do (every test app pools).
  const settings = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${directory}'`,
    '-c max_connections=400',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  run('pg_ctl', ['-D', dataDirectory, '-l', join(directory, 'server.log'), '-o', settings, '-w', 'start']);
  return {
    url: `postgres://sigil@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', dataDirectory, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
