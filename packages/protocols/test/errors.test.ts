// isProtocolError: recognises @sigil/protocols errors by name and code, not by class, and narrows to a code.
import { CryptoError } from '@sigil/crypto-core/errors';
import { describe, expect, it } from 'vitest';
import { isProtocolError, ProtocolError } from '../src/errors.js';

describe('isProtocolError', () => {
  it('accepts a ProtocolError, with or without its code, and refuses another code', () => {
    const error = new ProtocolError('ERR_FORTANIX_ITEM', 'key is required', { status: 400 });
    expect(isProtocolError(error)).toBe(true);
    expect(isProtocolError(error, 'ERR_FORTANIX_ITEM')).toBe(true);
    expect(isProtocolError(error, 'ERR_FORTANIX_MODE')).toBe(false);
  });

  it('goes by name and code, so an error from another copy of the package counts', () => {
    const copy = Object.assign(new Error('timed out'), { name: 'ProtocolError', code: 'ERR_VENDOR_TIMEOUT' });
    expect(copy instanceof ProtocolError).toBe(false);
    expect(isProtocolError(copy, 'ERR_VENDOR_TIMEOUT')).toBe(true);
  });

  it('refuses everything else', () => {
    for (const value of [
      undefined,
      null,
      'ProtocolError',
      42,
      new Error('plain'),
      new CryptoError('ERR_ENCODING', 'bad base64'),
      { name: 'ProtocolError' },
      { name: 'ProtocolError', code: 7 },
      { name: 'ServerError', code: 'ERR_FORTANIX_ITEM' },
    ]) {
      expect(isProtocolError(value), String(value)).toBe(false);
    }
  });
});
