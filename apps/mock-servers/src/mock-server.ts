// What every vendor mock exposes to the command and to tests: its app, fixtures and a banner for the console.
import type { Hono } from 'hono';
import type { MockEnv, MockName } from './admin/mock-env.js';

/** Options every vendor mock takes. */
export interface MockOptions {
  /** Seed of every key and ID the mock derives. */
  readonly seed: string;
  /** This vendor's section of a `--fixtures` file (checked by the mock's own schema). */
  readonly fixtures?: unknown;
  readonly journalCapacity?: number;
}

/** What the startup banner prints for one mock. */
export interface MockBanner {
  readonly apiUrl: string;
  readonly credentials: Record<string, string>;
}

/** A running-ready vendor mock. */
export interface MockServer {
  readonly name: MockName;
  readonly title: string;
  readonly app: Hono<MockEnv>;
  /** What `GET /__admin/fixtures` answers. */
  fixtures(): unknown;
  /** The API URL clients use and the credentials to print, given the mock's origin. */
  banner(origin: string): MockBanner;
}

/** Raised when a `--fixtures` section does not fit the vendor's fixture schema. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}
