import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EcPublicKey, RsaPublicKey } from '@sigil/crypto-core/key-types';
import { describe, expect, it } from 'vitest';
import {
  buildSignPathFastResponse,
  buildSignPathPolicyEntry,
  decodeSignPathPayload,
  parseSignPathPayload,
  signPathFastSigningResponseSchema,
  signPathMySigningPoliciesResponseSchema,
  signPathPayloadDigest,
} from '../src/signpath/index.js';

const payloadJson = readFileSync(new URL('../__fixtures__/signpath/payload.json', import.meta.url), 'utf8');
const b64urlToBigInt = (text: string) => BigInt(`0x${Buffer.from(text, 'base64url').toString('hex')}`);

describe('fast signing response', () => {
  it('repeats the request in PascalCase and adds a Signature that node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const artifact = randomBytes(100);
    const camel = {
      signatureAlgorithm: 'RsaPkcs1',
      rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      base64EncodedHash: createHash('sha256').update(artifact).digest('base64'),
      metadata: { CreatingProcess: { CommandLine: 'sigil sign', User: 'ci' } },
    };
    const payload = parseSignPathPayload(camel);
    const { params, digest } = decodeSignPathPayload(payload);
    expect(params).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(digest).toEqual(signPathPayloadDigest(payload));
    // node signs SHA-256(artifact) with PKCS#1 v1.5: the signature over Base64EncodedHash.
    const signature = sign('sha256', artifact, privateKey);
    const response = buildSignPathFastResponse(payload, new Uint8Array(signature));
    expect(response).toEqual({
      SignatureAlgorithm: 'RsaPkcs1',
      RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      Base64EncodedHash: camel.base64EncodedHash,
      Metadata: camel.metadata,
      Signature: signature.toString('base64'),
    });
    expect(signPathFastSigningResponseSchema.parse(response)).toEqual(response);
    expect(verify('sha256', artifact, publicKey, Buffer.from(response.Signature, 'base64'))).toBe(true);
  });

  it('echoes the fixture request field for field', () => {
    const payload = parseSignPathPayload(payloadJson);
    const { Signature, ...echo } = buildSignPathFastResponse(payload, new Uint8Array([1, 2, 3]));
    expect(echo).toEqual(JSON.parse(payloadJson));
    expect(Signature).toBe('AQID');
  });
});

describe('MySigningPolicies entry', () => {
  const certificate = new Uint8Array(randomBytes(700));
  const ids = {
    signingPolicyId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
    signingPolicySlug: 'test-signing',
    projectSlug: 'hash-signing-test',
  };

  it('describes an RSA key as seed 002 shows: rsaParameters, PKCS#1 publicKeyBytes, key size, certificate', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const key: RsaPublicKey = { kty: 'RSA', n: b64urlToBigInt(jwk.n ?? ''), e: b64urlToBigInt(jwk.e ?? '') };
    const entry = buildSignPathPolicyEntry({ ...ids, key, certificate });
    expect(
      signPathMySigningPoliciesResponseSchema.parse({ signingPolicies: [entry] }).signingPolicies[0],
    ).toEqual(entry);
    expect(entry).toMatchObject({ ...ids, keySizeInBits: 2048, keyType: 'Rsa' });
    expect(entry.rsaParameters).toEqual({
      publicExponent: 'AQAB',
      modulus: Buffer.from(jwk.n ?? '', 'base64url').toString('base64'),
    });
    const pkcs1 = publicKey.export({ format: 'der', type: 'pkcs1' });
    expect(entry.publicKeyBytes).toBe(pkcs1.toString('base64'));
    expect(entry.publicKeyBytes.startsWith('MIIBCgKC')).toBe(true);
    expect(
      createPublicKey({
        key: Buffer.from(entry.publicKeyBytes, 'base64'),
        format: 'der',
        type: 'pkcs1',
      }).equals(publicKey),
    ).toBe(true);
    expect(Buffer.from(entry.certificateBytes, 'base64')).toEqual(Buffer.from(certificate));
  });

  it('describes a P-256 key as Ecdsa with SPKI publicKeyBytes and no rsaParameters', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x ?? '', 'base64url'),
      Buffer.from(jwk.y ?? '', 'base64url'),
    ]);
    const key: EcPublicKey = { kty: 'EC', curve: 'P-256', point: new Uint8Array(point) };
    const entry = buildSignPathPolicyEntry({ ...ids, key, certificate });
    expect(entry).toMatchObject({ keyType: 'Ecdsa', keySizeInBits: 256 });
    expect(entry.rsaParameters).toBeUndefined();
    expect(entry.publicKeyBytes).toBe(publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
  });

  it('refuses an Ed25519 key', () => {
    const key = { kty: 'OKP', curve: 'Ed25519', publicKey: new Uint8Array(32).fill(9) } as const;
    expect(() => buildSignPathPolicyEntry({ ...ids, key, certificate })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNPATH_KEY' }),
    );
  });
});
