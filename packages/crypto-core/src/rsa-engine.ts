// RSA primitives behind a small engine interface: the pure BigInt engine (CRT, blinding, fault check).
import { abigint } from './assert.js';
import { CryptoError } from './errors.js';
import type { RsaPrivateKey, RsaPublicKey } from './key-types.js';
import {
  defaultRandom,
  gcd,
  modInverse,
  modPowUnchecked,
  type RandomSource,
  randomBigInt,
} from './rsa-math.js';

/**
 * The RSA primitives padding code needs. Another engine (e.g. node:crypto) can be plugged in without
 * touching the padding code; rsaSign checks every engine's private result (verify-after-sign).
 */
export interface RsaEngine {
  /** A short name for logs and benchmarks. */
  readonly name: string;
  /** RSASP1 (RFC 8017 §5.2.1): x^d mod n for 0 <= x < n. */
  privateOperation(key: RsaPrivateKey, x: bigint): bigint;
  /** RSAVP1 (RFC 8017 §5.2.2): s^e mod n for 0 <= s < n. */
  publicOperation(key: RsaPublicKey, s: bigint): bigint;
}

/** Options of the pure engine. */
export interface PureRsaEngineOptions {
  /** Random source for blinding factors. */
  readonly random?: RandomSource;
  /** Uses of one blinding pair (each squared before reuse) before a fresh random pair is drawn. Default 32. */
  readonly blindingRefresh?: number;
}

/** Engines whose privateOperation already performs verify-after-sign. */
const selfCheckingEngines = new WeakSet<RsaEngine>();

/** True when `engine` checks its own private results, so callers need not repeat the check. */
export function engineChecksFaults(engine: RsaEngine): boolean {
  return selfCheckingEngines.has(engine);
}

/** Blinding pair of one key: a = r^e mod n and aInverse = r^-1 mod n (RFC 8017 §5.2.1 note). */
interface BlindingState {
  readonly n: bigint;
  a: bigint;
  aInverse: bigint;
  uses: number;
}

/**
 * RSAVP1 on plain BigInt: s^e mod n (short exponents take the binary method: 17 steps for 65537).
 * @throws {RangeError} when s is not in [0, n)
 */
export function rsaPublicOperation(key: RsaPublicKey, s: bigint): bigint {
  abigint(s, 's');
  // RFC 8017 §5.2.2 step 1.
  if (s < 0n || s >= key.n) throw new RangeError('signature representative out of range');
  return modPowUnchecked(s, key.e, key.n);
}

/**
 * The pure-TypeScript engine: CRT (RFC 8017 §5.1.2 step 2b), a fresh blinding factor per call, and
 * verify-after-sign (s^e mod n must give back x, else ERR_RSA_FAULT and no result).
 * Blinding state is kept per key object (and checked against its modulus), never shared across keys.
 * @throws {RangeError} for a bad blindingRefresh
 */
export function createPureRsaEngine(options: PureRsaEngineOptions = {}): RsaEngine {
  const random = options.random ?? defaultRandom;
  const refresh = options.blindingRefresh ?? 32;
  if (!Number.isSafeInteger(refresh) || refresh < 1)
    throw new RangeError('blindingRefresh must be a positive integer');
  const blinding = new WeakMap<RsaPrivateKey, BlindingState>();

  function freshPair(key: RsaPrivateKey): BlindingState {
    for (;;) {
      const r = randomBigInt(2n, key.n - 1n, random);
      if (gcd(r, key.n) !== 1n) continue;
      return { n: key.n, a: modPowUnchecked(r, key.e, key.n), aInverse: modInverse(r, key.n), uses: 0 };
    }
  }

  /** The blinding pair for this call: squared from the previous one (as OpenSSL does) or freshly drawn. */
  function nextPair(key: RsaPrivateKey): BlindingState {
    let state = blinding.get(key);
    if (state === undefined || state.n !== key.n || state.uses >= refresh) {
      state = freshPair(key);
      blinding.set(key, state);
    } else {
      // (r^e)^2 = (r^2)^e and (r^-1)^2 = (r^2)^-1: a new factor r^2 for two multiplications.
      state.a = (state.a * state.a) % key.n;
      state.aInverse = (state.aInverse * state.aInverse) % key.n;
    }
    state.uses++;
    return state;
  }

  const engine: RsaEngine = {
    name: 'pure',
    privateOperation(key, x) {
      abigint(x, 'x');
      const { n, p, q, dp, dq, qi } = key;
      // RFC 8017 §5.1.2 step 1 (and §5.2.1 step 1).
      if (x < 0n || x >= n)
        throw new CryptoError('ERR_RSA_MESSAGE_TOO_LONG', 'message representative out of range');
      const pair = nextPair(key);
      // Blind: c = x * r^e mod n.
      const c = (x * pair.a) % n;
      // RFC 8017 §5.1.2 step 2b: i. m1 = c^dP mod p, m2 = c^dQ mod q.
      const m1 = modPowUnchecked(c % p, dp, p);
      const m2 = modPowUnchecked(c % q, dq, q);
      // iii. h = (m1 - m2) * qInv mod p (m2 < q, which may exceed p: keep h non-negative).
      let h = ((m1 - m2) * qi) % p;
      if (h < 0n) h += p;
      // iv. m = m2 + q * h; unblind with r^-1.
      const s = ((m2 + q * h) * pair.aInverse) % n;
      // Verify-after-sign: a fault in either half (Bellcore attack) would leak a factor of n.
      if (modPowUnchecked(s, key.e, n) !== x) {
        blinding.delete(key);
        throw new CryptoError('ERR_RSA_FAULT', 'RSA private operation failed its consistency check');
      }
      return s;
    },
    publicOperation: rsaPublicOperation,
  };
  selfCheckingEngines.add(engine);
  return Object.freeze(engine);
}

/** The shared pure engine (per-key blinding state lives inside it). */
export const pureRsaEngine: RsaEngine = createPureRsaEngine();
