// Vitest configuration of @sigil/server: every test file that uses the store runs once per store (projects `sqlite`
// and `postgres`); the files that never touch the store run once, in `sqlite`. Generous timeouts for the e2e processes.
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { findPostgresBinaries } from './test/postgres-cluster.js';

const POSTGRES_ONLY = ['test/postgres*.test.ts', 'test/multi-process.test.ts'];
/** Files whose tests never open the project's store (engines, providers, config, group commit on its own SQLite). */
const STORE_INDEPENDENT = [
  'test/audit-group-commit.test.ts',
  'test/engines.test.ts',
  'test/health.test.ts',
  'test/providers.test.ts',
];

const sqlite: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'sqlite', exclude: POSTGRES_ONLY, env: { SIGIL_TEST_STORE: 'sqlite' } },
};
const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    exclude: STORE_INDEPENDENT,
    env: { SIGIL_TEST_STORE: 'postgres' },
    globalSetup: ['test/postgres-setup.ts'],
  },
};

// Without a database URL or the server binaries, CI fails (the postgres project's setup throws); a developer's
// machine runs the embedded store alone and says so.
const postgresAvailable =
  Boolean(process.env.SIGIL_TEST_DATABASE_URL) ||
  findPostgresBinaries() !== undefined ||
  (process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI));
if (!postgresAvailable) {
  process.stderr.write(
    '\n@sigil/server: SKIPPING the PostgreSQL project (no SIGIL_TEST_DATABASE_URL, no initdb/pg_ctl found)\n\n',
  );
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: postgresAvailable ? [sqlite, postgres] : [sqlite],
  },
});
