// @sigil/protocols/pingid: PingID SDK request signing and response verification.
export {
  type BuildAuthorizationOptions,
  buildAuthorizationHeader,
  buildResponseSignature,
  createMemoryReplayStore,
  formatExpires,
  MAX_AUTHORIZATION_LIFETIME_SECONDS,
  PINGID_AUTHORIZATION_PREFIX,
  PINGID_SIGNATURE_HEADER,
  PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING,
  PINGID_SIGNATURE_HEADERS,
  type PingIdCredentials,
  type ReplayStore,
  responseSignatureHeaders,
  responseSignatureOf,
  type VerifiedAuthorization,
  type VerifyAuthorizationOptions,
  verifyAuthorizationHeader,
  verifyPingIdToken,
  verifyResponseSignature,
} from './pingid-auth.js';
export { buildCanonicalString, hashPayload, type PingIdRequestParts } from './pingid-canonical.js';
export {
  createPingIdClient,
  type PingIdClient,
  type PingIdClientOptions,
  type PingIdResponse,
} from './pingid-client.js';
export {
  type PingIdError,
  type PingIdErrorDetail,
  type PingIdJwtPayload,
  type PingIdRequestJwtHeader,
  type PingIdResponseJwtHeader,
  pingIdErrorDetailSchema,
  pingIdErrorSchema,
  pingIdJwtPayloadSchema,
  pingIdRequestJwtHeaderSchema,
  pingIdResponseJwtHeaderSchema,
} from './pingid-schema.js';
