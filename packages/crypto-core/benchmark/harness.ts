// Benchmark harness: times each case for a fixed wall-clock budget and reports operations per second.

/** The implementations compared in one run. */
export type Impl =
  | 'crypto-core'
  | 'node:crypto'
  | 'node-forge'
  | 'jsrsasign'
  | 'micro-rsa-dsa-dh'
  | '@noble/curves';

/** One thing to time: `name` groups the implementations that do the same work. */
export interface BenchCase {
  readonly name: string;
  readonly impl: Impl;
  readonly run: () => unknown;
}

/** One measured figure, as written to results.json. */
export interface BenchResult {
  readonly name: string;
  readonly impl: Impl;
  readonly opsPerSec: number;
}

const budgetMs = Number(process.env.BENCH_MS ?? 1500);

/** Runs one case: a short warm-up, then as many calls as fit in the budget. */
export function measure(benchCase: BenchCase): BenchResult {
  const warmUpUntil = performance.now() + Math.min(300, budgetMs / 4);
  while (performance.now() < warmUpUntil) benchCase.run();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    benchCase.run();
    count++;
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs);
  return { name: benchCase.name, impl: benchCase.impl, opsPerSec: (count * 1000) / elapsed };
}
