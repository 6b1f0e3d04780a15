import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Every public entry point, from the package's exports map (dist/x.js -> src/x.ts).
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { default: string }>;
};
const entryPoints = Object.values(manifest.exports).map(
  (target) =>
    new URL(`../${target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`, import.meta.url)
      .pathname,
);

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Fails the build on any import of a Node built-in, with or without the `node:` prefix. */
const forbidNodeBuiltins: Plugin = {
  name: 'forbid-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
      if (nodeBuiltins.has(args.path) || args.path.startsWith('node:')) {
        return { errors: [{ text: `Node built-in "${args.path}" imported from ${args.importer}` }] };
      }
      return undefined;
    });
  },
};

describe('portability', () => {
  it('bundles every entry point for the browser with no Node built-in and no polyfill', async () => {
    expect(entryPoints.length).toBeGreaterThan(5);
    const result = await build({
      entryPoints,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      outdir: 'out',
      logLevel: 'silent',
      plugins: [forbidNodeBuiltins],
    });
    expect(result.errors).toEqual([]);
    for (const file of result.outputFiles) {
      expect(file.text).not.toMatch(/\brequire\(/);
      expect(file.text).not.toMatch(/\bBuffer\./);
      expect(file.text).not.toMatch(/\bprocess\.(env|versions|nextTick)/);
    }
  });

  it('fails when a module imports a Node built-in', async () => {
    const attempt = build({
      stdin: { contents: "import { createHash } from 'node:crypto'; console.log(createHash);", loader: 'ts' },
      bundle: true,
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      plugins: [forbidNodeBuiltins],
    });
    await expect(attempt).rejects.toThrow(/Node built-in "node:crypto"/);
  });
});
