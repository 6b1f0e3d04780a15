// Key formats, the public entry: PKCS#1, PKCS#8, SPKI and SEC1 (DER or PEM), JWK, RFC 7638 thumbprints, detection.
// One module per format under ./keys/; this file only chooses what is public.

export { detectKeyFormat, exportDer, exportPem, importKey } from './keys/detect.js';
export { KEY_FORMATS, type KeyFormat } from './keys/format.js';
export { type ExportJwkOptions, exportJwk, importJwk, type Jwk } from './keys/jwk.js';
export { publicKeyOf } from './keys/key-objects.js';
export { exportPkcs1, importPkcs1 } from './keys/pkcs1.js';
export { exportPkcs8, importPkcs8 } from './keys/pkcs8.js';
export { type RsaPssKeyParams, type RsaPssRestricted, rsaPssParamsOf } from './keys/rsa-pss.js';
export { exportSec1, importSec1 } from './keys/sec1.js';
export { exportSpki, importSpki, subjectPublicKeyBits } from './keys/spki.js';
export { jwkThumbprint } from './keys/thumbprint.js';
