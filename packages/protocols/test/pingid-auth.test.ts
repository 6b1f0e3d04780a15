import { createHash, randomBytes } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationHeader,
  buildCanonicalString,
  buildResponseSignature,
  createMemoryReplayStore,
  type PingIdCredentials,
  verifyAuthorizationHeader,
  verifyResponseSignature,
} from '../src/pingid/index.js';

const credentials: PingIdCredentials = {
  accountId: '130d6e82-df53-43d7-bc0b-0ffe03133f11',
  token: 'tok-5f1c2a',
  apiKey: randomBytes(32).toString('base64'),
};
const request = {
  method: 'GET',
  url: 'https://sdk.pingid.com/pingid/v1/accounts/130d6e82-df53-43d7-bc0b-0ffe03133f11/applications/c0a658e0-47dc-4cb4-80d7-1a59a6a8a620/users/tom?expand=devices',
};
const keyBytes = Buffer.from(credentials.apiKey, 'base64');
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function verifyOptions(now = new Date()) {
  return {
    credentialsFor: (accountId: string) => (accountId === credentials.accountId ? credentials : undefined),
    replayStore: createMemoryReplayStore(() => now),
    now,
  };
}

describe('PINGID-HMAC authorization header', () => {
  it('builds a header that jose verifies with the base64-decoded API key', async () => {
    const header = buildAuthorizationHeader(request, credentials, { requestId: 'req-1' });
    expect(header.startsWith('PINGID-HMAC=')).toBe(true);
    const { payload, protectedHeader } = await compactVerify(header.slice('PINGID-HMAC='.length), keyBytes);
    expect(protectedHeader).toMatchObject({
      alg: 'HS256',
      account_id: credentials.accountId,
      token: credentials.token,
      jwt_version: 'v4',
      'X-Request-ID': 'req-1',
    });
    expect(protectedHeader.expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      data: sha256Hex(buildCanonicalString(request)),
    });
  });

  it('verifies a token built with jose in the documented shape', async () => {
    const expires = new Date(Date.now() + 120_000).toISOString().slice(0, 19).concat('Z');
    const jwt = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ data: sha256Hex(buildCanonicalString(request)) })),
    )
      .setProtectedHeader({
        alg: 'HS256',
        typ: 'JWT',
        account_id: credentials.accountId,
        token: credentials.token,
        jwt_version: 'v4',
        expires,
        'X-Request-ID': 'jose-1',
      })
      .sign(keyBytes);
    const verified = await verifyAuthorizationHeader(`PINGID-HMAC=${jwt}`, request, verifyOptions());
    expect(verified).toMatchObject({ accountId: credentials.accountId, requestId: 'jose-1' });
  });

  it('rejects an expired token', async () => {
    const header = buildAuthorizationHeader(request, credentials, { now: new Date(Date.now() - 600_000) });
    await expect(verifyAuthorizationHeader(header, request, verifyOptions())).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_EXPIRED',
    });
  });

  it('rejects an expires that is not a date or lies beyond the lifetime bound', async () => {
    const far = buildAuthorizationHeader(request, credentials, { lifetimeSeconds: 86_400 });
    await expect(verifyAuthorizationHeader(far, request, verifyOptions())).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_MALFORMED',
    });
    const impossible = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ data: sha256Hex(buildCanonicalString(request)) })),
    )
      .setProtectedHeader({
        alg: 'HS256',
        account_id: credentials.accountId,
        token: credentials.token,
        jwt_version: 'v4',
        expires: '2099-99-99T99:99:99Z',
        'X-Request-ID': 'bad-date',
      })
      .sign(keyBytes);
    await expect(
      verifyAuthorizationHeader(`PINGID-HMAC=${impossible}`, request, verifyOptions()),
    ).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_MALFORMED',
    });
  });

  it('rejects a replayed X-Request-ID', async () => {
    const options = verifyOptions();
    const header = buildAuthorizationHeader(request, credentials);
    await verifyAuthorizationHeader(header, request, options);
    await expect(verifyAuthorizationHeader(header, request, options)).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_REPLAYED',
    });
  });

  it('rejects a tampered signature, payload or request', async () => {
    const header = buildAuthorizationHeader(request, credentials);
    const [head, payload, signature] = header.slice('PINGID-HMAC='.length).split('.') as [
      string,
      string,
      string,
    ];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    await expect(
      verifyAuthorizationHeader(`PINGID-HMAC=${head}.${payload}.${flipped}`, request, verifyOptions()),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_AUTH_SIGNATURE' });
    const otherPayload = Buffer.from(JSON.stringify({ data: sha256Hex('other') })).toString('base64url');
    await expect(
      verifyAuthorizationHeader(`PINGID-HMAC=${head}.${otherPayload}.${signature}`, request, verifyOptions()),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_AUTH_SIGNATURE' });
    await expect(
      verifyAuthorizationHeader(header, { ...request, method: 'DELETE' }, verifyOptions()),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_AUTH_MISMATCH' });
  });

  it('rejects alg none and a missing or foreign prefix', async () => {
    const header = Buffer.from(
      JSON.stringify({ alg: 'none', account_id: credentials.accountId, token: credentials.token }),
    ).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ data: sha256Hex(buildCanonicalString(request)) })).toString(
      'base64url',
    );
    await expect(
      verifyAuthorizationHeader(`PINGID-HMAC=${header}.${payload}.`, request, verifyOptions()),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_AUTH_MALFORMED' });
    await expect(verifyAuthorizationHeader(undefined, request, verifyOptions())).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_MISSING',
    });
    await expect(verifyAuthorizationHeader('Bearer x', request, verifyOptions())).rejects.toMatchObject({
      code: 'ERR_PINGID_AUTH_MALFORMED',
    });
  });
});

describe('X-PINGID-Signature response header', () => {
  const body = JSON.stringify({ userName: 'tom', status: 'ACTIVE' });

  it('signs a body so that jose verifies it, and verifies its own signature', async () => {
    const signature = buildResponseSignature(body, credentials.apiKey);
    const { payload } = await compactVerify(signature, keyBytes);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ data: sha256Hex(body) });
    expect(() => verifyResponseSignature(signature, body, credentials.apiKey)).not.toThrow();
  });

  it('rejects a signature over another body, a missing one, or one under another key', () => {
    const signature = buildResponseSignature(body, credentials.apiKey);
    expect(() => verifyResponseSignature(signature, `${body} `, credentials.apiKey)).toThrow(
      /does not match/,
    );
    expect(() => verifyResponseSignature(undefined, body, credentials.apiKey)).toThrow(/missing/);
    const otherKey = randomBytes(32).toString('base64');
    expect(() => verifyResponseSignature(signature, body, otherKey)).toThrow(/does not verify/);
  });
});
