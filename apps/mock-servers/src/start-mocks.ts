// Starts a set of mocks on 127.0.0.1, one port each, and describes what it started.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { MOCK_NAMES, type MockName } from './admin/mock-env.js';
import type { MockBanner, MockOptions, MockServer } from './mock-server.js';

/** Default ports, in the order of {@link MOCK_NAMES}: 9101 PingOne, 9102 SignPath, 9103 Fortanix, 9104 PingID. */
export const DEFAULT_BASE_PORT = 9101;

/** A factory of one vendor mock. */
export type MockFactory = (options: MockOptions) => MockServer;

/** What to start. */
export interface StartMocksOptions {
  readonly host: string;
  readonly seed: string;
  readonly only: readonly MockName[];
  /** Port per mock; 0 picks a free port. */
  readonly ports: Readonly<Record<MockName, number>>;
  /** The parsed `--fixtures` file: one section per mock name. */
  readonly fixtures: Readonly<Partial<Record<MockName, unknown>>>;
  readonly journalCapacity?: number;
  readonly factories: Readonly<Partial<Record<MockName, MockFactory>>>;
}

/** One started mock. */
export interface StartedMock extends MockBanner {
  readonly name: MockName;
  readonly title: string;
  readonly origin: string;
  readonly port: number;
  readonly mock: MockServer;
}

/** The started mocks and a way to stop them. */
export interface RunningMocks {
  readonly mocks: readonly StartedMock[];
  close(): Promise<void>;
}

function listen(mock: MockServer, host: string, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: mock.app.fetch, hostname: host, port }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', reject);
  });
}

/** Ports for each mock from `--base-port` (N..N+3 in {@link MOCK_NAMES} order) and per-mock overrides. */
export function resolvePorts(
  basePort: number,
  overrides: Partial<Record<MockName, number>>,
): Record<MockName, number> {
  const ports = {} as Record<MockName, number>;
  MOCK_NAMES.forEach((name, index) => {
    ports[name] = overrides[name] ?? (basePort === 0 ? 0 : basePort + index);
  });
  return ports;
}

/**
 * Builds and serves the mocks named in `only`, in port order. On a listen failure the ones already started are
 * closed and the error is rethrown.
 */
export async function startMocks(options: StartMocksOptions): Promise<RunningMocks> {
  const servers: ServerType[] = [];
  const started: StartedMock[] = [];
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      ),
    );
  };
  try {
    for (const name of MOCK_NAMES) {
      if (!options.only.includes(name)) continue;
      const factory = options.factories[name];
      if (factory === undefined) throw new Error(`the ${name} mock is not available`);
      const mock = factory({
        seed: options.seed,
        fixtures: options.fixtures[name],
        ...(options.journalCapacity === undefined ? {} : { journalCapacity: options.journalCapacity }),
      });
      const { server, port } = await listen(mock, options.host, options.ports[name]);
      servers.push(server);
      const origin = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      started.push({ name, title: mock.title, origin, port, mock, ...mock.banner(origin) });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { mocks: started, close };
}
