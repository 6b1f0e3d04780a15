// Fortanix DSM mock logic: app sessions, security objects (persisted, transient, inline) and sign/verify with the
// parameters protocols' algorithm table gives, ECDSA as DER, honouring deterministic_signature.

import { ecdsaSign, ecdsaVerify } from '@sigil/crypto-core/ecdsa';
import { ed25519Sign, ed25519Verify } from '@sigil/crypto-core/eddsa';
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { HashName } from '@sigil/crypto-core/hash';
import { isPrivateKey, type PrivateKey, type PublicKey } from '@sigil/crypto-core/key-types';
import { exportSpki, importKey } from '@sigil/crypto-core/keys';
import { type RsaHashName, rsaSign, rsaVerify } from '@sigil/crypto-core/rsa';
import { ProtocolError } from '@sigil/protocols/errors';
import {
  type FortanixCurve,
  type FortanixKeyDescriptor,
  type FortanixSignatureParams,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixKeyTypeOf,
  fortanixSignBody,
  validateFortanixSignItem,
  validateFortanixVerifyItem,
} from '@sigil/protocols/fortanix';
import { corruptBytes } from '../admin/faults.js';
import { seededKey } from '../seed/seeded-keys.js';
import { createSeededIdSequence, createSeededRandom } from '../seed/seeded-random.js';
import { type FortanixFixtures, type FortanixKeyFixture, fortanixKeySpec } from './fortanix-fixtures.js';

/** A DSM failure: plain-text message with an HTTP status, as DSM answers errors. */
export function fortanixError(status: number, message: string): ProtocolError {
  return new ProtocolError('ERR_FORTANIX_ITEM', message, { status });
}

const CREATED_AT = '20250101T000000Z';
const CURVE_BITS: Readonly<Record<string, number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
  Ed25519: 256,
};

/** A DSM security object as `GET /crypto/v1/keys` lists it. */
export interface FortanixSobject {
  readonly kid?: string;
  readonly name?: string;
  readonly obj_type: 'RSA' | 'EC';
  readonly key_size: number;
  readonly elliptic_curve?: string;
  readonly pub_key: string;
  readonly key_ops: string[];
  readonly acct_id: string;
  readonly group_id: string;
  readonly creator: { app: string };
  readonly created_at: string;
  readonly lastused_at: string;
  readonly enabled: boolean;
  readonly state: 'Active';
  readonly transient: boolean;
  readonly never_exportable: boolean;
  readonly origin: 'FortanixHSM';
  readonly public_only: boolean;
  readonly description?: string;
  readonly transient_key?: string;
}

/** Parameters of `POST /crypto/v1/keys` this mock understands. */
export interface FortanixCreateKeyRequest {
  readonly name?: string | undefined;
  readonly obj_type: 'RSA' | 'EC';
  readonly key_size?: 2048 | 3072 | 4096 | undefined;
  readonly elliptic_curve?: FortanixCurve | undefined;
  readonly description?: string | undefined;
  readonly transient?: boolean | undefined;
}

interface Session {
  readonly appId: string;
  readonly expiresAt: number;
}

/** The Fortanix mock's state and operations. */
export interface FortanixService {
  readonly fixtures: FortanixFixtures;
  /** Opens a session for Basic app credentials. */
  authenticate(
    authorization: string | undefined,
    lifetimeSeconds: number,
  ): { accessToken: string; appId: string; expiresIn: number };
  /** The app a Bearer session token belongs to. */
  session(authorization: string | undefined): string;
  terminate(authorization: string | undefined): void;
  createKey(appId: string, request: FortanixCreateKeyRequest): FortanixSobject;
  listKeys(name: string | undefined): FortanixSobject[];
  getKey(kid: string): FortanixSobject;
  deleteKey(kid: string): void;
  sign(item: FortanixSignRequest, corrupt: boolean): FortanixSignResponse;
  verify(item: FortanixVerifyRequest): FortanixVerifyResponse;
  reset(): void;
}

function keyTypeName(key: PublicKey | PrivateKey): 'RSA' | 'EC' {
  return key.kty === 'RSA' ? 'RSA' : 'EC';
}

/** Signs per the validated parameters. */
function signWith(
  key: PrivateKey,
  params: FortanixSignatureParams,
  input: { message: Uint8Array } | { digest: Uint8Array },
  deterministic: boolean | undefined,
): Uint8Array {
  if (params.kty === 'RSA' && key.kty === 'RSA') {
    if (params.scheme === 'pss') {
      if (deterministic === true)
        throw fortanixError(400, 'deterministic signatures are not supported for RSA PSS');
      return rsaSign(
        key,
        {
          scheme: 'pss',
          hash: params.hash as RsaHashName,
          mgfHash: params.mgfHash as RsaHashName,
        },
        input,
      );
    }
    return rsaSign(key, { scheme: 'pkcs1', hash: params.hash as RsaHashName }, input);
  }
  if (params.kty === 'EC' && key.kty === 'EC') {
    // deterministic_signature: RFC 6979; otherwise (DSM's default) a hedged, randomized nonce.
    return ecdsaSign(
      key,
      {
        hash: params.hash as HashName,
        format: 'der',
        hedged: deterministic !== true,
      },
      input,
    );
  }
  if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input) return ed25519Sign(key, input.message);
  throw fortanixError(400, 'the key cannot make this signature');
}

function verifyWith(
  key: PublicKey,
  params: FortanixSignatureParams,
  input: { message: Uint8Array } | { digest: Uint8Array },
  signature: Uint8Array,
): boolean {
  if (params.kty === 'RSA' && key.kty === 'RSA') {
    return params.scheme === 'pss'
      ? rsaVerify(
          key,
          {
            scheme: 'pss',
            hash: params.hash as RsaHashName,
            mgfHash: params.mgfHash as RsaHashName,
            saltLength: 'auto',
          },
          input,
          signature,
        )
      : rsaVerify(key, { scheme: 'pkcs1', hash: params.hash as RsaHashName }, input, signature);
  }
  if (params.kty === 'EC' && key.kty === 'EC')
    return ecdsaVerify(key, { hash: params.hash as HashName, format: 'der' }, input, signature);
  if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input)
    return ed25519Verify(key, input.message, signature);
  return false;
}

// Runs crypto-core, turning its argument errors (unsupported hash for RSA, ...) into a 400 item error.
function guarded<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw fortanixError(400, error instanceof Error ? error.message : String(error));
  }
}

/** The Fortanix service over resolved fixtures; tokens, kids and created keys come from the seed. */
export function createFortanixService(fixtures: FortanixFixtures, seed: string): FortanixService {
  let sessions = new Map<string, Session>();
  let keys = new Map<string, FortanixKeyFixture>();
  let transientKeys = new Map<string, PrivateKey>();
  let nextKid = createSeededIdSequence(seed, 'fortanix/created-keys');
  let tokenRandom = createSeededRandom(seed, 'fortanix/session-tokens');
  const creators = new Map<string, string>();
  const reset = () => {
    sessions = new Map();
    keys = new Map(fixtures.keys.map((key) => [key.kid, key]));
    transientKeys = new Map();
    nextKid = createSeededIdSequence(seed, 'fortanix/created-keys');
    tokenRandom = createSeededRandom(seed, 'fortanix/session-tokens');
  };
  reset();

  function sobject(
    key: PrivateKey,
    fields: {
      kid?: string;
      name?: string;
      description?: string | undefined;
      transientKey?: string;
      creator?: string;
    },
  ): FortanixSobject {
    const type = fortanixKeyTypeOf(key);
    return {
      ...(fields.kid === undefined ? {} : { kid: fields.kid }),
      ...(fields.name === undefined ? {} : { name: fields.name }),
      obj_type: type.objType,
      key_size: key.kty === 'RSA' ? key.n.toString(2).length : (CURVE_BITS[key.curve] ?? 256),
      ...(type.objType === 'EC' ? { elliptic_curve: type.ellipticCurve } : {}),
      pub_key: bytesToBase64(exportSpki(key)),
      key_ops: ['SIGN', 'VERIFY', 'APPMANAGEABLE'],
      acct_id: fixtures.accountId,
      group_id: fixtures.groupId,
      creator: { app: fields.creator ?? fixtures.apps[0]?.appId ?? '' },
      created_at: CREATED_AT,
      lastused_at: CREATED_AT,
      enabled: true,
      state: 'Active',
      transient: fields.transientKey !== undefined,
      never_exportable: false,
      origin: 'FortanixHSM',
      public_only: false,
      ...(fields.description === undefined ? {} : { description: fields.description }),
      ...(fields.transientKey === undefined ? {} : { transient_key: fields.transientKey }),
    };
  }

  /** The key a descriptor names, and the kid to report (persisted keys only). */
  function resolve(descriptor: FortanixKeyDescriptor | undefined): {
    key: PublicKey | PrivateKey;
    kid: string | undefined;
  } {
    if (descriptor === undefined) throw fortanixError(400, 'key is required');
    if ('kid' in descriptor) {
      const found = keys.get(descriptor.kid.toLowerCase());
      if (found === undefined) throw fortanixError(404, `sobject ${descriptor.kid} does not exist`);
      return { key: found.key, kid: found.kid };
    }
    if ('name' in descriptor) {
      const found = [...keys.values()].find((candidate) => candidate.name === descriptor.name);
      if (found === undefined) throw fortanixError(404, `sobject named ${descriptor.name} does not exist`);
      return { key: found.key, kid: found.kid };
    }
    if ('transient_key' in descriptor) {
      const found = transientKeys.get(descriptor.transient_key);
      if (found === undefined) throw fortanixError(400, 'invalid transient key');
      return { key: found, kid: undefined };
    }
    let key: ReturnType<typeof importKey>;
    try {
      key = importKey(base64ToBytes(descriptor.inline.value));
    } catch (cause) {
      throw fortanixError(
        400,
        `inline key value is not a DER key: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    if (key.kty === 'oct' || keyTypeName(key) !== descriptor.inline.obj_type) {
      throw fortanixError(400, `inline key is not of obj_type ${descriptor.inline.obj_type}`);
    }
    return { key, kid: undefined };
  }

  const bearer = (authorization: string | undefined) =>
    /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();

  return {
    fixtures,
    authenticate(authorization, lifetimeSeconds) {
      const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
      const decoded = basic === undefined ? '' : Buffer.from(basic, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      const app = fixtures.apps.find(
        (candidate) =>
          separator > 0 &&
          candidate.appId === decoded.slice(0, separator) &&
          candidate.secret === decoded.slice(separator + 1),
      );
      if (app === undefined) throw fortanixError(401, 'Invalid app credentials');
      const accessToken = Buffer.from(tokenRandom(48)).toString('base64url');
      sessions.set(accessToken, { appId: app.appId, expiresAt: Date.now() + lifetimeSeconds * 1000 });
      return { accessToken, appId: app.appId, expiresIn: lifetimeSeconds };
    },
    session(authorization) {
      const token = bearer(authorization);
      const found = token === undefined ? undefined : sessions.get(token);
      if (found === undefined || found.expiresAt <= Date.now())
        throw fortanixError(401, 'Invalid or expired session token');
      return found.appId;
    },
    terminate(authorization) {
      const token = bearer(authorization);
      if (token !== undefined) sessions.delete(token);
    },
    createKey(appId, request) {
      const spec = fortanixKeySpec(request.obj_type, request.key_size, request.elliptic_curve);
      const kid = nextKid();
      const key = seededKey(seed, `fortanix/created/${kid}`, spec);
      if (request.transient === true) {
        const transientKey = Buffer.from(createSeededRandom(seed, `fortanix/transient/${kid}`)(48)).toString(
          'base64',
        );
        transientKeys.set(transientKey, key);
        return sobject(key, { transientKey, creator: appId, description: request.description });
      }
      if (request.name === undefined) throw fortanixError(400, 'name is required for a persisted key');
      if ([...keys.values()].some((candidate) => candidate.name === request.name)) {
        throw fortanixError(409, `a security object named ${request.name} already exists`);
      }
      keys.set(kid, { kid, name: request.name, description: request.description, key });
      creators.set(kid, appId);
      return sobject(key, { kid, name: request.name, description: request.description, creator: appId });
    },
    listKeys(name) {
      return [...keys.values()]
        .filter((key) => name === undefined || key.name === name)
        .map((key) =>
          sobject(key.key, {
            kid: key.kid,
            name: key.name,
            description: key.description,
            creator: creators.get(key.kid),
          }),
        );
    },
    getKey(kid) {
      const key = keys.get(kid.toLowerCase());
      if (key === undefined) throw fortanixError(404, `sobject ${kid} does not exist`);
      return sobject(key.key, {
        kid: key.kid,
        name: key.name,
        description: key.description,
        creator: creators.get(key.kid),
      });
    },
    deleteKey(kid) {
      if (!keys.delete(kid.toLowerCase())) throw fortanixError(404, `sobject ${kid} does not exist`);
    },
    sign(item, corrupt) {
      const { key, kid } = resolve(item.key);
      if (!isPrivateKey(key)) throw fortanixError(400, 'the key has no private part');
      const validated = validateFortanixSignItem(item, fortanixKeyTypeOf(key));
      const signature = guarded(() =>
        signWith(key, validated.params, validated.input, validated.deterministic),
      );
      return fortanixSignBody(kid, corrupt ? corruptBytes(signature) : signature);
    },
    verify(item) {
      const { key, kid } = resolve(item.key);
      const validated = validateFortanixVerifyItem(item, fortanixKeyTypeOf(key));
      const result = guarded(() => verifyWith(key, validated.params, validated.input, validated.signature));
      return { ...(kid === undefined ? {} : { kid }), result };
    },
    reset,
  };
}
