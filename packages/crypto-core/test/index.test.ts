// The root barrel: the API users call, not the workshop; and no module-level state a caller could change.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getHash } from '../src/hash.js';
import * as root from '../src/index.js';

const srcDir = join(import.meta.dirname, '..', 'src');
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
  exports: Record<string, { default: string }>;
};
const subpaths = Object.entries(manifest.exports).map(([subpath, target]) => ({
  subpath,
  file: join(srcDir, target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')),
}));

// What left the root in 0.2: still exported, each from its own subpath.
const WORKSHOP: Record<string, readonly string[]> = {
  der: [
    'contextTag',
    'DerReader',
    'DerTag',
    'derDecode',
    'derElement',
    'derInteger',
    'derSequence',
    'derTime',
  ],
  rsa: ['emsaPkcs1v15Encode', 'emsaPssEncode', 'mgf1'],
  'rsa-engine': ['createPureRsaEngine', 'engineChecksFaults', 'pureRsaEngine', 'rsaPublicOperation'],
  ecdsa: ['decodeEcPoint', 'EC_CURVE_PARAMS', 'ecCurveByOid', 'ecCurveParams', 'validateEcPoint'],
  keys: [
    'importPkcs1',
    'exportPkcs1',
    'importPkcs8',
    'exportPkcs8',
    'importSpki',
    'exportSpki',
    'importSec1',
  ],
  encoding: ['bigIntToBytes', 'bytesToBigInt', 'bitLength', 'concatBytes'],
  pem: ['isPem', 'pemLabel'],
  'sign-input': ['digestOf'],
};

/** Every plain object and array reachable from `value` (functions, classes and byte arrays are not data). */
function* dataObjects(value: unknown, path: string, seen = new Set<unknown>()): Generator<[string, object]> {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || seen.has(value)) return;
  seen.add(value);
  yield [path, value];
  for (const [key, member] of Object.entries(value)) {
    // The @noble implementations are noble's objects, not crypto-core's tables.
    if (key !== 'noble') yield* dataObjects(member, `${path}.${key}`, seen);
  }
}

describe('root barrel', () => {
  it('exports sign, verify and the API around them', () => {
    for (const name of ['sign', 'verify', 'rsaSign', 'ecdsaSign', 'hmacSign', 'importKey', 'exportDer']) {
      expect(typeof (root as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  for (const [subpath, names] of Object.entries(WORKSHOP)) {
    it(`leaves ${names.join(', ')} to @sigil/crypto-core/${subpath}`, async () => {
      const module = (await import(join(srcDir, `${subpath}.ts`))) as Record<string, unknown>;
      for (const name of names) {
        expect(name in root, `${name} in the root`).toBe(false);
        expect(module[name], `${name} in /${subpath}`).toBeDefined();
      }
    });
  }
});

describe('no mutable module state', () => {
  it('no module exports a let, a var or a setter', () => {
    const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(join(srcDir, file), 'utf8');
      expect(text, file).not.toMatch(/^export (let|var)\b/m);
      expect(text, file).not.toMatch(/^export function set[A-Z]/m);
    }
  });

  it('every exported table, preset and engine is frozen all the way down', async () => {
    let checked = 0;
    for (const { subpath, file } of subpaths) {
      const module = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        for (const [path, object] of dataObjects(value, `${subpath}:${name}`)) {
          expect(Object.isFrozen(object), `${path} is frozen`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('hands out copies of the DigestInfo prefixes', () => {
    const prefix = getHash('SHA-256').digestInfoPrefix;
    prefix.fill(0);
    expect(getHash('SHA-256').digestInfoPrefix[0]).toBe(0x30);
  });
});
