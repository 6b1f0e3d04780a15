// Server configuration from the environment (DESIGN §4 "Configuration"); flags on sigil-server mirror it.

/** The settings the server runs with. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
}

/** A configuration value that cannot be used; main.ts prints it and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FLAG_TO_VARIABLE: Readonly<Record<string, string>> = {
  '--host': 'SIGIL_HOST',
  '--port': 'SIGIL_PORT',
  '--data-dir': 'SIGIL_DATA_DIR',
  '--database-url': 'SIGIL_DATABASE_URL',
};

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
    if (!variable) throw new ConfigError(`unknown option ${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    values[variable] = value;
  }
  const port = Number(values.SIGIL_PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`SIGIL_PORT must be an integer in [0, 65535], got ${values.SIGIL_PORT}`);
  }
  return {
    host: values.SIGIL_HOST ?? '127.0.0.1',
    port,
    dataDir: values.SIGIL_DATA_DIR ?? './.sigil',
    databaseUrl: values.SIGIL_DATABASE_URL || undefined,
  };
}
