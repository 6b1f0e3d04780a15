// RSA benchmark: PKCS#1 v1.5 and PSS sign/verify at 2048/3072/4096 bits, crypto-core vs node:crypto and JS libraries.
import {
  constants,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { getHash } from '../src/hash.js';
import type { RsaPrivateKey } from '../src/key-types.js';
import { rsaPublicKey, rsaSign, rsaVerify } from '../src/rsa.js';
import type { BenchCase } from './harness.js';

// Competitors live in benchmark/node_modules only; loaded untyped through require.
const require = createRequire(import.meta.url);

interface ForgeMd {
  update(bytes: string): ForgeMd;
  digest(): { getBytes(): string };
}
interface ForgeKey {
  sign(md: ForgeMd, scheme?: unknown): string;
  verify(digest: string, signature: string, scheme?: unknown): boolean;
}
interface Forge {
  pki: { privateKeyFromPem(pem: string): ForgeKey; publicKeyFromPem(pem: string): ForgeKey };
  md: { sha256: { create(): ForgeMd } };
  mgf: { mgf1: { create(md: ForgeMd): unknown } };
  pss: { create(options: { md: ForgeMd; mgf: unknown; saltLength: number }): unknown };
}
interface JsrsasignSignature {
  init(key: unknown): void;
  updateHex(hex: string): void;
  sign(): string;
  verify(signatureHex: string): boolean;
}
interface Jsrsasign {
  KEYUTIL: { getKey(pem: string): unknown };
  KJUR: { crypto: { Signature: new (options: { alg: string; psssaltlen?: number }) => JsrsasignSignature } };
}
interface MicroSigner {
  sign(key: { n: bigint; d: bigint }, message: Uint8Array): Uint8Array;
  verify(key: { n: bigint; e: bigint }, message: Uint8Array, signature: Uint8Array): boolean;
}
interface MicroRsa {
  PKCS1_SHA256: MicroSigner;
  PSS(hash: unknown, mgf: unknown, saltLength: number): MicroSigner;
  mgf1(hash: unknown): unknown;
}

const forge = require('node-forge') as Forge;
const jsrsasign = require('jsrsasign') as Jsrsasign;

function bigintFromB64url(value: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(value ?? '', 'base64url').toString('hex')}`);
}

function ourKey(privateKey: KeyObject): RsaPrivateKey {
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    kty: 'RSA',
    n: bigintFromB64url(jwk.n),
    e: bigintFromB64url(jwk.e),
    d: bigintFromB64url(jwk.d),
    p: bigintFromB64url(jwk.p),
    q: bigintFromB64url(jwk.q),
    dp: bigintFromB64url(jwk.dp),
    dq: bigintFromB64url(jwk.dq),
    qi: bigintFromB64url(jwk.qi),
  };
}

/** Every RSA case: the same key (per size) and the same 64-byte message for every implementation. */
export async function cases(): Promise<BenchCase[]> {
  const micro = (await import('micro-rsa-dsa-dh/rsa.js')) as unknown as MicroRsa;
  const sha256 = getHash('SHA-256').noble;
  const microPss = micro.PSS(sha256, micro.mgf1(sha256), 32);
  const message = new Uint8Array(64).map((_, i) => i);
  const messageBinary = Buffer.from(message).toString('binary');
  const messageHex = Buffer.from(message).toString('hex');
  const pssNode = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const forgePss = () =>
    forge.pss.create({
      md: forge.md.sha256.create(),
      mgf: forge.mgf.mgf1.create(forge.md.sha256.create()),
      saltLength: 32,
    });
  const list: BenchCase[] = [];

  for (const bits of [2048, 3072, 4096]) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    const key = ourKey(privateKey);
    const pub = rsaPublicKey(key);
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const forgePrivate = forge.pki.privateKeyFromPem(privatePem);
    const forgePublic = forge.pki.publicKeyFromPem(publicPem);
    const jsrsaPrivate = jsrsasign.KEYUTIL.getKey(privatePem);
    const jsrsaPublic = jsrsasign.KEYUTIL.getKey(publicPem);
    const pkcs1Signature = new Uint8Array(nodeSign('sha256', message, privateKey));
    const pssSignature = new Uint8Array(nodeSign('sha256', message, { key: privateKey, ...pssNode }));
    const digestBinary = forge.md.sha256.create().update(messageBinary).digest().getBytes();
    const prefix = `rsa${bits}`;

    const jsrsaSign = (alg: string) => () => {
      const signer = new jsrsasign.KJUR.crypto.Signature({ alg, psssaltlen: 32 });
      signer.init(jsrsaPrivate);
      signer.updateHex(messageHex);
      return signer.sign();
    };
    const jsrsaVerify = (alg: string, signature: Uint8Array) => {
      const signatureHex = Buffer.from(signature).toString('hex');
      return () => {
        const verifier = new jsrsasign.KJUR.crypto.Signature({ alg, psssaltlen: 32 });
        verifier.init(jsrsaPublic);
        verifier.updateHex(messageHex);
        return verifier.verify(signatureHex);
      };
    };
    const pkcs1Binary = Buffer.from(pkcs1Signature).toString('binary');
    const pssBinary = Buffer.from(pssSignature).toString('binary');

    list.push(
      {
        name: `${prefix}-pkcs1-sign`,
        impl: 'crypto-core',
        run: () => rsaSign(key, { scheme: 'pkcs1', hash: 'SHA-256' }, { message }),
      },
      {
        name: `${prefix}-pkcs1-sign`,
        impl: 'node:crypto',
        run: () => nodeSign('sha256', message, privateKey),
      },
      {
        name: `${prefix}-pkcs1-sign`,
        impl: 'node-forge',
        run: () => forgePrivate.sign(forge.md.sha256.create().update(messageBinary)),
      },
      { name: `${prefix}-pkcs1-sign`, impl: 'jsrsasign', run: jsrsaSign('SHA256withRSA') },
      {
        name: `${prefix}-pkcs1-sign`,
        impl: 'micro-rsa-dsa-dh',
        run: () => micro.PKCS1_SHA256.sign(key, message),
      },
      {
        name: `${prefix}-pkcs1-verify`,
        impl: 'crypto-core',
        run: () => rsaVerify(pub, { scheme: 'pkcs1', hash: 'SHA-256' }, { message }, pkcs1Signature),
      },
      {
        name: `${prefix}-pkcs1-verify`,
        impl: 'node:crypto',
        run: () => nodeVerify('sha256', message, publicKey, pkcs1Signature),
      },
      {
        name: `${prefix}-pkcs1-verify`,
        impl: 'node-forge',
        run: () =>
          forgePublic.verify(forge.md.sha256.create().update(messageBinary).digest().getBytes(), pkcs1Binary),
      },
      {
        name: `${prefix}-pkcs1-verify`,
        impl: 'jsrsasign',
        run: jsrsaVerify('SHA256withRSA', pkcs1Signature),
      },
      {
        name: `${prefix}-pkcs1-verify`,
        impl: 'micro-rsa-dsa-dh',
        run: () => micro.PKCS1_SHA256.verify(pub, message, pkcs1Signature),
      },
      {
        name: `${prefix}-pss-sign`,
        impl: 'crypto-core',
        run: () => rsaSign(key, { scheme: 'pss', hash: 'SHA-256' }, { message }),
      },
      {
        name: `${prefix}-pss-sign`,
        impl: 'node:crypto',
        run: () => nodeSign('sha256', message, { key: privateKey, ...pssNode }),
      },
      {
        name: `${prefix}-pss-sign`,
        impl: 'node-forge',
        run: () => forgePrivate.sign(forge.md.sha256.create().update(messageBinary), forgePss()),
      },
      { name: `${prefix}-pss-sign`, impl: 'jsrsasign', run: jsrsaSign('SHA256withRSAandMGF1') },
      { name: `${prefix}-pss-sign`, impl: 'micro-rsa-dsa-dh', run: () => microPss.sign(key, message) },
      {
        name: `${prefix}-pss-verify`,
        impl: 'crypto-core',
        run: () => rsaVerify(pub, { scheme: 'pss', hash: 'SHA-256' }, { message }, pssSignature),
      },
      {
        name: `${prefix}-pss-verify`,
        impl: 'node:crypto',
        run: () => nodeVerify('sha256', message, { key: publicKey, ...pssNode }, pssSignature),
      },
      {
        name: `${prefix}-pss-verify`,
        impl: 'node-forge',
        run: () => forgePublic.verify(digestBinary, pssBinary, forgePss()),
      },
      {
        name: `${prefix}-pss-verify`,
        impl: 'jsrsasign',
        run: jsrsaVerify('SHA256withRSAandMGF1', pssSignature),
      },
      {
        name: `${prefix}-pss-verify`,
        impl: 'micro-rsa-dsa-dh',
        run: () => microPss.verify(pub, message, pssSignature),
      },
    );
  }
  // Sanity: every implementation's output must be valid before it is timed.
  for (const benchCase of list) {
    const result = benchCase.run();
    if (result === false) throw new Error(`${benchCase.name} ${benchCase.impl} failed its sanity check`);
  }
  return list;
}
