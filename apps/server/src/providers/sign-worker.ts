// The signing worker: one private operation per task; the key arrives as JWK text for that task only and is dropped.
import { isCryptoError } from '@sigil/crypto-core/errors';
import { importJwk, type Jwk } from '@sigil/crypto-core/keys';
import { ServerError } from '../errors.js';
import { type SigningKey, signWithKey } from './local.js';
import { rsaEngineNamed } from './node-rsa-engine.js';
import type { SignTask, SignTaskResult } from './signing-pool.js';

/** Signs one task; failures come back as codes, since errors lose their class across threads. */
export default function signTask(task: SignTask): SignTaskResult {
  try {
    const key = importJwk(JSON.parse(task.keyJwk) as Jwk) as SigningKey;
    const signature = signWithKey(key, task.params, task.input, rsaEngineNamed(task.engine));
    return { signature };
  } catch (error) {
    if (error instanceof ServerError)
      return { error: { kind: 'server', code: error.code, message: error.message } };
    if (isCryptoError(error)) return { error: { kind: 'crypto', code: error.code, message: error.message } };
    return { error: { kind: 'internal', code: 'ERR_INTERNAL', message: String((error as Error)?.message) } };
  }
}
