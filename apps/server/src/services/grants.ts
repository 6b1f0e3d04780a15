// Per-key grants: which keys a token may use, and whether a key may sign (scopes are checked by the middleware).
import { ServerError } from '../errors.js';
import type { KeyRecord } from '../store/store.js';
import type { Principal } from './tokens.js';

/** Why `principal` may not use `key`: ERR_FORBIDDEN outside its grants (key ids or names; none means every key). */
export function grantRefusal(principal: Principal, key: KeyRecord): ServerError | undefined {
  const granted =
    principal.keys === undefined || principal.keys.includes(key.id) || principal.keys.includes(key.name);
  return granted ? undefined : new ServerError('ERR_FORBIDDEN', `this token may not use key ${key.name}`);
}

/** Why `principal` may not sign with `key`: outside its grants, or ERR_KEY_DISABLED; undefined when it may. */
export function signRefusal(principal: Principal, key: KeyRecord): ServerError | undefined {
  return (
    grantRefusal(principal, key) ??
    (key.status === 'active' ? undefined : new ServerError('ERR_KEY_DISABLED', `key ${key.name} is disabled`))
  );
}
