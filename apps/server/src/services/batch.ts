// Batch results: one outcome per item in request order (its value or its error), and their rendering per surface.
import { ServerError, toServerError } from '../errors.js';

/** One item's outcome: its value, or the ServerError it failed with. */
export type Outcome<T> = T | ServerError;

/** What preparing one item of a batch gives: its value at once, or a call to run with the other items' calls. */
export type Prepared<C, T> = { readonly value: T } | { readonly call: C };

/**
 * A batch in two steps. First the items are prepared one by one, in order: an item that failed to parse keeps its
 * error, and what `prepare` throws is its item's failure. Then the deferred calls run together (`run` gives one
 * outcome per call, in order), so that one batch reaches the signing workers and the audit log at once; `finish`
 * turns a call's result into its item's value. One outcome per item, in request order.
 */
export async function runTogether<I, C, R, T>(
  items: readonly Outcome<I>[],
  prepare: (item: I) => Promise<Prepared<C, T>>,
  run: (calls: readonly C[]) => Promise<readonly Outcome<R>[]>,
  finish: (result: R, call: C) => T,
): Promise<Outcome<T>[]> {
  const outcomes: (Outcome<T> | undefined)[] = [];
  const deferred: { readonly position: number; readonly call: C }[] = [];
  for (const item of items) {
    if (item instanceof ServerError) {
      outcomes.push(item);
      continue;
    }
    try {
      const prepared = await prepare(item);
      if ('value' in prepared) {
        outcomes.push(prepared.value);
      } else {
        deferred.push({ position: outcomes.length, call: prepared.call });
        outcomes.push(undefined);
      }
    } catch (error) {
      outcomes.push(toServerError(error));
    }
  }
  const results = await run(deferred.map((entry) => entry.call));
  deferred.forEach(({ position, call }, index) => {
    const result = results[index];
    if (result !== undefined)
      outcomes[position] = result instanceof ServerError ? result : finish(result, call);
  });
  return outcomes.map((outcome) => outcome ?? new ServerError('ERR_INTERNAL', 'no result'));
}

/**
 * Runs `handle` on the items one after the other; an item that failed to parse keeps its error.
 * @throws {ServerError} the first failure of status 500 or more (an audit outage), at once: then no result may leave
 */
export async function settleEach<I, T>(
  items: readonly Outcome<I>[],
  handle: (item: I) => Promise<T>,
): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  for (const item of items) {
    if (item instanceof ServerError) {
      outcomes.push(item);
      continue;
    }
    try {
      outcomes.push(await handle(item));
    } catch (error) {
      const failure = toServerError(error);
      if (failure.status >= 500) throw failure;
      outcomes.push(failure);
    }
  }
  return outcomes;
}

/** How a surface writes one item of a batch answer (native `{status, ...}`, Fortanix `{status, body}`). */
export interface BatchRenderer<T, R> {
  readonly ok: (value: T) => R;
  readonly failed: (failure: ServerError) => R;
}

/**
 * A batch answer: every outcome in request order, in the surface's shape.
 * @throws {ServerError} the first failure of status 500 or more (an audit outage): then no result may leave
 */
export function renderBatch<T, R>(outcomes: readonly Outcome<T>[], renderer: BatchRenderer<T, R>): R[] {
  const fatal = outcomes.find(
    (outcome): outcome is ServerError => outcome instanceof ServerError && outcome.status >= 500,
  );
  if (fatal !== undefined) throw fatal;
  return outcomes.map((outcome) =>
    outcome instanceof ServerError ? renderer.failed(outcome) : renderer.ok(outcome),
  );
}

/**
 * An outcome on a surface that answers a request as a whole (PingOne's payloads, a SignPath signature): its value.
 * @throws {ServerError} its failure, which fails the request
 */
export function valueOrThrow<T>(outcome: Outcome<T> | undefined): T {
  if (outcome === undefined) throw new ServerError('ERR_INTERNAL', 'no result');
  if (outcome instanceof ServerError) throw outcome;
  return outcome;
}
