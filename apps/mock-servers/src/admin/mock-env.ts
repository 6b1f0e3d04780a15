// The hono environment every mock app runs in: Node bindings when served, and the per-request fault flags.
import type { HttpBindings } from '@hono/node-server';

/** Per-request variables the admin middleware sets for the vendor routes. */
export interface MockVariables {
  /** A `corruptSignature` fault matched: the vendor route must flip a bit of the signature it returns. */
  corruptSignature: boolean;
  /** A description of the fault applied to this request, for the journal. */
  appliedFault: string | undefined;
  /** Who the vendor's authentication identified, for routes that record it (Fortanix: the app ID). */
  principal: string | undefined;
}

/** The hono Env of a mock app (bindings are absent under `app.request()`). */
export interface MockEnv {
  Bindings: Partial<HttpBindings>;
  Variables: MockVariables;
}

/** The four emulated vendors, in port order. */
export const MOCK_NAMES = ['pingone', 'signpath', 'fortanix', 'pingid'] as const;
/** One emulated vendor. */
export type MockName = (typeof MOCK_NAMES)[number];

/** Paths of the shared admin surface; they are neither journaled nor subject to faults. */
export const ADMIN_PREFIX = '/__admin';

/** True for a core admin path (vendor-specific admin actions live under `/__admin/<mock>/`). */
export function isCoreAdminPath(path: string, mock: MockName): boolean {
  const lower = path.toLowerCase();
  return (
    (lower === ADMIN_PREFIX || lower.startsWith(`${ADMIN_PREFIX}/`)) &&
    !lower.startsWith(`${ADMIN_PREFIX}/${mock}/`)
  );
}
