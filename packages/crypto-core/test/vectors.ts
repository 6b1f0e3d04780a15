// Test-vector loader: reads a copied vector file (`.json` or `.json.gz`) from test/vectors/, failing loudly if absent.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const VECTORS_DIR = new URL('./vectors/', import.meta.url);

/**
 * Parses a vector file such as `'wycheproof/ecdsa_secp256r1_sha256_test.json'`, transparently reading the
 * gzipped copy (`.json.gz`) when that is what is stored.
 * @throws {Error} when neither the file nor its `.gz` copy exists (so the test fails, never silently skips)
 */
export function loadVector<T = unknown>(path: string): T {
  const plain = new URL(path, VECTORS_DIR);
  if (existsSync(plain)) return JSON.parse(readFileSync(plain, 'utf8')) as T;
  const gzipped = new URL(`${path}.gz`, VECTORS_DIR);
  if (existsSync(gzipped)) return JSON.parse(gunzipSync(readFileSync(gzipped)).toString('utf8')) as T;
  throw new Error(`test vector ${path} is missing from ${VECTORS_DIR.pathname} (neither .json nor .json.gz)`);
}
