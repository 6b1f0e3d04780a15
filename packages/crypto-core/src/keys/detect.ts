// Format detection and dispatch: importKey by PEM label, DER structure or JWK; exportDer and exportPem by format.
import { abytes, aoneOf } from '../assert.js';
import { DerReader, DerTag } from '../der.js';
import { CryptoError } from '../errors.js';
import type { EcPrivateKey, Key, PrivateKey, PublicKey, RsaPublicKey } from '../key-types.js';
import { pemDecode, pemEncode } from '../pem.js';
import { KEY_FORMATS, type KeyFormat, PEM_LABELS } from './format.js';
import { importJwk, type Jwk } from './jwk.js';
import { exportPkcs1, importPkcs1 } from './pkcs1.js';
import { exportPkcs8, importPkcs8 } from './pkcs8.js';
import { exportSec1, importSec1 } from './sec1.js';
import { exportSpki, importSpki } from './spki.js';

const IMPORTERS = {
  pkcs1: importPkcs1,
  pkcs8: importPkcs8,
  spki: importSpki,
  sec1: importSec1,
} as const satisfies Record<KeyFormat, (input: Uint8Array | string) => Key>;

/** The format a PEM label armours (`ENCRYPTED PRIVATE KEY` goes to importPkcs8, which refuses it). */
function formatOfLabel(label: string): KeyFormat | undefined {
  switch (label) {
    case PEM_LABELS.pkcs8:
    case PEM_LABELS.encryptedPkcs8:
      return 'pkcs8';
    case PEM_LABELS.spki:
      return 'spki';
    case PEM_LABELS.pkcs1Private:
    case PEM_LABELS.pkcs1Public:
      return 'pkcs1';
    case PEM_LABELS.sec1:
      return 'sec1';
    default:
      return undefined;
  }
}

/**
 * Which DER key structure `der` holds, from the shape of its outer SEQUENCE (no key validation).
 * SPKI (RFC 5280 §4.1): {SEQUENCE, BIT STRING}; PKCS#8 (RFC 5958 §2): {INTEGER, SEQUENCE, ...};
 * SEC1 (RFC 5915 §3): {INTEGER, OCTET STRING, ...}; PKCS#1 (RFC 8017 App. A.1): INTEGERs only.
 * @throws {TypeError} when der is not a Uint8Array
 * @throws {CryptoError} ERR_DER_DECODE when it is not DER; ERR_UNSUPPORTED_KEY for another structure
 */
export function detectKeyFormat(der: Uint8Array): KeyFormat {
  abytes(der, 'der');
  const outer = new DerReader(der);
  const reader = outer.readSequence();
  outer.end();
  const tags: number[] = [];
  while (!reader.atEnd() && tags.length < 3) tags.push(reader.read().tag);
  const [first, second] = tags;
  if (first === DerTag.SEQUENCE && second === DerTag.BIT_STRING) return 'spki';
  if (first === DerTag.INTEGER && second === DerTag.SEQUENCE) return 'pkcs8';
  if (first === DerTag.INTEGER && second === DerTag.OCTET_STRING) return 'sec1';
  if (first === DerTag.INTEGER && second === DerTag.INTEGER) return 'pkcs1';
  throw new CryptoError('ERR_UNSUPPORTED_KEY', 'DER input is not a PKCS#1, PKCS#8, SPKI or SEC1 key');
}

/**
 * Imports a key from whatever it is: a PEM string (by its label), DER bytes (by their structure, see
 * `detectKeyFormat`) or a JWK object.
 * @throws {TypeError} when input is not a string, Uint8Array or object
 * @throws {CryptoError} as the importer of the detected format; ERR_UNSUPPORTED_KEY for an unknown PEM label
 * or DER structure (a CERTIFICATE is not a key: use `parseCertificate` from x509)
 */
export function importKey(input: string | Uint8Array | Jwk): Key {
  if (typeof input === 'string') {
    const { label } = pemDecode(input);
    const format = formatOfLabel(label);
    if (format === undefined)
      throw new CryptoError('ERR_UNSUPPORTED_KEY', `PEM label ${JSON.stringify(label)} is not a key`);
    return IMPORTERS[format](input);
  }
  if (input instanceof Uint8Array) return IMPORTERS[detectKeyFormat(input)](input);
  if (ArrayBuffer.isView(input) || input instanceof ArrayBuffer)
    throw new TypeError('input bytes must be a Uint8Array');
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return importJwk(input);
  throw new TypeError('input must be a PEM string, DER Uint8Array or JWK object');
}

/**
 * Exports a key as DER in `format`: `pkcs8` and `sec1` take a private key, `pkcs1` an RSA key (private or
 * public), `spki` the public half of any key pair.
 * @throws {TypeError|RangeError} as the exporter of `format`, or for an unknown format
 * @throws {CryptoError} as the exporter of `format`
 */
export function exportDer(key: PublicKey | PrivateKey, format: KeyFormat): Uint8Array {
  aoneOf(format, KEY_FORMATS, 'format');
  switch (format) {
    case 'pkcs8':
      return exportPkcs8(key as PrivateKey);
    case 'spki':
      return exportSpki(key);
    case 'pkcs1':
      return exportPkcs1(key as RsaPublicKey);
    case 'sec1':
      return exportSec1(key as EcPrivateKey);
  }
}

/**
 * Exports a key as PEM in `format`: `pkcs8` -> PRIVATE KEY, `spki` -> PUBLIC KEY, `pkcs1` -> RSA PRIVATE KEY or
 * RSA PUBLIC KEY (by the key given), `sec1` -> EC PRIVATE KEY.
 * @throws {TypeError|RangeError} as the DER exporter of `format`, or for an unknown format
 * @throws {CryptoError} as the exporter of `format`
 */
export function exportPem(key: PublicKey | PrivateKey, format: KeyFormat): string {
  const der = exportDer(key, format);
  if (format !== 'pkcs1') return pemEncode(PEM_LABELS[format], der);
  return pemEncode('d' in key ? PEM_LABELS.pkcs1Private : PEM_LABELS.pkcs1Public, der);
}
