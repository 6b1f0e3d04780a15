#!/usr/bin/env node
// sigil-mocks: starts the PingOne, SignPath, Fortanix DSM and PingID SDK emulators, one port each on 127.0.0.1.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MOCK_NAMES, type MockName } from './admin/mock-env.js';
import { MOCK_FACTORIES } from './mock-factories.js';
import { FixtureError } from './mock-server.js';
import { randomSeed } from './seed/seeded-random.js';
import { DEFAULT_BASE_PORT, resolvePorts, type StartedMock, startMocks } from './start-mocks.js';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError('a port is 0-65535');
  return parsed;
}

function mockList(value: string): MockName[] {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(MOCK_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown mock ${name}; choose from ${MOCK_NAMES.join(', ')}`);
    }
  }
  if (names.length === 0) throw new InvalidArgumentError('name at least one mock');
  return names as MockName[];
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}

function readFixtures(path: string | undefined): Partial<Record<MockName, unknown>> {
  if (path === undefined) return {};
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FixtureError(
      `${path} must hold a JSON object with one section per mock (${MOCK_NAMES.join(', ')})`,
    );
  }
  for (const name of Object.keys(parsed)) {
    if (!(MOCK_NAMES as readonly string[]).includes(name) && name !== '$schema') {
      throw new FixtureError(`${path}: unknown section ${name}; sections are ${MOCK_NAMES.join(', ')}`);
    }
  }
  return parsed as Partial<Record<MockName, unknown>>;
}

function banner(mocks: readonly StartedMock[], seed: string): string {
  const lines = [`sigil-mocks (seed ${seed})`];
  for (const mock of mocks) {
    lines.push(
      '',
      `${mock.title.padEnd(12)} ${mock.apiUrl}`,
      `             admin: ${mock.origin}/__admin/ (openapi.json, fixtures, requests, faults, scenarios, reset)`,
    );
    for (const [name, value] of Object.entries(mock.credentials))
      lines.push(`             ${name}: ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('sigil-mocks')
    .description(
      'Emulators of PingOne, SignPath, Fortanix DSM and PingID SDK for QA, each with a /__admin/ API.',
    )
    .option('--only <mocks>', `comma-separated subset of ${MOCK_NAMES.join(',')}`, mockList)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--base-port <port>',
      'ports N..N+3 for pingone, signpath, fortanix, pingid (0: free ports)',
      port,
      DEFAULT_BASE_PORT,
    )
    .option('--pingone-port <port>', 'PingOne port (default 9101)', port)
    .option('--signpath-port <port>', 'SignPath port (default 9102)', port)
    .option('--fortanix-port <port>', 'Fortanix DSM port (default 9103)', port)
    .option('--pingid-port <port>', 'PingID port (default 9104)', port)
    .option('--seed <seed>', 'seed for keys and IDs (random when absent, and printed)')
    .option(
      '--fixtures <file>',
      'JSON file with pingone/signpath/fortanix/pingid sections that replace the default fixtures',
    )
    .option('--journal-size <n>', 'request journal capacity per mock', positiveInteger, 1000)
    .addOption(new Option('--json', 'print one JSON line describing the started mocks instead of the banner'))
    .showHelpAfterError();
  program.parse();
  const flags = program.opts<{
    only?: MockName[];
    host: string;
    basePort: number;
    pingonePort?: number;
    signpathPort?: number;
    fortanixPort?: number;
    pingidPort?: number;
    seed?: string;
    fixtures?: string;
    journalSize: number;
    json?: boolean;
  }>();
  const seed = flags.seed ?? randomSeed();
  const overrides: Partial<Record<MockName, number>> = {};
  if (flags.pingonePort !== undefined) overrides.pingone = flags.pingonePort;
  if (flags.signpathPort !== undefined) overrides.signpath = flags.signpathPort;
  if (flags.fortanixPort !== undefined) overrides.fortanix = flags.fortanixPort;
  if (flags.pingidPort !== undefined) overrides.pingid = flags.pingidPort;
  const running = await startMocks({
    host: flags.host,
    seed,
    only: flags.only ?? [...MOCK_NAMES],
    ports: resolvePorts(flags.basePort, overrides),
    fixtures: readFixtures(flags.fixtures),
    journalCapacity: flags.journalSize,
    factories: MOCK_FACTORIES,
  });
  if (flags.json) {
    const described = running.mocks.map(({ mock: _mock, ...rest }) => rest);
    process.stdout.write(`${JSON.stringify({ seed, mocks: described })}\n`);
  } else {
    process.stdout.write(banner(running.mocks, seed));
  }
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sigil-mocks: ${message}\n`);
  process.exit(error instanceof FixtureError ? 2 : 1);
});
