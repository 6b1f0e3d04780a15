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
