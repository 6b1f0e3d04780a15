import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import { importJwk, type Jwk } from '@sigil/crypto-core/keys';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type PingOneSigner,
  type PingOneSigningKey,
  type PingOneSigningRequest,
  parsePingOneSigningInput,
  pingOneSignerFromKey,
  pingOneSigningResponseSchema,
  signPingOneRequest,
  verifyPingOneSigningResponse,
} from '../src/pingone/index.js';

interface TestKey {
  readonly id: string;
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256' | 'PS256';
  readonly privateKey: KeyObject;
  readonly jwk: Jwk & { kid: string; alg: string; kty: string };
}

function testKey(id: string, kid: string, alg: TestKey['alg']): TestKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    id,
    kid,
    alg,
    privateKey: pair.privateKey,
    jwk: { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid, alg },
  };
}

const ecKey = testKey('4b9d7c1e-2f3a-4e5b-8c6d-7e8f9a0b1c2d', 'issuer-ec', 'ES256');
const rsaKey = testKey('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'issuer-rsa', 'RS256');
const registered: PingOneSigningKey[] = [ecKey, rsaKey].map((key) => ({
  id: key.id,
  enabled: true,
  jwk: key.jwk,
}));

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const credential = {
  vc: { type: ['VerifiableCredential', 'EmployeeCredential'], credentialSubject: { name: 'Ada' } },
};
const signingInputFor = (key: TestKey, header: Record<string, unknown> = {}) =>
  `${b64url({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })}.${b64url(credential)}`;
const itemFor = (key: TestKey, header?: Record<string, unknown>) => ({
  payload: signingInputFor(key, header),
  kid: key.kid,
  credentialSigningKeyId: key.id,
});

// A signer the way the server's remote providers will look: an async callback, here backed by node:crypto.
function nodeSigner(
  key: TestKey,
  options: { dsaEncoding?: 'der' | 'ieee-p1363' } = { dsaEncoding: 'ieee-p1363' },
): PingOneSigner {
  return {
    kid: key.kid,
    alg: key.alg,
    publicKey: importJwk(key.jwk) as PublicKey,
    sign: async (_alg, signingInput) =>
      new Uint8Array(
        sign('sha256', signingInput, { key: key.privateKey, ...(key.alg === 'ES256' ? options : {}) }),
      ),
  };
}
const lookup = (signers: PingOneSigner[]) => (item: { kid: string }) =>
  signers.find((signer) => signer.kid === item.kid);

describe('parsePingOneSigningInput', () => {
  it('splits header and credential and keeps the exact bytes to sign', () => {
    const payload = signingInputFor(ecKey);
    const input = parsePingOneSigningInput(payload);
    expect(input.alg).toBe('ES256');
    expect(input.header).toEqual({ alg: 'ES256', kid: 'issuer-ec', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(input.payload).toString())).toEqual(credential);
    expect(Buffer.from(input.signingInput).toString()).toBe(payload);
  });

  it.each([
    ['no period', 'abc', 'ERR_PINGONE_SIGNING_INPUT'],
    [
      'a header that is not JSON',
      `${Buffer.from('nope').toString('base64url')}.${b64url(credential)}`,
      'ERR_PINGONE_SIGNING_INPUT',
    ],
    ['a header without alg', `${b64url({ kid: 'x' })}.${b64url(credential)}`, 'ERR_PINGONE_SIGNING_INPUT'],
    ['alg none', `${b64url({ alg: 'none' })}.${b64url(credential)}`, 'ERR_PINGONE_ALGORITHM'],
    ['alg HS256', `${b64url({ alg: 'HS256' })}.${b64url(credential)}`, 'ERR_PINGONE_ALGORITHM'],
  ])('refuses %s', (_name, payload, code) => {
    expect(() => parsePingOneSigningInput(payload)).toThrow(expect.objectContaining({ code }));
  });
});

describe('signPingOneRequest', () => {
  const request: PingOneSigningRequest = {
    purpose: 'test issuance',
    payloads: [itemFor(ecKey), itemFor(rsaKey), itemFor(ecKey)],
  };

  it('produces signedData in request order that jose verifies against the registered JWKs', async () => {
    const response = await signPingOneRequest(request, lookup([nodeSigner(ecKey), nodeSigner(rsaKey)]));
    expect(pingOneSigningResponseSchema.parse(response)).toEqual(response);
    expect(response.signedData.map((entry) => entry.payload)).toEqual(
      request.payloads.map((item) => item.payload),
    );
    for (const [index, entry] of response.signedData.entries()) {
      const key = index === 1 ? rsaKey : ecKey;
      const { payload } = await compactVerify(
        `${entry.payload}.${entry.signature}`,
        await importJWK(key.jwk, key.alg),
      );
      expect(JSON.parse(Buffer.from(payload).toString())).toEqual(credential);
    }
    expect(verifyPingOneSigningResponse(request, response, registered)).toEqual([
      { index: 0, credentialSigningKeyId: ecKey.id, alg: 'ES256' },
      { index: 1, credentialSigningKeyId: rsaKey.id, alg: 'RS256' },
      { index: 2, credentialSigningKeyId: ecKey.id, alg: 'ES256' },
    ]);
  });

  it('signs with a crypto-core private key through pingOneSignerFromKey', async () => {
    const privateJwk = ecKey.privateKey.export({ format: 'jwk' }) as Jwk;
    const signer = pingOneSignerFromKey(ecKey.kid, importJwk(privateJwk) as PrivateKey, 'ES256');
    const single = { payloads: [itemFor(ecKey)] };
    const response = await signPingOneRequest(single, () => signer);
    const entry = response.signedData[0];
    await expect(
      compactVerify(`${entry?.payload}.${entry?.signature}`, await importJWK(ecKey.jwk, 'ES256')),
    ).resolves.toBeTruthy();
  });

  it('rejects a header alg the key cannot serve', async () => {
    const mismatched = { payloads: [itemFor(rsaKey, { alg: 'ES256' })] };
    await expect(signPingOneRequest(mismatched, lookup([nodeSigner(rsaKey)]))).rejects.toMatchObject({
      code: 'ERR_PINGONE_ALGORITHM',
      status: 400,
    });
    const wrongRegisteredAlg = { payloads: [itemFor(rsaKey, { alg: 'PS256' })] };
    await expect(signPingOneRequest(wrongRegisteredAlg, lookup([nodeSigner(rsaKey)]))).rejects.toMatchObject({
      code: 'ERR_PINGONE_ALGORITHM',
    });
  });

  it('rejects a header kid that is not the item kid, and an item with no key', async () => {
    const otherKid = { payloads: [itemFor(ecKey, { kid: 'someone-else' })] };
    const refusal = signPingOneRequest(otherKid, lookup([nodeSigner(ecKey)]));
    await expect(refusal).rejects.toMatchObject({ code: 'ERR_PINGONE_KEY' });
    // The message names which kid is which (the JWS protected header's vs the payload's kid field) and the fix.
    const message = await refusal.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain(`JWS protected header's kid "someone-else"`);
    expect(message).toContain(`payload's kid field "${ecKey.kid}"`);
    expect(message).toMatch(/kid field equal to the header kid/);
    await expect(signPingOneRequest(request, lookup([nodeSigner(ecKey)]))).rejects.toMatchObject({
      code: 'ERR_PINGONE_KEY',
    });
  });

  it('never returns a signature that does not verify (a DER ECDSA signer)', async () => {
    await expect(
      signPingOneRequest({ payloads: [itemFor(ecKey)] }, lookup([nodeSigner(ecKey, { dsaEncoding: 'der' })])),
    ).rejects.toMatchObject({ code: 'ERR_PINGONE_SIGNATURE' });
    // A caller whose signers check their own output may skip the second check: the DER bytes then pass through.
    const unchecked = await signPingOneRequest(
      { payloads: [itemFor(ecKey)] },
      lookup([nodeSigner(ecKey, { dsaEncoding: 'der' })]),
      { verifySignatures: false },
    );
    expect(unchecked.signedData).toHaveLength(1);
  });
});

describe('verifyPingOneSigningResponse', () => {
  const request: PingOneSigningRequest = { payloads: [itemFor(ecKey), itemFor(rsaKey)] };

  it('finds entries by payload, whatever their order', async () => {
    const response = await signPingOneRequest(request, lookup([nodeSigner(ecKey), nodeSigner(rsaKey)]));
    const reversed = { signedData: [...response.signedData].reverse() };
    expect(verifyPingOneSigningResponse(request, reversed, registered)).toHaveLength(2);
  });

  it('accepts a standard base64 signature, as seed 000 literally says', async () => {
    const response = await signPingOneRequest(request, lookup([nodeSigner(ecKey), nodeSigner(rsaKey)]));
    const standard = {
      signedData: response.signedData.map((entry) => ({
        ...entry,
        signature: Buffer.from(entry.signature, 'base64url').toString('base64'),
      })),
    };
    expect(verifyPingOneSigningResponse(request, standard, registered)).toHaveLength(2);
  });

  it('rejects tampered, missing, extra and foreign-key answers', async () => {
    const response = await signPingOneRequest(request, lookup([nodeSigner(ecKey), nodeSigner(rsaKey)]));
    const [first, second] = response.signedData as [
      { payload: string; signature: string },
      { payload: string; signature: string },
    ];
    const flipped = `${first.signature.slice(0, 10)}${first.signature[10] === 'A' ? 'B' : 'A'}${first.signature.slice(11)}`;
    expect(() =>
      verifyPingOneSigningResponse(
        request,
        { signedData: [{ ...first, signature: flipped }, second] },
        registered,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_PINGONE_SIGNATURE' }));
    expect(() => verifyPingOneSigningResponse(request, { signedData: [first] }, registered)).toThrow(
      expect.objectContaining({ code: 'ERR_PINGONE_SIGNATURE' }),
    );
    expect(() => verifyPingOneSigningResponse(request, { signedData: [first, first] }, registered)).toThrow(
      expect.objectContaining({ code: 'ERR_PINGONE_SIGNATURE' }),
    );
    expect(() =>
      verifyPingOneSigningResponse(
        request,
        { signedData: [first, { ...second, signature: first.signature }] },
        registered,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_PINGONE_SIGNATURE' }));
    expect(() => verifyPingOneSigningResponse(request, response, registered.slice(0, 1))).toThrow(
      expect.objectContaining({ code: 'ERR_PINGONE_KEY' }),
    );
  });
});
