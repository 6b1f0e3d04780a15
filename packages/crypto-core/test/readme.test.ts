import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Runs every ```ts block of the README. `console.log(x); // => y` lines become assertions that String(x) is y.
const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
const workDir = join(import.meta.dirname, '.readme-examples');
const srcDir = join(import.meta.dirname, '..', 'src');

function toRunnable(block: string): { source: string; assertions: number } {
  let assertions = 0;
  const source = block
    .replace(
      /from '@sigil\/crypto-core(?:\/([\w-]+))?'/g,
      (_, subpath: string | undefined) => `from '${join(srcDir, `${subpath ?? 'index'}.ts`)}'`,
    )
    .split('\n')
    .map((line) => {
      const match = /^(\s*)console\.log\((.*)\); \/\/ => (.*)$/.exec(line);
      if (!match) return line;
      assertions++;
      return `${match[1]}(globalThis as any).__readmeExpect(String(${match[2]}), ${JSON.stringify(match[3])});`;
    })
    .join('\n');
  return { source, assertions };
}

describe('README examples', () => {
  mkdirSync(workDir, { recursive: true });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('has examples for every capability', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });

  blocks.forEach((block, index) => {
    const title = block
      .split('\n')
      .find((line) => line.startsWith('import'))
      ?.replace(/.*from '(.*)'.*/, '$1');
    it(`example ${index + 1} (${title}) runs and prints what it claims`, async () => {
      const { source, assertions } = toRunnable(block);
      expect(assertions).toBeGreaterThan(0);
      const seen: Array<[string, string]> = [];
      (globalThis as { __readmeExpect?: unknown }).__readmeExpect = (actual: string, expected: string) => {
        seen.push([actual, expected]);
      };
      const file = join(workDir, `example-${index + 1}.ts`);
      writeFileSync(file, source);
      await import(file);
      expect(seen).toHaveLength(assertions);
      for (const [actual, expected] of seen) expect(actual).toBe(expected);
    });
  });
});
