// Lookups shared by the items of one request: a batch of a hundred items naming one key reads it once.

/**
 * `load` memoized by `keyOf(argument)` for as long as the returned function is kept (one request). Only successes
 * are kept: a failed lookup runs again for the next item, so each item gets an error (and an audit record) of its own.
 */
export function memoizeLookup<A, V>(
  load: (argument: A) => Promise<V>,
  keyOf: (argument: A) => string,
): (argument: A) => Promise<V> {
  const held = new Map<string, Promise<V>>();
  return (argument) => {
    const key = keyOf(argument);
    let pending = held.get(key);
    if (pending === undefined) {
      pending = load(argument);
      held.set(key, pending);
      pending.catch(() => held.delete(key));
    }
    return pending;
  };
}
