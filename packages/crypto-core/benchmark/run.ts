// `pnpm bench`: measures every case, prints a table of ratios against node:crypto, writes results.json.
import { writeFileSync } from 'node:fs';
import { type BenchCase, type BenchResult, measure } from './harness.js';

const suites: Array<() => Promise<BenchCase[]>> = [];
const modules = ['./rsa.js', './ecdsa.js', './eddsa.js', './hmac.js'];
for (const path of modules) {
  suites.push(async () => {
    try {
      const module = (await import(path)) as { cases: () => BenchCase[] | Promise<BenchCase[]> };
      return await module.cases();
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return [];
      throw error;
    }
  });
}

const filter = process.argv[2];
const results: BenchResult[] = [];
for (const suite of suites) {
  for (const benchCase of await suite()) {
    if (filter && !benchCase.name.includes(filter)) continue;
    const result = measure(benchCase);
    results.push(result);
    process.stdout.write(
      `${result.name.padEnd(28)} ${result.impl.padEnd(18)} ${result.opsPerSec.toFixed(1).padStart(12)} ops/s\n`,
    );
  }
}

const rows = new Map<string, BenchResult[]>();
for (const result of results) rows.set(result.name, [...(rows.get(result.name) ?? []), result]);
process.stdout.write(`\n${'case'.padEnd(28)} ${'impl'.padEnd(18)} ${'ops/s'.padStart(12)}  vs node:crypto\n`);
for (const [name, group] of rows) {
  const baseline = group.find((result) => result.impl === 'node:crypto')?.opsPerSec;
  for (const result of group) {
    const ratio = baseline ? `${((result.opsPerSec / baseline) * 100).toFixed(1)}%` : '-';
    process.stdout.write(
      `${name.padEnd(28)} ${result.impl.padEnd(18)} ${result.opsPerSec.toFixed(1).padStart(12)}  ${ratio}\n`,
    );
  }
}
if (!filter)
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
