// The caller of a request as the services see it: for the audit log, the request id and the token behind it.
import type { Actor } from '../services/keys.js';
import type { Principal } from '../services/tokens.js';

/** The caller of a request, for the audit log. */
export function actorOf(c: {
  get(name: 'requestId'): string;
  get(name: 'principal'): Principal | undefined;
}): Actor {
  return { requestId: c.get('requestId'), tokenId: c.get('principal')?.tokenId };
}
