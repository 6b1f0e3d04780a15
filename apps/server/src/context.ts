// The hono environment every route and middleware shares: the request id and the authenticated principal.
import type { Principal } from './services/tokens.js';

/** Variables set by middleware on each request. */
export interface AppVariables {
  requestId: string;
  principal: Principal | undefined;
}

/** The hono environment of the server. */
export interface AppEnv {
  Variables: AppVariables;
}
