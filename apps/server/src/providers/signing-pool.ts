// Where local private operations run: a piscina pool of worker threads sized to the cores, or in-process.
import { CryptoError, type CryptoErrorCode } from '@sigil/crypto-core/errors';
import { importJwk, type Jwk } from '@sigil/crypto-core/keys';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { Piscina } from 'piscina';
import { ServerError, type ServerErrorCode } from '../errors.js';
import { type SigningKey, signWithKey } from './local.js';
import { type CryptoEngineName, rsaEngineNamed } from './node-rsa-engine.js';
import type { SignatureParams } from './provider.js';

/** One private operation as a worker receives it: the key as private JWK text, for this task only. */
export interface SignTask {
  readonly keyJwk: string;
  readonly params: SignatureParams;
  readonly input: SignInput;
  readonly engine: CryptoEngineName;
}

/** A worker's answer: the signature, or the code and message of what went wrong. */
export type SignTaskResult =
  | { readonly signature: Uint8Array }
  | { readonly error: { kind: 'server' | 'crypto' | 'internal'; code: string; message: string } };

/** Runs private operations. */
export interface SigningPool {
  /** Worker threads (0 when signing in-process). */
  readonly threads: number;
  readonly engine: CryptoEngineName;
  /** Signs with a private JWK (as JSON text). */
  sign(keyJwk: string, params: SignatureParams, input: SignInput): Promise<Uint8Array>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Options of {@link createSigningPool}. */
export interface SigningPoolOptions {
  /** Worker threads; 0 signs on the calling thread. */
  readonly threads: number;
  readonly engine: CryptoEngineName;
  /** The compiled worker module; `./sign-worker.js` beside this one by default (tests point at dist/). */
  readonly workerFile?: URL | undefined;
}

function resultOf(result: SignTaskResult): Uint8Array {
  if ('signature' in result) return result.signature;
  const { kind, code, message } = result.error;
  if (kind === 'server') throw new ServerError(code as ServerErrorCode, message);
  if (kind === 'crypto') throw new CryptoError(code as CryptoErrorCode, message);
  throw new ServerError('ERR_INTERNAL', message);
}

/**
 * A signing pool: `threads` piscina workers (each task carries the key only for its duration), or in-process signing
 * when `threads` is 0.
 * @throws {TypeError} for a thread count that is not a non-negative integer
 */
export function createSigningPool(options: SigningPoolOptions): SigningPool {
  const { threads, engine } = options;
  if (!Number.isInteger(threads) || threads < 0)
    throw new TypeError('threads must be a non-negative integer');
  if (threads === 0) {
    const rsaEngine = rsaEngineNamed(engine);
    return {
      threads,
      engine,
      async sign(keyJwk, params, input) {
        return signWithKey(importJwk(JSON.parse(keyJwk) as Jwk) as SigningKey, params, input, rsaEngine);
      },
      async close() {},
    };
  }
  const piscina = new Piscina<SignTask, SignTaskResult>({
    filename: (options.workerFile ?? new URL('./sign-worker.js', import.meta.url)).href,
    minThreads: threads,
    maxThreads: threads,
    // Queue rather than refuse: the HTTP layer bounds the work that can arrive.
    maxQueue: Number.POSITIVE_INFINITY,
  });
  return {
    threads,
    engine,
    async sign(keyJwk, params, input) {
      return resultOf(await piscina.run({ keyJwk, params, input, engine }));
    },
    close: () => piscina.close(),
  };
}
