// Text every store holds as given: no NUL (PostgreSQL text cannot hold U+0000) and no unpaired surrogate (UTF-8,
// which both databases store, cannot encode one; RFC 3629 §3).
import { ServerError } from '../errors.js';

// Most text holds neither NUL nor any surrogate: only text that does is searched for an unpaired one.
const NUL_OR_SURROGATE = /[\0\uD800-\uDFFF]/;
const NUL_OR_UNPAIRED_SURROGATE =
  /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Why text was refused, for error messages. */
export const UNSTORABLE_TEXT_MESSAGE = 'text must not contain NUL (U+0000) or an unpaired surrogate';

/** Whether both stores hold `value` exactly as given. */
export function isStorableText(value: string): boolean {
  return !NUL_OR_SURROGATE.test(value) || value.search(NUL_OR_UNPAIRED_SURROGATE) === -1;
}

/** `value` with each NUL and unpaired surrogate replaced by U+FFFD. */
export function toStorableText(value: string): string {
  return NUL_OR_SURROGATE.test(value) ? value.replace(NUL_OR_UNPAIRED_SURROGATE, '\uFFFD') : value;
}

/**
 * Checks that every string among `values` is storable.
 * @throws {ServerError} ERR_VALIDATION when one is not
 */
export function refuseUnstorableText(values: readonly unknown[]): void {
  if (values.some((value) => typeof value === 'string' && !isStorableText(value))) {
    throw new ServerError('ERR_VALIDATION', UNSTORABLE_TEXT_MESSAGE);
  }
}
