// The native API's requests (`POST /v1/sign`, `/v1/verify`, the items of `/v1/sign/batch`) and their base64 fields.
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { ServerError } from '../errors.js';

/** `POST /v1/sign` (and one item of `/v1/sign/batch`) as parsed. */
export interface NativeSignRequest {
  readonly key: string;
  readonly algorithm: string;
  readonly message?: string | undefined;
  readonly digest?: string | undefined;
  readonly format?: EcdsaSignatureFormat | undefined;
}

/** `POST /v1/verify` as parsed. */
export interface NativeVerifyRequest extends NativeSignRequest {
  readonly signature: string;
  readonly keyVersion?: number | undefined;
}

/** The answer of `POST /v1/sign` (and one item of `/v1/sign/batch`). */
export interface NativeSignResult {
  readonly signature: string;
  readonly keyId: string;
  readonly keyVersion: number;
  readonly algorithm: string;
}

/**
 * Bytes of standard or URL-safe base64 (padding optional).
 * @throws {ServerError} ERR_VALIDATION for anything else
 */
export function decodeBase64(text: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new ServerError('ERR_VALIDATION', `${field} must be base64`);
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/**
 * The message or digest of a native request.
 * @throws {ServerError} ERR_VALIDATION unless exactly one of them is given, as base64
 */
export function nativeSignInput(request: Pick<NativeSignRequest, 'message' | 'digest'>): SignInput {
  if ((request.message === undefined) === (request.digest === undefined)) {
    throw new ServerError('ERR_VALIDATION', 'exactly one of message and digest is required');
  }
  return request.message !== undefined
    ? { message: decodeBase64(request.message, 'message') }
    : { digest: decodeBase64(request.digest ?? '', 'digest') };
}
