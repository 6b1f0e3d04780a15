// Batches: run one handler per item in order; a bad item gets its own error, an audit outage fails them all.
import { ServerError, toServerError } from '../errors.js';

/** One item's outcome: `{status: 200, ...body}` or `{status, error: {code, message}}`. */
export type BatchItemResult<T> =
  | ({ status: number } & T)
  | { status: number; error: { code: string; message: string } };

/**
 * Runs `handle` over `items` one after the other.
 * @throws {ServerError} ERR_BATCH_TOO_LARGE above `limit` items; ERR_AUDIT_UNAVAILABLE (or an internal error) from
 * any item, since then no result may leave
 */
export async function runBatch<I, T extends object>(
  items: readonly I[],
  limit: number,
  handle: (item: I, index: number) => Promise<T>,
): Promise<BatchItemResult<T>[]> {
  if (items.length > limit) {
    throw new ServerError('ERR_BATCH_TOO_LARGE', `a batch holds at most ${limit} items, got ${items.length}`);
  }
  const results: BatchItemResult<T>[] = [];
  for (const [index, item] of items.entries()) {
    try {
      results.push({ status: 200, ...(await handle(item, index)) });
    } catch (error) {
      const failure = toServerError(error);
      if (failure.status >= 500) throw failure;
      results.push({ status: failure.status, error: { code: failure.code, message: failure.message } });
    }
  }
  return results;
}

/**
 * Refuses a batch above `limit` items.
 * @throws {ServerError} ERR_BATCH_TOO_LARGE
 */
export function checkBatchSize(items: readonly unknown[], limit: number): void {
  if (items.length > limit) {
    throw new ServerError('ERR_BATCH_TOO_LARGE', `a batch holds at most ${limit} items, got ${items.length}`);
  }
}

/**
 * The batch answer of outcomes computed together: a failure below 500 becomes that item's error.
 * @throws {ServerError} the first failure of status 500 or more (an audit outage): then no result may leave
 */
export function batchResults<T extends object>(outcomes: readonly (T | ServerError)[]): BatchItemResult<T>[] {
  const fatal = outcomes.find(
    (outcome): outcome is ServerError => outcome instanceof ServerError && outcome.status >= 500,
  );
  if (fatal !== undefined) throw fatal;
  return outcomes.map((outcome) =>
    outcome instanceof ServerError
      ? { status: outcome.status, error: { code: outcome.code, message: outcome.message } }
      : { status: 200, ...outcome },
  );
}
