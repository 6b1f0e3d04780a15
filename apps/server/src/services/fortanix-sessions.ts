// Fortanix apps and their sessions: an app's Basic credentials (`POST /v1/fortanix/apps`), a bearer session for them
// (`POST /sys/v1/session/auth`) and its end (`POST /sys/v1/session/terminate`, OpenAPI `Terminate`).
import { randomBytes, randomUUID } from 'node:crypto';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  type FortanixAppCredentials,
  type FortanixSessionAuthResponse,
  parseFortanixBasicCredentials,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit.js';
import type { Actor, KeyService } from './keys.js';
import { equalHashes, hashSecret, type Principal, type TokenService } from './tokens.js';

/** How long a session's access token lives, in seconds. */
export const FORTANIX_SESSION_SECONDS = 3600;

/** The name of a session's token: it marks the token as a Fortanix session that terminate may end. */
const sessionTokenName = (appId: string) => `fortanix session ${appId}`;
const SESSION_TOKEN_PREFIX = sessionTokenName('');

/** Fortanix apps and their sessions (bearer tokens with the app's key grants). */
export class FortanixSessions {
  readonly #store: Store;
  readonly #keys: KeyService;
  readonly #tokens: TokenService;
  readonly #audit: AuditLog;

  constructor(store: Store, keys: KeyService, tokens: TokenService, audit: AuditLog) {
    this.#store = store;
    this.#keys = keys;
    this.#tokens = tokens;
    this.#audit = audit;
  }

  /** `POST /v1/fortanix/apps`: an app and its secret, shown once (Basic credentials `base64(appId:secret)`). */
  async createApp(
    actor: Actor,
    request: { name: string; keys?: readonly string[] | undefined },
  ): Promise<{ appId: string; secret: string }> {
    const keyIds =
      request.keys === undefined
        ? undefined
        : await Promise.all(request.keys.map(async (reference) => (await this.#keys.resolve(reference)).id));
    const secret = randomBytes(32).toString('base64url');
    const appId = randomUUID();
    await this.#store.createFortanixApp({
      id: appId,
      name: request.name,
      secretHash: hashSecret(secret),
      keys: keyIds,
      createdAt: new Date().toISOString(),
    });
    await this.#audit.recordOutcome(actor, 'fortanix.apps.create', { detail: appId });
    return { appId, secret };
  }

  /**
   * `POST /sys/v1/session/auth` with `Authorization: Basic base64(appId:secret)`: a bearer session for the app,
   * granted the app's keys.
   * @throws {ServerError} ERR_UNAUTHENTICATED for missing or wrong credentials
   */
  async sessionAuth(actor: Actor, authorization: string | undefined): Promise<FortanixSessionAuthResponse> {
    const refuse = async (): Promise<never> => {
      throw await this.#audit.recordFailure(
        actor,
        'fortanix.session',
        new ServerError('ERR_UNAUTHENTICATED', 'invalid app credentials'),
      );
    };
    let credentials: FortanixAppCredentials;
    try {
      credentials = parseFortanixBasicCredentials(authorization);
    } catch (error) {
      if (isProtocolError(error, 'ERR_FORTANIX_CREDENTIALS')) return refuse();
      throw error;
    }
    const app = await this.#store.getFortanixApp(credentials.appId);
    if (app === undefined || !equalHashes(app.secretHash, hashSecret(credentials.appSecret))) return refuse();
    const issued = await this.#tokens.create({
      name: sessionTokenName(app.id),
      scopes: ['sign', 'verify'],
      keys: app.keys,
      expiresAt: new Date(Date.now() + FORTANIX_SESSION_SECONDS * 1000).toISOString(),
    });
    await this.#audit.recordOutcome({ ...actor, tokenId: issued.id }, 'fortanix.session', { detail: app.id });
    return {
      token_type: 'Bearer',
      expires_in: FORTANIX_SESSION_SECONDS,
      access_token: issued.token,
      entity_id: app.id,
    };
  }

  /**
   * `POST /sys/v1/session/terminate`: ends the session whose bearer token made the request; the token stops working
   * at once (OpenAPI: 204, nothing returned). Only a Fortanix session ends here: another API token presented on this
   * surface is refused rather than revoked (revoke those with `DELETE /v1/tokens/{id}`).
   * @throws {ServerError} ERR_FORBIDDEN for a token that is not a Fortanix session
   */
  async terminate(actor: Actor, principal: Principal): Promise<void> {
    try {
      const token = await this.#store.getToken(principal.tokenId);
      if (token === undefined || !token.name.startsWith(SESSION_TOKEN_PREFIX)) {
        throw new ServerError(
          'ERR_FORBIDDEN',
          'only a session opened with /sys/v1/session/auth can be terminated; revoke API tokens with DELETE /v1/tokens/{id}',
        );
      }
      await this.#tokens.delete(principal.tokenId);
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'fortanix.session.terminate', error);
    }
    await this.#audit.recordOutcome(actor, 'fortanix.session.terminate', { detail: principal.tokenId });
  }
}
