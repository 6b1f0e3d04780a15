// @sigil/protocols/pingid: the PingID SDK request signing wire format.
export { buildCanonicalString, hashPayload, type PingIdRequestParts } from './pingid-canonical.js';
