// Server start-up benchmark: how long the built server takes from spawn to listening and to a ready /readyz, on a
// fresh data directory (master key, migrations, admin token) and on a restart over it. Prints the figures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    /** Fresh-directory starts (each followed by one restart over the same directory). */
    runs: { type: 'string', default: '10' },
    /** SIGIL_WORKERS of the measured server (signing threads started with it); the server's default when absent. */
    workers: { type: 'string' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench: --runs must be a positive integer\n');
  process.exit(2);
}
const serverMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** A start that takes longer than this is reported as a failure, not measured. */
const START_LIMIT_MS = 120_000;

if (!existsSync(serverMain)) {
  process.stderr.write(
    `bench: ${serverMain} is missing; run \`pnpm build\` first (the benchmark builds nothing)\n`,
  );
  process.exit(1);
}

/** The server still running, so an interrupted run leaves none behind. */
let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    current?.kill('SIGKILL');
    process.exit(130);
  });
}

/**
 * Starts dist/main.js on a free loopback port over `dataDir` and stops it again; the milliseconds from spawn to the
 * "listening" line, from spawn to the first 200 from /readyz, and the server's own figure (its `startupMs` log field:
 * from main() to listening, Node's boot excluded).
 */
async function measureStart(dataDir) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [serverMain, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      env: {
        ...process.env,
        SIGIL_LOG_LEVEL: 'info',
        ...(flags.workers === undefined ? {} : { SIGIL_WORKERS: flags.workers }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  current = child;
  try {
    const { origin, listeningMs, serverMs } = await new Promise((resolve, reject) => {
      let output = '';
      let listeningMs;
      const limit = setTimeout(
        () => reject(new Error(`no start within ${START_LIMIT_MS} ms`)),
        START_LIMIT_MS,
      );
      child.stdout.on('data', (chunk) => {
        output += chunk;
        listeningMs ??= /Sigil server listening on /.test(output) ? performance.now() - started : undefined;
        const origin = /Sigil server listening on (http:\/\/\S+)/.exec(output)?.[1];
        const serverMs = /"startupMs":(\d+)/.exec(output)?.[1];
        if (origin && serverMs !== undefined) {
          clearTimeout(limit);
          resolve({ origin, listeningMs, serverMs: Number(serverMs) });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(limit);
        reject(new Error(`the server exited with ${code}: ${output}`));
      });
    });
    child.stdout.resume();
    let readyMs;
    while (readyMs === undefined) {
      const response = await fetch(`${origin}/readyz`).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.status === 200) readyMs = performance.now() - started;
      else if (performance.now() - started > START_LIMIT_MS) throw new Error('/readyz never answered 200');
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { listeningMs, readyMs, serverMs };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    current = undefined;
  }
}

const samples = { fresh: [], restart: [] };
for (let run = 0; run < runs; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-bench-startup-'));
  try {
    samples.fresh.push(await measureStart(dataDir));
    samples.restart.push(await measureStart(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stderr.write(`bench: start-up run ${run + 1}/${runs}\n`);
}

/** The `quantile` of sorted `values`. */
const at = (values, quantile) => values[Math.min(values.length - 1, Math.floor(quantile * values.length))];

const rows = [['start', 'measure', 'min ms', 'median ms', 'max ms']];
const measures = [
  ['listeningMs', 'spawn to listening'],
  ['readyMs', 'spawn to /readyz 200'],
  ['serverMs', 'main() to listening (server log)'],
];
for (const [kind, entries] of Object.entries(samples)) {
  for (const [field, label] of measures) {
    const values = entries.map((entry) => entry[field]).sort((a, b) => a - b);
    rows.push([kind, label, ...[0, 0.5, 1].map((quantile) => at(values, quantile).toFixed(0))]);
  }
}
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const row of rows) {
  process.stdout.write(
    `${row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd()}\n`,
  );
}
const store = process.env.SIGIL_DATABASE_URL ? 'PostgreSQL (SIGIL_DATABASE_URL)' : 'SQLite';
process.stdout.write(
  `${runs} run(s) on ${store}. fresh: a new data directory (master key, migrations, admin token); ` +
    'restart: the same directory again\n',
);
