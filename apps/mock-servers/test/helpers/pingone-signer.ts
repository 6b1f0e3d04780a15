// Test helper: a tiny customer credential signing service (node:http + node:crypto) that PingOne's mock calls.
import {
  constants,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the signer misbehaves, if at all. */
export type SignerMode =
  | 'good'
  | 'wrong-key'
  | 'missing'
  | 'malformed'
  | 'der-ecdsa'
  | 'standard-base64'
  | 'error-500';

/** A running signer. */
export interface TestSigner {
  readonly url: string;
  mode: SignerMode;
  /** Requests received: headers and bodies. */
  readonly received: Array<{ headers: Record<string, string | string[] | undefined>; body: unknown }>;
  addKey(kid: string, privateJwk: JsonWebKey): void;
  close(): Promise<void>;
}

const HASH: Record<string, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  ES256K: 'sha256',
  EdDSA: null,
};

function signJws(
  alg: string,
  key: KeyObject,
  signingInput: string,
  dsaEncoding: 'der' | 'ieee-p1363',
): Buffer {
  const hash = HASH[alg] ?? null;
  if (alg.startsWith('PS')) {
    return sign(hash, Buffer.from(signingInput), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  if (alg.startsWith('ES')) return sign(hash, Buffer.from(signingInput), { key, dsaEncoding });
  return sign(hash, Buffer.from(signingInput), key);
}

/** Starts a signer on a free loopback port; it requires `requiredHeader` when given. */
export async function startTestSigner(requiredHeader?: { name: string; value: string }): Promise<TestSigner> {
  const keys = new Map<string, KeyObject>();
  const wrongKeys = new Map<string, KeyObject>();
  // A fresh key of the same type and size: a signature that parses but belongs to another key.
  const wrongKeyFor = (kid: string, key: KeyObject): KeyObject => {
    const cached = wrongKeys.get(kid);
    if (cached !== undefined) return cached;
    const details = key.asymmetricKeyDetails;
    const fresh =
      key.asymmetricKeyType === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: details?.modulusLength ?? 2048 }).privateKey
        : key.asymmetricKeyType === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: details?.namedCurve ?? 'prime256v1' }).privateKey
          : generateKeyPairSync('ed25519').privateKey;
    wrongKeys.set(kid, fresh);
    return fresh;
  };
  const signer: TestSigner = {
    url: '',
    mode: 'good',
    received: [],
    addKey(kid, privateJwk) {
      keys.set(kid, createPrivateKey({ key: privateJwk, format: 'jwk' }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    request.on('end', () => {
      const body = JSON.parse(text) as { payloads: Array<{ payload: string; kid: string }> };
      signer.received.push({ headers: request.headers, body });
      if (requiredHeader && request.headers[requiredHeader.name.toLowerCase()] !== requiredHeader.value) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      if (signer.mode === 'error-500') {
        response.writeHead(500).end('boom');
        return;
      }
      if (signer.mode === 'malformed') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"signedData": [');
        return;
      }
      const payloads = signer.mode === 'missing' ? body.payloads.slice(1) : body.payloads;
      const signedData = payloads.map((item) => {
        const header = JSON.parse(
          Buffer.from(item.payload.split('.')[0] ?? '', 'base64url').toString('utf8'),
        ) as { alg: string };
        let key = keys.get(item.kid);
        if (key === undefined) throw new Error(`signer has no key ${item.kid}`);
        if (signer.mode === 'wrong-key') key = wrongKeyFor(item.kid, key);
        const signature = signJws(
          header.alg,
          key,
          item.payload,
          signer.mode === 'der-ecdsa' ? 'der' : 'ieee-p1363',
        );
        return {
          payload: item.payload,
          signature: signature.toString(signer.mode === 'standard-base64' ? 'base64' : 'base64url'),
        };
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ signedData }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (signer as { url: string }).url =
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/pingone/credential-signing`;
  return signer;
}
