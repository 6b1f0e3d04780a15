// Server configuration from the environment (DESIGN §4 "Configuration"); flags on sigil-server mirror it.
import { availableParallelism } from 'node:os';

/** The settings the server runs with. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** SIGIL_MASTER_KEY: base64 of 32 bytes, or undefined to use the one in the data directory. */
  readonly masterKey: string | undefined;
  /** SIGIL_ADMIN_TOKEN: a bootstrap admin bearer token, or undefined to generate one on first start. */
  readonly adminToken: string | undefined;
  /** SIGIL_PINGONE_HEADERS: header/value pairs PingOne is configured to send. */
  readonly pingoneHeaders: Readonly<Record<string, string>> | undefined;
  /** SIGIL_CRYPTO_ENGINE: `native` (node:crypto for the RSA private operation) or `pure` (crypto-core alone). */
  readonly cryptoEngine: 'native' | 'pure';
  /** SIGIL_WORKERS: signing worker threads (0: sign on the main thread); the available cores by default. */
  readonly signingWorkers: number;
  /** SIGIL_RATE_LIMIT: requests per second per token (0: no limit), 1000 by default. */
  readonly rateLimitPerSecond: number;
  /** SIGIL_RATE_LIMIT_BURST: requests a token may make at once; the per-second rate by default. */
  readonly rateLimitBurst: number;
  /** SIGIL_METRICS_AUTH: `none` (/metrics open, the default) or `token` (a token with the `metrics` scope). */
  readonly metricsAuth: 'none' | 'token';
  /** SIGIL_LOG_LEVEL: pino level. */
  readonly logLevel: string;
  /** SIGIL_JOB_LEASE_MS: how long an accepted SignPath request stays with a process that stopped renewing it. */
  readonly jobLeaseMs: number;
}

/** A configuration value that cannot be used; main.ts prints it and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** One setting: its flag, its variable, what it means and its default — the source of `--help` and of parsing. */
interface ConfigOption {
  readonly flag: string;
  readonly variable: string;
  readonly meaning: string;
  readonly fallback: string;
}

/** Every setting of `sigil-server`, in the order `--help` lists them. */
export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  { flag: '--host', variable: 'SIGIL_HOST', meaning: 'listen address', fallback: '127.0.0.1' },
  { flag: '--port', variable: 'SIGIL_PORT', meaning: 'listen port (0: any free port)', fallback: '8080' },
  {
    flag: '--data-dir',
    variable: 'SIGIL_DATA_DIR',
    meaning: 'embedded store directory',
    fallback: './.sigil',
  },
  {
    flag: '--database-url',
    variable: 'SIGIL_DATABASE_URL',
    meaning: 'postgres://…: use PostgreSQL instead of the embedded store',
    fallback: 'unset',
  },
  {
    flag: '--master-key',
    variable: 'SIGIL_MASTER_KEY',
    meaning: 'base64 of 32 bytes: the key-encryption key',
    fallback: 'master.key in the data dir',
  },
  {
    flag: '--admin-token',
    variable: 'SIGIL_ADMIN_TOKEN',
    meaning: 'bootstrap admin bearer token (16+ characters)',
    fallback: 'generated, printed once',
  },
  {
    flag: '--pingone-headers',
    variable: 'SIGIL_PINGONE_HEADERS',
    meaning: 'JSON object of the headers PingOne sends to the callback',
    fallback: 'unset',
  },
  { flag: '--log-level', variable: 'SIGIL_LOG_LEVEL', meaning: 'pino log level', fallback: 'info' },
  {
    flag: '--crypto-engine',
    variable: 'SIGIL_CRYPTO_ENGINE',
    meaning: 'native (OpenSSL) or pure',
    fallback: 'native',
  },
  {
    flag: '--workers',
    variable: 'SIGIL_WORKERS',
    meaning: 'signing worker threads (0: main thread)',
    fallback: 'cores',
  },
  {
    flag: '--rate-limit',
    variable: 'SIGIL_RATE_LIMIT',
    meaning: 'requests per second per credential (0: none)',
    fallback: '1000',
  },
  {
    flag: '--rate-limit-burst',
    variable: 'SIGIL_RATE_LIMIT_BURST',
    meaning: 'requests a credential may make at once',
    fallback: 'the rate',
  },
  {
    flag: '--job-lease-ms',
    variable: 'SIGIL_JOB_LEASE_MS',
    meaning: 'lease of an accepted async SignPath request',
    fallback: '30000',
  },
  {
    flag: '--metrics-auth',
    variable: 'SIGIL_METRICS_AUTH',
    meaning: 'none, or token (/metrics needs a metrics-scoped token)',
    fallback: 'none',
  },
  {
    flag: '--new-master-key',
    variable: 'SIGIL_NEW_MASTER_KEY',
    meaning: 'rotate-master-key only: the key to rewrap secrets under',
    fallback: 'generated',
  },
];

const FLAG_TO_VARIABLE: Readonly<Record<string, string>> = Object.fromEntries(
  CONFIG_OPTIONS.map((option) => [option.flag, option.variable]),
);

/** What `sigil-server --help` prints: usage, the commands, and every setting with its variable and default. */
export function helpText(): string {
  const width = Math.max(...CONFIG_OPTIONS.map((option) => `${option.flag}, ${option.variable}`.length));
  const lines = CONFIG_OPTIONS.map(
    (option) =>
      `  ${`${option.flag}, ${option.variable}`.padEnd(width)}  ${option.meaning} [${option.fallback}]`,
  );
  return [
    'Usage: sigil-server [options]             start the signing server',
    '       sigil-server rotate-master-key     rewrap every sealed secret under a new master key (server stopped)',
    '       sigil-server --help                this text',
    '',
    'Each option is a flag or an environment variable (the flag wins) [default]:',
    ...lines,
    '',
    'Docs: apps/server/README.md, and /docs on a running server.',
    '',
  ].join('\n');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parsePingOneHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('SIGIL_PINGONE_HEADERS must be a JSON object of header/value strings');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('SIGIL_PINGONE_HEADERS must be a JSON object of header/value strings');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || value.length === 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new ConfigError(
        `SIGIL_PINGONE_HEADERS: ${name} must be a header name with a non-empty string value`,
      );
    }
    headers[name.toLowerCase()] = value;
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/**
 * Reads the configuration: `--flag value` arguments override the matching SIGIL_* variables.
 * @throws {ConfigError} on an unknown flag or an invalid value
 */
export function readConfig(environment: NodeJS.ProcessEnv, argv: readonly string[] = []): ServerConfig {
  const values: Record<string, string | undefined> = { ...environment };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.split('=', 2) as [string, string | undefined];
    const variable = FLAG_TO_VARIABLE[name];
    if (!variable) throw new ConfigError(`unknown option ${name} (sigil-server --help lists them)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    values[variable] = value;
  }
  const port = Number(values.SIGIL_PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`SIGIL_PORT must be an integer in [0, 65535], got ${values.SIGIL_PORT}`);
  }
  const logLevel = values.SIGIL_LOG_LEVEL ?? 'info';
  const jobLeaseMs = Number(values.SIGIL_JOB_LEASE_MS || '30000');
  if (!Number.isInteger(jobLeaseMs) || jobLeaseMs < 100) {
    throw new ConfigError(
      `SIGIL_JOB_LEASE_MS must be an integer of at least 100, got ${values.SIGIL_JOB_LEASE_MS}`,
    );
  }
  const cryptoEngine = values.SIGIL_CRYPTO_ENGINE || 'native';
  if (cryptoEngine !== 'native' && cryptoEngine !== 'pure') {
    throw new ConfigError(`SIGIL_CRYPTO_ENGINE must be native or pure, got ${cryptoEngine}`);
  }
  const metricsAuth = values.SIGIL_METRICS_AUTH || 'none';
  if (metricsAuth !== 'none' && metricsAuth !== 'token') {
    throw new ConfigError(`SIGIL_METRICS_AUTH must be none or token, got ${metricsAuth}`);
  }
  const counted = (variable: string, fallback: number, minimum: number): number => {
    const text = values[variable];
    const value = text === undefined || text === '' ? fallback : Number(text);
    if (!Number.isInteger(value) || value < minimum || value > 1_000_000) {
      throw new ConfigError(`${variable} must be an integer of at least ${minimum}, got ${text}`);
    }
    return value;
  };
  const signingWorkers = counted('SIGIL_WORKERS', availableParallelism(), 0);
  const rateLimitPerSecond = counted('SIGIL_RATE_LIMIT', 1000, 0);
  const rateLimitBurst = counted('SIGIL_RATE_LIMIT_BURST', Math.max(1, rateLimitPerSecond), 1);
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`SIGIL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  if (
    values.SIGIL_ADMIN_TOKEN !== undefined &&
    values.SIGIL_ADMIN_TOKEN !== '' &&
    values.SIGIL_ADMIN_TOKEN.length < 16
  ) {
    throw new ConfigError('SIGIL_ADMIN_TOKEN must be at least 16 characters');
  }
  return {
    host: values.SIGIL_HOST ?? '127.0.0.1',
    port,
    dataDir: values.SIGIL_DATA_DIR ?? './.sigil',
    databaseUrl: values.SIGIL_DATABASE_URL || undefined,
    masterKey: values.SIGIL_MASTER_KEY || undefined,
    adminToken: values.SIGIL_ADMIN_TOKEN || undefined,
    pingoneHeaders: parsePingOneHeaders(values.SIGIL_PINGONE_HEADERS),
    cryptoEngine,
    signingWorkers,
    rateLimitPerSecond,
    rateLimitBurst,
    logLevel,
    jobLeaseMs,
    metricsAuth,
  };
}
