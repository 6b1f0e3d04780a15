// PingOne customer credential signing (seed 000): parse a `payloads.payload`, check it against a key, produce
// `signedData`, and verify a response against the registered public JWKs.
import { base64ToBytes, base64urlToBytes, bytesToBase64url, utf8ToBytes } from '@sigil/crypto-core/encoding';
import { isCryptoError } from '@sigil/crypto-core/errors';
import {
  assertKeyMatchesAlgorithm,
  type JwsHeader,
  parseJwsSigningInput,
  signJwsSigningInput,
  verifyJwsSigningInput,
} from '@sigil/crypto-core/jws';
import type { PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import { importJwk, type Jwk } from '@sigil/crypto-core/keys';
import { ProtocolError } from '../errors.js';
import { type PingOneAlgorithm, pingOneAlgorithm } from './pingone-algorithms.js';
import type {
  PingOneSigningKey,
  PingOneSigningPayload,
  PingOneSigningRequest,
  PingOneSigningResponse,
} from './pingone-schema.js';

/** A parsed `payloads.payload`: the JWT header, the credential and the exact bytes to sign. */
export interface PingOneSigningInput {
  readonly header: JwsHeader;
  readonly alg: PingOneAlgorithm;
  /** The decoded credential (the JWT payload). */
  readonly payload: Uint8Array;
  /** ASCII of `payloads.payload` as received: what the signature covers (RFC 7515 §5.1 step 5). */
  readonly signingInput: Uint8Array;
}

/**
 * Parses a `payloads.payload`: "the base64-encoded JWT header ... and the base64-encoded payload ... separated by a
 * literal period" (seed 000). The header must be a JSON object whose `alg` PingOne can use.
 * @throws {ProtocolError} ERR_PINGONE_SIGNING_INPUT when it is not a JWS signing input; ERR_PINGONE_ALGORITHM
 */
export function parsePingOneSigningInput(payload: string): PingOneSigningInput {
  let parsed: ReturnType<typeof parseJwsSigningInput>;
  try {
    parsed = parseJwsSigningInput(payload);
  } catch (cause) {
    throw new ProtocolError(
      'ERR_PINGONE_SIGNING_INPUT',
      `payload is not a JWS signing input: ${messageOf(cause)}`,
      {
        cause,
        status: 400,
      },
    );
  }
  const alg = parsed.header.alg;
  pingOneAlgorithm(alg);
  return {
    header: parsed.header,
    alg: alg as PingOneAlgorithm,
    payload: parsed.payload,
    signingInput: utf8ToBytes(payload),
  };
}

/** A key the signing service holds for one registered JWK: its `kid`, public half and registered `alg`. */
export interface PingOneKeyBinding {
  /** The `kid` of the registered JWK. */
  readonly kid: string;
  /** The key (its public half is enough for the checks). */
  readonly publicKey: PublicKey | PrivateKey;
  /** The `alg` the JWK was registered with, when known. */
  readonly alg?: string | undefined;
}

/**
 * Checks a signing input against the item that carried it and the key chosen for it: the key's `kid` is the
 * item's, a `kid` in the header agrees, the header `alg` is the registered one and suits the key.
 * @throws {ProtocolError} ERR_PINGONE_KEY for a `kid` disagreement; ERR_PINGONE_ALGORITHM for an `alg` the key cannot serve
 */
export function assertPingOneKeyMatches(
  input: PingOneSigningInput,
  item: Pick<PingOneSigningPayload, 'kid'>,
  key: PingOneKeyBinding,
): void {
  if (key.kid !== item.kid) {
    throw new ProtocolError(
      'ERR_PINGONE_KEY',
      `key ${JSON.stringify(key.kid)} is not kid ${JSON.stringify(item.kid)}`,
      {
        status: 400,
      },
    );
  }
  if (input.header.kid !== undefined && input.header.kid !== item.kid) {
    throw new ProtocolError(
      'ERR_PINGONE_KEY',
      `the JWS protected header's kid ${JSON.stringify(input.header.kid)} (inside payloads[].payload) is not the ` +
        `payload's kid field ${JSON.stringify(item.kid)}: both must name the same registered signing key (the kid ` +
        'of its JWK), so send the payload with the kid field equal to the header kid',
      {
        status: 400,
      },
    );
  }
  if (key.alg !== undefined && key.alg !== input.alg) {
    throw new ProtocolError(
      'ERR_PINGONE_ALGORITHM',
      `header alg ${input.alg} is not the key's alg ${key.alg}`,
      {
        status: 400,
      },
    );
  }
  try {
    assertKeyMatchesAlgorithm(input.alg, key.publicKey);
  } catch (cause) {
    throw new ProtocolError('ERR_PINGONE_ALGORITHM', `header alg ${input.alg} does not suit key ${key.kid}`, {
      cause,
      status: 400,
    });
  }
}

/**
 * Signs JWS signing input bytes with `alg`, returning the raw JWS Signature (ECDSA as R||S, RFC 7518 §3.4).
 * Local keys, Fortanix and SignPath providers all fit behind it.
 */
export type PingOneSignFunction = (alg: PingOneAlgorithm, signingInput: Uint8Array) => Promise<Uint8Array>;

/** A key binding that can sign. */
export interface PingOneSigner extends PingOneKeyBinding {
  readonly sign: PingOneSignFunction;
}

/** A {@link PingOneSigner} over a crypto-core private key. */
export function pingOneSignerFromKey(kid: string, privateKey: PrivateKey, alg?: string): PingOneSigner {
  return {
    kid,
    publicKey: privateKey,
    alg,
    sign: async (signingAlg, signingInput) => signJwsSigningInput(signingAlg, privateKey, signingInput),
  };
}

/** Finds the signer for one payload item (by `kid` or `credentialSigningKeyId`, seed 000), or undefined. */
export type PingOneSignerLookup = (
  item: PingOneSigningPayload,
) => PingOneSigner | undefined | Promise<PingOneSigner | undefined>;

/** Options of {@link signPingOneRequest}. */
export interface SignPingOneRequestOptions {
  /**
   * Verify each signature against the key's public half before returning it (default true). Turn it off only when
   * every signer already checks its own output (verify-after-sign), as a signing server's providers do.
   */
  readonly verifySignatures?: boolean;
}

/**
 * Answers a credential signing request: each payload is parsed, checked against its key, signed, and the signature
 * verified against the key's public half before it is returned (so a remote signer's DER or wrong-key output never
 * leaves). `signedData` follows the order of `payloads`; signatures are base64url.
 * @throws {ProtocolError} ERR_PINGONE_SIGNING_INPUT, ERR_PINGONE_ALGORITHM, ERR_PINGONE_KEY (no key for an item),
 * ERR_PINGONE_SIGNATURE (a signer's output does not verify), or what a signer throws
 */
export async function signPingOneRequest(
  request: PingOneSigningRequest,
  signerFor: PingOneSignerLookup,
  options: SignPingOneRequestOptions = {},
): Promise<PingOneSigningResponse> {
  const verify = options.verifySignatures ?? true;
  const signedData = await Promise.all(
    request.payloads.map(async (item, index) => {
      const input = parsePingOneSigningInput(item.payload);
      const signer = await signerFor(item);
      if (signer === undefined) {
        throw new ProtocolError('ERR_PINGONE_KEY', `payloads[${index}]: no signing key for kid ${item.kid}`, {
          status: 400,
        });
      }
      assertPingOneKeyMatches(input, item, signer);
      const signature = await signer.sign(input.alg, input.signingInput);
      if (verify && !verifyJwsSigningInput(input.alg, signer.publicKey, input.signingInput, signature)) {
        throw new ProtocolError(
          'ERR_PINGONE_SIGNATURE',
          `payloads[${index}]: the signer's output does not verify`,
        );
      }
      return { payload: item.payload, signature: bytesToBase64url(signature) };
    }),
  );
  return { signedData };
}

/** What {@link verifyPingOneSigningResponse} checked for one payload. */
export interface PingOneVerifiedPayload {
  readonly index: number;
  readonly credentialSigningKeyId: string;
  readonly alg: PingOneAlgorithm;
}

/**
 * Verifies a signing service's response against the request and the registered keys (what PingOne does before it
 * issues): every payload has exactly one signed entry, signed by the key its `credentialSigningKeyId` names, under
 * the registered `alg`.
 * @throws {ProtocolError} ERR_PINGONE_SIGNATURE (missing, extra or failing signatures), ERR_PINGONE_KEY (unknown key
 * or `kid`), ERR_PINGONE_ALGORITHM, ERR_PINGONE_SIGNING_INPUT
 */
export function verifyPingOneSigningResponse(
  request: PingOneSigningRequest,
  response: PingOneSigningResponse,
  registeredKeys: readonly PingOneSigningKey[],
): PingOneVerifiedPayload[] {
  if (response.signedData.length !== request.payloads.length) {
    throw new ProtocolError(
      'ERR_PINGONE_SIGNATURE',
      `signedData has ${response.signedData.length} entries for ${request.payloads.length} payloads`,
    );
  }
  const unused = new Set(response.signedData.keys());
  return request.payloads.map((item, index) => {
    const match = [...unused].find((position) => response.signedData[position]?.payload === item.payload);
    if (match === undefined)
      throw new ProtocolError('ERR_PINGONE_SIGNATURE', `payloads[${index}] was not signed`);
    unused.delete(match);
    const registered = registeredKeys.find((key) => key.id === item.credentialSigningKeyId);
    if (registered === undefined || registered.jwk.kid !== item.kid) {
      throw new ProtocolError(
        'ERR_PINGONE_KEY',
        `payloads[${index}]: no registered key ${item.credentialSigningKeyId}`,
      );
    }
    const input = parsePingOneSigningInput(item.payload);
    let publicKey: ReturnType<typeof importJwk>;
    try {
      publicKey = importJwk(registered.jwk as Jwk);
    } catch (cause) {
      throw new ProtocolError('ERR_PINGONE_KEY', `registered key ${registered.id} is not a usable JWK`, {
        cause,
      });
    }
    if (publicKey.kty === 'oct')
      throw new ProtocolError('ERR_PINGONE_KEY', `registered key ${registered.id} is symmetric`);
    assertPingOneKeyMatches(input, item, { kid: registered.jwk.kid, publicKey, alg: registered.jwk.alg });
    const signature = decodeSignature(response.signedData[match]?.signature ?? '');
    if (
      signature === undefined ||
      !verifyJwsSigningInput(input.alg, publicKey, input.signingInput, signature)
    ) {
      throw new ProtocolError('ERR_PINGONE_SIGNATURE', `payloads[${index}]: signature does not verify`);
    }
    return { index, credentialSigningKeyId: registered.id, alg: input.alg };
  });
}

// Seed 000 calls the signature "base64-encoded"; JOSE needs base64url. Accept both, padded standard base64 included.
function decodeSignature(text: string): Uint8Array | undefined {
  try {
    return /[+/=]/.test(text) ? base64ToBytes(text) : base64urlToBytes(text);
  } catch {
    return undefined;
  }
}

function messageOf(cause: unknown): string {
  return isCryptoError(cause) || cause instanceof Error ? cause.message : String(cause);
}
