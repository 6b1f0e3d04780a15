// Fortanix DSM mock logic: app sessions, security objects (persisted, transient, inline) and sign/verify items
// decoded by protocols and run through crypto-core's one sign/verify entry point.
import { base64ToBytes, bytesToBase64, bytesToBase64url } from '@sigil/crypto-core/encoding';
import { isPrivateKey, type PrivateKey, type PublicKey } from '@sigil/crypto-core/key-types';
import { importKey, publicKeyOf } from '@sigil/crypto-core/keys';
import { sign, verify } from '@sigil/crypto-core/sign';
import { ProtocolError } from '@sigil/protocols/errors';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  type FortanixCreateKeyRequest,
  type FortanixKeyDescriptor,
  type FortanixListSobjectsQuery,
  type FortanixListSobjectsResponse,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixSobject,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixKeyTypeOf,
  fortanixSignBody,
  fortanixSobject,
  listFortanixSobjects,
  parseFortanixBasicCredentials,
} from '@sigil/protocols/fortanix';
import { corruptBytes } from '../admin/faults.js';
import { createSeededIdSequence, createSeededRandom } from '../seed/seeded-random.js';
import { type FortanixFixtures, type FortanixKeyFixture, seededFortanixKey } from './fortanix-fixtures.js';

/** A DSM failure: plain-text message with an HTTP status, as DSM answers errors. */
export function fortanixError(status: number, message: string): ProtocolError {
  return new ProtocolError('ERR_FORTANIX_ITEM', message, { status });
}

/** `created_at` of every object: fixed, so that answers depend on the seed alone. */
const CREATED_AT = new Date('2025-01-01T00:00:00Z');
/** The RSA sizes the mock creates keys of. */
const RSA_KEY_SIZES = [2048, 3072, 4096];

interface Session {
  readonly appId: string;
  readonly expiresAt: number;
}

/** A transient key: its material and what its Sobject says. */
interface TransientKey {
  readonly key: PrivateKey;
  readonly creator: string;
  readonly description: string | undefined;
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
  /** `POST /sys/v1/session/terminate`: ends the session whose token is presented (401 for none). */
  terminate(authorization: string | undefined): void;
  createKey(appId: string, request: FortanixCreateKeyRequest): FortanixSobject;
  /** `GET /crypto/v1/keys`: the account's persisted objects, filtered and paged as asked. */
  listKeys(query: FortanixListSobjectsQuery): FortanixListSobjectsResponse;
  /** `POST /crypto/v1/keys/info`: the Sobject a descriptor names. */
  lookupKey(descriptor: FortanixKeyDescriptor): FortanixSobject;
  deleteKey(kid: string): void;
  signItem(item: FortanixSignRequest, corrupt: boolean): FortanixSignResponse;
  verifyItem(item: FortanixVerifyRequest): FortanixVerifyResponse;
  reset(): void;
}

// Runs crypto-core, turning its argument errors into a 400 item error.
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
  let transientKeys = new Map<string, TransientKey>();
  let nextKid = createSeededIdSequence(seed, 'fortanix/created-keys');
  let tokenRandom = createSeededRandom(seed, 'fortanix/session-tokens');
  /** The app that created each key made at run time (fixture keys are the first app's). */
  const creators = new Map<string, string>();
  const reset = () => {
    sessions = new Map();
    keys = new Map(fixtures.keys.map((key) => [key.kid, key]));
    transientKeys = new Map();
    creators.clear();
    nextKid = createSeededIdSequence(seed, 'fortanix/created-keys');
    tokenRandom = createSeededRandom(seed, 'fortanix/session-tokens');
  };
  reset();

  /** A Sobject, built by protocols from the key and this account's members. */
  function sobject(
    key: PrivateKey,
    fields: { kid?: string; name?: string; description?: string | undefined; transientKey?: string },
    creator = fixtures.apps[0]?.appId ?? '',
  ): FortanixSobject {
    return fortanixSobject(key, {
      ...fields,
      acctId: fixtures.accountId,
      groupId: fixtures.groupId,
      creator: { app: creator },
      createdAt: CREATED_AT,
      enabled: true,
      origin: fields.transientKey === undefined ? 'FortanixHSM' : 'Transient',
      keyOps: ['SIGN', 'VERIFY', 'APPMANAGEABLE'],
    });
  }

  const persistedSobject = (key: FortanixKeyFixture) =>
    sobject(key.key, { kid: key.kid, name: key.name, description: key.description }, creators.get(key.kid));

  /** The persisted key a `{kid}` or `{name}` descriptor names. */
  function persisted(descriptor: { kid: string } | { name: string }): FortanixKeyFixture {
    if ('kid' in descriptor) {
      const found = keys.get(descriptor.kid.toLowerCase());
      if (found === undefined) throw fortanixError(404, `sobject ${descriptor.kid} does not exist`);
      return found;
    }
    const found = [...keys.values()].find((candidate) => candidate.name === descriptor.name);
    if (found === undefined) throw fortanixError(404, `sobject named ${descriptor.name} does not exist`);
    return found;
  }

  function transient(transientKey: string): TransientKey {
    const found = transientKeys.get(transientKey);
    if (found === undefined) throw fortanixError(400, 'invalid transient key');
    return found;
  }

  /** The key a descriptor names, and the kid to report (persisted keys only). */
  function resolve(descriptor: FortanixKeyDescriptor | undefined): {
    key: PublicKey | PrivateKey;
    kid: string | undefined;
  } {
    if (descriptor === undefined) throw fortanixError(400, 'key is required');
    if ('kid' in descriptor || 'name' in descriptor) {
      const found = persisted(descriptor);
      return { key: found.key, kid: found.kid };
    }
    if ('transient_key' in descriptor)
      return { key: transient(descriptor.transient_key).key, kid: undefined };
    let key: ReturnType<typeof importKey>;
    try {
      key = importKey(base64ToBytes(descriptor.inline.value));
    } catch (cause) {
      throw fortanixError(
        400,
        `inline key value is not a DER key: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    if (key.kty === 'oct' || fortanixKeyTypeOf(key).objType !== descriptor.inline.obj_type) {
      throw fortanixError(400, `inline key is not of obj_type ${descriptor.inline.obj_type}`);
    }
    return { key, kid: undefined };
  }

  const bearer = (authorization: string | undefined) =>
    /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();

  return {
    fixtures,
    authenticate(authorization, lifetimeSeconds) {
      const credentials = parseFortanixBasicCredentials(authorization);
      const app = fixtures.apps.find(
        (candidate) =>
          candidate.appId.toLowerCase() === credentials.appId && candidate.secret === credentials.appSecret,
      );
      if (app === undefined) throw fortanixError(401, 'Invalid app credentials');
      const accessToken = bytesToBase64url(tokenRandom(48));
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
      // Only a live session ends: anything else is the 401 every other call in a session would get.
      if (token === undefined || !sessions.has(token))
        throw fortanixError(401, 'Invalid or expired session token');
      sessions.delete(token);
    },
    createKey(appId, request) {
      if (request.obj_type === undefined) throw fortanixError(400, 'obj_type is required');
      if (request.obj_type === 'RSA' && !RSA_KEY_SIZES.includes(request.key_size ?? 2048)) {
        throw fortanixError(400, `key_size must be one of ${RSA_KEY_SIZES.join(', ')} for an RSA key`);
      }
      const kid = nextKid();
      const key = seededFortanixKey(
        seed,
        `fortanix/created/${kid}`,
        request.obj_type,
        request.elliptic_curve,
        request.key_size,
      );
      if (request.transient === true) {
        const transientKey = bytesToBase64(createSeededRandom(seed, `fortanix/transient/${kid}`)(48));
        const description = request.description ?? undefined;
        transientKeys.set(transientKey, { key, creator: appId, description });
        return sobject(key, { transientKey, description }, appId);
      }
      const name = request.name ?? undefined;
      if (name === undefined) throw fortanixError(400, 'name is required for a persisted key');
      if ([...keys.values()].some((candidate) => candidate.name === name)) {
        throw fortanixError(409, `a security object named ${name} already exists`);
      }
      const created = { kid, name, description: request.description ?? undefined, key };
      keys.set(kid, created);
      creators.set(kid, appId);
      return persistedSobject(created);
    },
    listKeys: (query) => listFortanixSobjects([...keys.values()].map(persistedSobject), query),
    lookupKey(descriptor) {
      if ('kid' in descriptor || 'name' in descriptor) return persistedSobject(persisted(descriptor));
      if ('transient_key' in descriptor) {
        const found = transient(descriptor.transient_key);
        return sobject(
          found.key,
          { transientKey: descriptor.transient_key, description: found.description },
          found.creator,
        );
      }
      throw fortanixError(400, 'an inline key is not a security object DSM holds');
    },
    deleteKey(kid) {
      if (!keys.delete(kid.toLowerCase())) throw fortanixError(404, `sobject ${kid} does not exist`);
    },
    signItem(item, corrupt) {
      const { key, kid } = resolve(item.key);
      if (!isPrivateKey(key)) throw fortanixError(400, 'the key has no private part');
      const { params, input } = decodeFortanixSignItem(item, fortanixKeyTypeOf(key));
      const signature = guarded(() => sign(key, params, input));
      return fortanixSignBody(kid, corrupt ? corruptBytes(signature) : signature);
    },
    verifyItem(item) {
      const { key, kid } = resolve(item.key);
      const { params, input, signature } = decodeFortanixVerifyItem(item, fortanixKeyTypeOf(key));
      const result = verify(publicKeyOf(key), params, input, signature);
      return { ...(kid === undefined ? {} : { kid }), result };
    },
    reset,
  };
}
