// BigInt number theory for RSA: modular exponentiation, inverses, Miller-Rabin, prime generation, factor recovery.
import { randomBytes } from '@noble/hashes/utils.js';
import { abigint, anumber } from './assert.js';
import { bigIntToBytes, bitLength, bytesToBigInt } from './encoding.js';
import { CryptoError } from './errors.js';

/** A source of cryptographically secure random bytes (`randomBytes` from @noble/hashes by default). */
export type RandomSource = (length: number) => Uint8Array;

/** The default random source. */
export const defaultRandom: RandomSource = (length) => randomBytes(length);

/** Window width for a sliding-window exponentiation of an exponent of `bits` bits (fewest multiplications). */
function windowWidth(bits: number): number {
  if (bits > 1536) return 6;
  if (bits > 512) return 5;
  if (bits > 160) return 4;
  if (bits > 48) return 3;
  return 1;
}

/**
 * `base^exponent mod modulus` by left-to-right sliding-window exponentiation over native BigInt
 * (HAC algorithm 14.85). Plain `%` reduction measured faster than Barrett or Montgomery built from
 * BigInt shifts and masks for 1024-4096-bit moduli on V8, so each step is one multiply and one `%`.
 * Not constant-time: callers that exponentiate by secrets must blind the base (see rsa-engine.ts).
 * @throws {TypeError} when an argument is not a bigint
 * @throws {RangeError} when modulus < 2 or exponent < 0
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  abigint(base, 'base');
  abigint(exponent, 'exponent');
  abigint(modulus, 'modulus', 1n);
  if (exponent < 0n) throw new RangeError('exponent must be non-negative');
  return modPowUnchecked(base, exponent, modulus);
}

/** `modPow` without argument checks, for the hot paths that already checked them. */
export function modPowUnchecked(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let b = base % modulus;
  if (b < 0n) b += modulus;
  if (exponent === 0n) return 1n % modulus;
  const bits = exponent.toString(2);
  const length = bits.length;
  const width = windowWidth(length);
  if (width === 1) {
    // Left-to-right binary method: best for short exponents such as e = 65537 (16 squarings, 1 multiply).
    let result = b;
    for (let i = 1; i < length; i++) {
      result = (result * result) % modulus;
      if (bits.charCodeAt(i) === 49) result = (result * b) % modulus;
    }
    return result;
  }
  // Precompute the odd powers b, b^3, ..., b^(2^width - 1).
  const odd: bigint[] = new Array(1 << (width - 1));
  odd[0] = b;
  const square = (b * b) % modulus;
  for (let i = 1; i < odd.length; i++) odd[i] = (odd[i - 1]! * square) % modulus;
  let result = 1n;
  let started = false;
  let i = 0;
  while (i < length) {
    if (bits.charCodeAt(i) === 48) {
      if (started) result = (result * result) % modulus;
      i++;
      continue;
    }
    // Longest window of at most `width` bits that starts here and ends in a 1.
    let end = Math.min(i + width, length);
    while (bits.charCodeAt(end - 1) === 48) end--;
    let value = 0;
    for (let j = i; j < end; j++) value = (value << 1) | (bits.charCodeAt(j) - 48);
    const power = odd[value >> 1]!;
    if (started) {
      for (let j = i; j < end; j++) result = (result * result) % modulus;
      result = (result * power) % modulus;
    } else {
      result = power;
      started = true;
    }
    i = end;
  }
  return result;
}

/** OS2IP (RFC 8017 §4.2): the unsigned big-endian integer of `bytes` (empty -> 0n). */
export function os2ip(bytes: Uint8Array): bigint {
  return bytesToBigInt(bytes);
}

/**
 * I2OSP (RFC 8017 §4.1): `x` as exactly `length` big-endian bytes.
 * @throws {RangeError} when x is negative or x >= 256^length ("integer too large")
 */
export function i2osp(x: bigint, length: number): Uint8Array {
  anumber(length, 'length');
  return bigIntToBytes(x, length);
}

/** Greatest common divisor of two non-negative bigints (Euclid). */
export function gcd(a: bigint, b: bigint): bigint {
  abigint(a, 'a');
  abigint(b, 'b');
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Least common multiple of two positive bigints. */
export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/**
 * The inverse of `a` modulo `modulus` (extended Euclid).
 * @throws {RangeError} when modulus < 2 or `a` is not invertible
 */
export function modInverse(a: bigint, modulus: bigint): bigint {
  abigint(a, 'a');
  abigint(modulus, 'modulus', 1n);
  let r0 = a % modulus;
  if (r0 < 0n) r0 += modulus;
  let r1 = modulus;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('value is not invertible modulo the modulus');
  return s0 < 0n ? s0 + modulus : s0;
}

/**
 * A uniformly random bigint in [min, max) by rejection sampling.
 * @throws {RangeError} when max <= min
 */
export function randomBigInt(min: bigint, max: bigint, random: RandomSource = defaultRandom): bigint {
  abigint(min, 'min');
  abigint(max, 'max');
  if (max <= min) throw new RangeError('max must be greater than min');
  const range = max - min;
  const bits = bitLength(range - 1n);
  const bytes = Math.ceil(bits / 8) || 1;
  const excess = BigInt(bytes * 8 - bits);
  for (;;) {
    const candidate = os2ip(randomChecked(random, bytes)) >> excess;
    if (candidate < range) return min + candidate;
  }
}

function randomChecked(random: RandomSource, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`random(${length}) must return a Uint8Array of ${length} bytes`);
  }
  return bytes;
}

/** Odd primes below 2000, for trial division before Miller-Rabin. */
const SMALL_PRIMES: readonly number[] = (() => {
  const limit = 2000;
  const composite = new Uint8Array(limit);
  const primes: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += 2 * i) composite[j] = 1;
  }
  return primes;
})();

/** SMALL_PRIMES grouped so that each group's product stays below 2^53: one BigInt `%` per group. */
const PRIME_GROUPS: readonly { product: bigint; primes: readonly number[] }[] = (() => {
  const groups: { product: bigint; primes: number[] }[] = [];
  let current: number[] = [];
  let product = 1;
  for (const prime of SMALL_PRIMES) {
    if (product * prime > Number.MAX_SAFE_INTEGER) {
      groups.push({ product: BigInt(product), primes: current });
      current = [];
      product = 1;
    }
    current.push(prime);
    product *= prime;
  }
  if (current.length > 0) groups.push({ product: BigInt(product), primes: current });
  return groups;
})();

/** True when `n` has a prime factor below 2000 other than itself. */
function hasSmallFactor(n: bigint): boolean {
  for (const group of PRIME_GROUPS) {
    const residue = Number(n % group.product);
    for (const prime of group.primes) {
      if (residue % prime === 0 && n !== BigInt(prime)) return true;
    }
  }
  return false;
}

/**
 * Miller-Rabin rounds for a randomly generated candidate of `bits` bits: FIPS 186-5 appendix B.3,
 * table B.1 (error 2^-100 for 512-bit, 2^-112 for 1024-bit, 2^-128/2^-144 for 1536/2048-bit primes).
 * Smaller or non-random inputs get 64 rounds (2^-128 worst case).
 */
export function millerRabinRounds(bits: number): number {
  if (bits >= 1536) return 4;
  if (bits >= 1024) return 5;
  if (bits >= 512) return 7;
  return 64;
}

/**
 * Probabilistic primality test: trial division, then `rounds` Miller-Rabin rounds with random bases
 * (FIPS 186-5 appendix B.3.1).
 * @throws {TypeError} when n is not a bigint
 */
export function isProbablePrime(
  n: bigint,
  rounds: number = millerRabinRounds(bitLength(n)),
  random: RandomSource = defaultRandom,
): boolean {
  abigint(n, 'n');
  anumber(rounds, 'rounds', 1, 1000);
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  if (n < 2000n) return SMALL_PRIMES.includes(Number(n));
  if (hasSmallFactor(n)) return false;
  return millerRabin(n, rounds, random);
}

/** FIPS 186-5 B.3.1 steps 1-4 (after trial division). */
function millerRabin(w: bigint, rounds: number, random: RandomSource): boolean {
  const wMinus1 = w - 1n;
  // Step 1: w - 1 = 2^a * m with m odd.
  let a = 0;
  let m = wMinus1;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    a++;
  }
  for (let round = 0; round < rounds; round++) {
    // Step 4.1-4.2: random base b with 1 < b < w - 1.
    const b = randomBigInt(2n, wMinus1, random);
    // Step 4.3-4.4.
    let z = modPowUnchecked(b, m, w);
    if (z === 1n || z === wMinus1) continue;
    let composite = true;
    // Step 4.5.
    for (let j = 1; j < a; j++) {
      z = (z * z) % w;
      if (z === wMinus1) {
        composite = false;
        break;
      }
      if (z === 1n) break;
    }
    if (composite) return false;
  }
  return true;
}

/**
 * A random probable prime of exactly `bits` bits with its two top bits set (so a product of two such
 * primes has exactly 2·bits bits, FIPS 186-5 A.1.3 step 4.4), and with gcd(p - 1, e) = 1 (step 4.5).
 * @throws {RangeError} when bits < 16
 */
export function generatePrime(bits: number, e: bigint, random: RandomSource = defaultRandom): bigint {
  anumber(bits, 'bits', 16, 16384);
  abigint(e, 'e', 0n);
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  const topBits = 3n << BigInt(bits - 2);
  const rounds = millerRabinRounds(bits);
  for (;;) {
    const candidate = (os2ip(randomChecked(random, bytes)) >> excess) | topBits | 1n;
    if (hasSmallFactor(candidate)) continue;
    if (gcd(candidate - 1n, e) !== 1n) continue;
    if (millerRabin(candidate, rounds, random)) return candidate;
  }
}

/**
 * Recovers the prime factors of n from (n, e, d): NIST SP 800-56B rev. 2 appendix C.2 (probabilistic
 * prime-factor recovery). Returns [p, q] with p > q.
 * @throws {CryptoError} ERR_RSA_KEY_INVALID when (n, e, d) is not a consistent RSA key
 */
export function recoverPrimeFactors(
  n: bigint,
  e: bigint,
  d: bigint,
  random: RandomSource = defaultRandom,
): [bigint, bigint] {
  abigint(n, 'n', 2n);
  abigint(e, 'e', 0n);
  abigint(d, 'd', 0n);
  // Step 1: k = de - 1 must be even.
  const k = d * e - 1n;
  if ((k & 1n) === 1n || k === 0n)
    throw new CryptoError('ERR_RSA_KEY_INVALID', 'd*e - 1 is odd: not an RSA key');
  // Step 2: k = 2^t r with r odd.
  let t = 0;
  let r = k;
  while ((r & 1n) === 0n) {
    r >>= 1n;
    t++;
  }
  const nMinus1 = n - 1n;
  // Not in the appendix: for a genuine key every unit g has g^(de-1) = 1 mod n, so one exponentiation
  // rejects a wrong d at once instead of after 100 fruitless bases (an importer must not be made to stall).
  if (modPowUnchecked(2n, k, n) !== 1n) {
    throw new CryptoError('ERR_RSA_KEY_INVALID', 'd is not the private exponent of (n, e)');
  }
  // Step 3: up to 100 random bases.
  for (let i = 0; i < 100; i++) {
    const g = randomBigInt(2n, nMinus1, random); // step 3a (0, 1 and n-1 are useless bases)
    let y = modPowUnchecked(g, r, n); // step 3b
    if (y === 1n || y === nMinus1) continue; // step 3c
    for (let j = 0; j < t; j++) {
      const x = (y * y) % n; // steps 3d.i and 3e
      if (x === 1n) {
        // Step 5: y is a non-trivial square root of 1.
        const p = gcd(y - 1n, n);
        const q = n / p;
        if (p * q !== n || p === 1n || q === 1n) break;
        return p > q ? [p, q] : [q, p];
      }
      if (x === nMinus1) break; // step 3d.iii
      y = x;
    }
  }
  // Step 4.
  throw new CryptoError('ERR_RSA_KEY_INVALID', 'prime factors of n not found from (n, e, d)');
}
