// Fortanix DSM app credentials both ways: the API key (base64 of `app_id:app_secret`) a client sends as
// `Authorization: Basic`, and the one strict reading of that header a server or a mock does (RFC 7617).
import { base64ToBytes, bytesToBase64, bytesToUtf8, utf8ToBytes } from '@sigil/crypto-core/encoding';
import { ProtocolError } from '../errors.js';

/** An app's credentials, as `POST /sys/v1/session/auth` takes them. */
export interface FortanixAppCredentials {
  /** The app's UUID (OpenAPI `App.app_id`), lowercase. */
  readonly appId: string;
  readonly appSecret: string;
}

/** The API key of an app: base64 of `app_id:app_secret`, sent as `Authorization: Basic <apiKey>`. */
export function fortanixApiKey(appId: string, appSecret: string): string {
  return bytesToBase64(utf8ToBytes(`${appId}:${appSecret}`));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 5234 Appendix B.1: CTL = %x00-1F / %x7F.
const hasControl = (text: string) =>
  [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
// RFC 9110 §5.5: a field value has no leading or trailing optional white space (SP / HTAB).
const OWS = /^[ \t]+|[ \t]+$/g;

const credentialsError = (message: string, cause?: unknown) =>
  new ProtocolError('ERR_FORTANIX_CREDENTIALS', message, {
    status: 401,
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * Reads `Authorization: Basic <credentials>` as RFC 7617 defines it, strictly: the scheme is `Basic` in any case
 * (RFC 9110 §11.1), then one or more spaces and the credentials; they are standard padded base64 (RFC 7617 §2,
 * RFC 4648 §4) of UTF-8 `user-id ":" password`, split at the first colon (a user-id cannot hold one; the password
 * can); neither part may hold a control character (RFC 7617 §2). For DSM, the user-id is the app's UUID (returned
 * lowercase) and the secret is not empty. White space around the whole value is ignored, as HTTP trims it.
 * @throws {ProtocolError} ERR_FORTANIX_CREDENTIALS (status 401) for a missing header, another scheme, or
 * credentials that break any rule above; the message says which
 */
export function parseFortanixBasicCredentials(
  authorization: string | null | undefined,
): FortanixAppCredentials {
  if (typeof authorization !== 'string' || authorization.replace(OWS, '') === '') {
    throw credentialsError('the Authorization header is required (Basic app credentials)');
  }
  const value = authorization.replace(OWS, '');
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'basic') throw credentialsError('the Authorization scheme must be Basic');
  const token = space < 0 ? '' : value.slice(space).replace(/^ +/, '');
  if (token === '') throw credentialsError('Basic credentials are missing');
  let decoded: string;
  try {
    decoded = bytesToUtf8(base64ToBytes(token));
  } catch (cause) {
    throw credentialsError('Basic credentials must be standard base64 of UTF-8 text', cause);
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw credentialsError('Basic credentials must be app_id:app_secret');
  const appId = decoded.slice(0, colon);
  const appSecret = decoded.slice(colon + 1);
  if (hasControl(appId) || hasControl(appSecret)) {
    throw credentialsError('Basic credentials must not contain control characters');
  }
  if (!UUID.test(appId)) throw credentialsError('the app_id of Basic credentials must be a UUID');
  if (appSecret === '') throw credentialsError('the app_secret of Basic credentials is empty');
  return { appId: appId.toLowerCase(), appSecret };
}
