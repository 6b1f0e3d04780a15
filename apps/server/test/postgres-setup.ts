// Vitest global setup of the `postgres` project: SIGIL_TEST_DATABASE_URL, else a disposable cluster for the run.
import type { TestProject } from 'vitest/node';
import { type DisposableCluster, findPostgresBinaries, startDisposableCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL the tests use; each test server gets a schema of its own in it. */
    sigilTestDatabaseUrl: string;
  }
}

/** Provides the database URL to the tests, starting (and afterwards stopping) a cluster when none is given. */
export default async function setup(project: TestProject): Promise<() => void> {
  let cluster: DisposableCluster | undefined;
  let url = process.env.SIGIL_TEST_DATABASE_URL;
  if (!url) {
    const binaries = findPostgresBinaries();
    if (binaries === undefined) {
      throw new Error(
        'the PostgreSQL tests need SIGIL_TEST_DATABASE_URL or the PostgreSQL server binaries (initdb, pg_ctl); ' +
          'on Debian: apt-get install postgresql',
      );
    }
    cluster = await startDisposableCluster(binaries);
    url = cluster.url;
  }
  project.provide('sigilTestDatabaseUrl', url);
  return () => cluster?.stop();
}
