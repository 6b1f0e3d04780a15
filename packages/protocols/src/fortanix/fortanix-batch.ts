// Fortanix DSM batch assembly (seed 003: per-item status, results in request order) and the sign result body.
import { bytesToBase64 } from '@sigil/crypto-core/encoding';
import { isCryptoError } from '@sigil/crypto-core/errors';
import { isProtocolError } from '../errors.js';
import type { FortanixSignResponse } from './fortanix-schema.js';

/** A sign result body: `kid` for persisted keys (omitted for transient ones) and the base64 signature. */
export function fortanixSignBody(kid: string | undefined, signature: Uint8Array): FortanixSignResponse {
  return { ...(kid === undefined ? {} : { kid }), signature: bytesToBase64(signature) };
}

/** One batch result: `{status, body}` on success, `{status, error}` on failure (seed 003). */
export type FortanixBatchResult<TBody> = { status: number; body: TBody } | { status: number; error: string };

/**
 * Runs `handle` on every item and assembles the batch answer in request order: a returned body becomes
 * `{status: 200, body}`; a ProtocolError becomes `{status: error.status ?? 400, error: message}` and a crypto-core
 * error `{status: 400, error}`, so one bad item does not fail the batch.
 * @throws whatever `handle` throws that is neither a ProtocolError nor a CryptoError (a bug, not a bad item)
 */
export async function runFortanixBatch<TItem, TBody>(
  items: readonly TItem[],
  handle: (item: TItem, index: number) => TBody | Promise<TBody>,
): Promise<FortanixBatchResult<TBody>[]> {
  return Promise.all(
    items.map(async (item, index): Promise<FortanixBatchResult<TBody>> => {
      try {
        return { status: 200, body: await handle(item, index) };
      } catch (error) {
        if (isProtocolError(error)) return { status: error.status ?? 400, error: error.message };
        if (isCryptoError(error)) return { status: 400, error: error.message };
        throw error;
      }
    }),
  );
}
