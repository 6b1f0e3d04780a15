// X.509 v3 (RFC 5280): a self-signed certificate for a key, and a minimal certificate reader.
import { sha1 } from '@noble/hashes/legacy.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { abigint, abytes, aobject, aoneOf, astring } from './assert.js';
import {
  contextTag,
  type DerElement,
  DerReader,
  DerTag,
  derBoolean,
  derContent,
  derContext,
  derElement,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTime,
  derUtf8String,
} from './der.js';
import { ecCurveParams } from './ec-curves.js';
import { bytesToBigInt, bytesToUtf8, concatBytes, equalBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import type { EcPrivateKey, OkpPrivateKey, RsaPrivateKey } from './key-types.js';
import { OID_ED25519 } from './keys/algorithm.js';
import { exportSpki, rsaPssParamsOf, subjectPublicKeyBits } from './keys.js';
import { pemDecode } from './pem.js';
import { type SignatureParams, sign } from './sign.js';

/** Hashes a certificate signature may use (RFC 4055 §5, RFC 5758 §3.2). */
export const CERTIFICATE_HASHES = Object.freeze(['SHA-256', 'SHA-384', 'SHA-512'] as const);
/** A hash for a certificate signature. */
export type CertificateHash = (typeof CERTIFICATE_HASHES)[number];

/** A key that can sign its own certificate. */
export type CertificateSigningKey = RsaPrivateKey | EcPrivateKey | OkpPrivateKey;

/** Options of `createSelfSignedCertificate`. */
export interface SelfSignedCertificateOptions {
  /** Subject (and issuer) common name, 1-64 characters (RFC 5280 App. A ub-common-name). */
  readonly commonName: string;
  /** Subject (and issuer) organization, 1-64 characters (ub-organization-name). */
  readonly organization?: string;
  /** Start of validity; now by default. */
  readonly notBefore?: Date;
  /** End of validity; one year (365 days) after notBefore by default. */
  readonly notAfter?: Date;
  /** Positive serial number of at most 20 octets (RFC 5280 §4.1.2.2); 16 random bytes by default. */
  readonly serialNumber?: bigint;
  /** Signature hash: SHA-256 for RSA, the curve's hash for ECDSA (P-384 SHA-384, P-521 SHA-512). Not for Ed25519. */
  readonly hash?: CertificateHash;
  /** Random source for the serial number. */
  readonly random?: (length: number) => Uint8Array;
}

/** The parts of a certificate `parseCertificate` reads. */
export interface ParsedCertificate {
  /** X.509 version number: 1, 2 or 3. */
  readonly version: number;
  readonly serialNumber: bigint;
  /** Dotted OID of the signature algorithm. */
  readonly signatureAlgorithm: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of SubjectPublicKeyInfo; read it with `importSpki`. */
  readonly spki: Uint8Array;
  /** DER of TBSCertificate, the signed bytes. */
  readonly tbsCertificate: Uint8Array;
  /** The signature BIT STRING content. */
  readonly signature: Uint8Array;
}

/** The attributes of a Name that crypto-core reads. */
export interface DistinguishedName {
  readonly commonName?: string;
  readonly organization?: string;
}

const OID_COMMON_NAME = '2.5.4.3'; // X.520
const OID_ORGANIZATION = '2.5.4.10';
const OID_BASIC_CONSTRAINTS = '2.5.29.19'; // RFC 5280 §4.2.1.9
const OID_KEY_USAGE = '2.5.29.15'; // RFC 5280 §4.2.1.3
const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14'; // RFC 5280 §4.2.1.2
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35'; // RFC 5280 §4.2.1.1

// RFC 4055 §5: sha*WithRSAEncryption, parameters NULL. RFC 5758 §3.2: ecdsa-with-SHA*, parameters absent.
const RSA_SIGNATURE_OIDS: Record<CertificateHash, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};
const ECDSA_SIGNATURE_OIDS: Record<CertificateHash, string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

const NAME_MAX_LENGTH = 64;
const SERIAL_BYTES = 16;
const DEFAULT_VALIDITY_MS = 365 * 24 * 60 * 60 * 1000;

function checkNameAttribute(value: unknown, name: string): asserts value is string {
  astring(value, name);
  const length = [...value].length;
  if (length < 1 || length > NAME_MAX_LENGTH)
    throw new RangeError(`${name} must be 1-${NAME_MAX_LENGTH} characters`);
}

/** RFC 5280 §4.1.2.4 Name: an RDNSequence with one attribute per RDN, most significant first. */
function nameDer(commonName: string, organization: string | undefined): Uint8Array {
  const rdn = (oid: string, value: string) => derSet(derSequence(derOid(oid), derUtf8String(value)));
  return derSequence(
    ...(organization === undefined ? [] : [rdn(OID_ORGANIZATION, organization)]),
    rdn(OID_COMMON_NAME, commonName),
  );
}

/** RFC 5280 §4.1 Extension: extnID, critical (omitted when FALSE, its DEFAULT), extnValue. */
function extensionDer(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/** Serial number: positive, at most 20 octets (RFC 5280 §4.1.2.2). */
function serialNumberOf(options: SelfSignedCertificateOptions): bigint {
  if (options.serialNumber !== undefined) {
    abigint(options.serialNumber, 'options.serialNumber', 0n);
    if (derInteger(options.serialNumber).length - 2 > 20)
      throw new RangeError('options.serialNumber must fit 20 octets');
    return options.serialNumber;
  }
  const random = options.random ?? randomBytes;
  const bytes = random(SERIAL_BYTES);
  abytes(bytes, 'random output', SERIAL_BYTES);
  const serial = Uint8Array.from(bytes);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, and 16 octets long
  return bytesToBigInt(serial);
}

/** The signature AlgorithmIdentifier of a key and the params that make that signature. */
function signerOf(
  key: CertificateSigningKey,
  hashOption: CertificateHash | undefined,
): { algorithm: Uint8Array; params: SignatureParams } {
  switch (key.kty) {
    case 'RSA': {
      // An id-RSASSA-PSS key may only make PSS signatures (RFC 4055 §1.2); this writer makes PKCS#1 v1.5 ones.
      if (rsaPssParamsOf(key) !== undefined) {
        throw new CryptoError(
          'ERR_UNSUPPORTED_KEY',
          'certificates for RSASSA-PSS restricted keys are not supported',
        );
      }
      const hash = hashOption ?? 'SHA-256';
      return {
        algorithm: derSequence(derOid(RSA_SIGNATURE_OIDS[hash]), derNull()),
        params: { scheme: 'rsa-pkcs1', hash },
      };
    }
    case 'EC': {
      const hash = hashOption ?? (ecCurveParams(key.curve).hash as CertificateHash);
      return {
        algorithm: derSequence(derOid(ECDSA_SIGNATURE_OIDS[hash])),
        // RFC 5758 §3.2: the signature is the DER Ecdsa-Sig-Value; k is deterministic (RFC 6979 §3.2).
        params: { scheme: 'ecdsa', hash, format: 'der', nonce: 'rfc6979' },
      };
    }
    case 'OKP':
      if (hashOption !== undefined) throw new RangeError('options.hash does not apply to Ed25519');
      // RFC 8410 §6: id-Ed25519 with absent parameters; PureEdDSA over the TBSCertificate.
      return { algorithm: derSequence(derOid(OID_ED25519)), params: { scheme: 'ed25519' } };
  }
}

/**
 * A self-signed X.509 v3 certificate (RFC 5280) for `key`, as DER (armour it with
 * `pemEncode('CERTIFICATE', der)`): subject = issuer = CN (and O), random serial, validity, SPKI, and the
 * extensions basicConstraints cA (critical), keyUsage digitalSignature + keyCertSign (critical),
 * subjectKeyIdentifier (SHA-1 of the public key bits, §4.2.1.2 method 1) and authorityKeyIdentifier (the same
 * key identifier). Signed with sha*WithRSAEncryption, ecdsa-with-SHA* or Ed25519.
 * @throws {TypeError|RangeError} for a malformed key or options (name length, dates, serial size, hash)
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for a PSS-restricted RSA key; as the signer for a bad key
 */
export function createSelfSignedCertificate(
  key: CertificateSigningKey,
  options: SelfSignedCertificateOptions,
): Uint8Array {
  aobject(key, 'key');
  aoneOf(key.kty, ['RSA', 'EC', 'OKP'] as const, 'key.kty');
  aobject(options, 'options');
  checkNameAttribute(options.commonName, 'options.commonName');
  if (options.organization !== undefined) checkNameAttribute(options.organization, 'options.organization');
  if (options.hash !== undefined) aoneOf(options.hash, CERTIFICATE_HASHES, 'options.hash');
  const notBefore = options.notBefore ?? new Date();
  if (!(notBefore instanceof Date) || Number.isNaN(notBefore.getTime())) {
    throw new TypeError('options.notBefore must be a valid Date');
  }
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + DEFAULT_VALIDITY_MS);
  if (!(notAfter instanceof Date) || Number.isNaN(notAfter.getTime())) {
    throw new TypeError('options.notAfter must be a valid Date');
  }
  if (notAfter.getTime() <= notBefore.getTime())
    throw new RangeError('options.notAfter must be after notBefore');
  const serialNumber = serialNumberOf(options);
  const signer = signerOf(key, options.hash);

  // RFC 5280 §4.2.1.2 method 1: the SHA-1 of the BIT STRING subjectPublicKey (without tag, length, unused bits).
  const keyIdentifier = sha1(subjectPublicKeyBits(key));
  const name = nameDer(options.commonName, options.organization);
  const extensions = derSequence(
    extensionDer(OID_BASIC_CONSTRAINTS, true, derSequence(derBoolean(true))),
    // KeyUsage bits 0 (digitalSignature) and 5 (keyCertSign): 0b10000100, 2 unused bits (X.690 §11.2.2).
    extensionDer(OID_KEY_USAGE, true, derElement(DerTag.BIT_STRING, Uint8Array.of(2, 0x84))),
    extensionDer(OID_SUBJECT_KEY_IDENTIFIER, false, derOctetString(keyIdentifier)),
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT KeyIdentifier }.
    extensionDer(OID_AUTHORITY_KEY_IDENTIFIER, false, derSequence(derContext(0, keyIdentifier, false))),
  );
  // RFC 5280 §4.1.2: TBSCertificate.
  const tbsCertificate = derSequence(
    derContext(0, derInteger(2n)), // version v3
    derInteger(serialNumber),
    signer.algorithm,
    name, // issuer
    derSequence(derTime(notBefore), derTime(notAfter)),
    name, // subject
    exportSpki(key),
    derContext(3, extensions),
  );
  const signature = sign(key, signer.params, { message: tbsCertificate });
  return derSequence(
    tbsCertificate,
    signer.algorithm,
    derElement(DerTag.BIT_STRING, concatBytes(Uint8Array.of(0), signature)),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reading

function decodeError(message: string, offset: number): CryptoError {
  return new CryptoError('ERR_DER_DECODE', `${message} at offset ${offset}`);
}

/** RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 is 19YY) or GeneralizedTime YYYYMMDDHHMMSSZ. */
function readTime(reader: DerReader): Date {
  const element = reader.read();
  const tag = element.tag;
  if (tag !== DerTag.UTC_TIME && tag !== DerTag.GENERALIZED_TIME) {
    throw decodeError('expected UTCTime or GeneralizedTime', element.offset);
  }
  const text = String.fromCharCode(...element.value);
  const match =
    tag === DerTag.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) throw decodeError(`malformed time ${JSON.stringify(text)}`, element.offset);
  const [, yearText, month, day, hour, minute, second] = match.map(Number) as number[];
  const year = tag === DerTag.UTC_TIME ? (yearText! >= 50 ? 1900 : 2000) + yearText! : yearText!;
  const date = new Date(Date.UTC(year, month! - 1, day!, hour!, minute!, second!));
  if (
    date.getUTCMonth() !== month! - 1 ||
    date.getUTCDate() !== day! ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  ) {
    throw decodeError(`invalid time ${JSON.stringify(text)}`, element.offset);
  }
  return date;
}

function readDirectoryString(element: DerElement): string | undefined {
  switch (element.tag) {
    case DerTag.UTF8_STRING:
    case DerTag.PRINTABLE_STRING:
    case 0x16: // IA5String
      return bytesToUtf8(element.value);
    case 0x1e: {
      // BMPString: UTF-16BE.
      if (element.value.length % 2 !== 0) throw decodeError('BMPString of odd length', element.offset);
      const units: number[] = [];
      for (let i = 0; i < element.value.length; i += 2)
        units.push((element.value[i]! << 8) | element.value[i + 1]!);
      return String.fromCharCode(...units);
    }
    default:
      return undefined;
  }
}

/** RFC 5280 §4.1.2.4: reads CN and O from a Name (the last occurrence of each, the most specific). */
function readName(reader: DerReader): DistinguishedName {
  const rdns = reader.readSequence();
  let commonName: string | undefined;
  let organization: string | undefined;
  while (!rdns.atEnd()) {
    const rdn = rdns.readConstructed(DerTag.SET);
    while (!rdn.atEnd()) {
      const attribute = rdn.readSequence();
      const type = attribute.readOid();
      const value = readDirectoryString(attribute.read());
      attribute.end();
      if (type === OID_COMMON_NAME) commonName = value;
      if (type === OID_ORGANIZATION) organization = value;
    }
  }
  return {
    ...(commonName === undefined ? {} : { commonName }),
    ...(organization === undefined ? {} : { organization }),
  };
}

/**
 * Reads the main fields of an X.509 certificate (RFC 5280 §4.1), as DER or PEM `CERTIFICATE`: version,
 * serial, signature algorithm, issuer and subject CN/O, validity, the SPKI bytes and the signature.
 * Extensions are not interpreted and the signature is not verified.
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE for a malformed certificate
 */
export function parseCertificate(input: Uint8Array | string): ParsedCertificate {
  const der = typeof input === 'string' ? pemDecode(input, 'CERTIFICATE').der : input;
  abytes(der, 'input');
  const outer = new DerReader(der);
  const certificate = outer.readSequence();
  outer.end();
  const tbsElement = certificate.read(DerTag.SEQUENCE);
  const outerAlgorithm = certificate.read(DerTag.SEQUENCE);
  const signature = certificate.readBitString();
  certificate.end();

  const tbs = derContent(tbsElement);
  let version = 1;
  const versionField = tbs.readOptional(contextTag(0));
  if (versionField !== undefined) {
    const versionReader = derContent(versionField);
    version = versionReader.readSmallInteger() + 1;
    versionReader.end();
    if (version > 3) throw decodeError(`unsupported certificate version ${version}`, versionField.offset);
  }
  const serialNumber = tbs.readUnsignedInteger();
  const innerAlgorithm = tbs.read(DerTag.SEQUENCE);
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal the signature field of the TBSCertificate.
  if (!equalBytes(innerAlgorithm.encoded, outerAlgorithm.encoded)) {
    throw decodeError('signatureAlgorithm differs from TBSCertificate.signature', outerAlgorithm.offset);
  }
  const signatureAlgorithm = derContent(innerAlgorithm).readOid();
  const issuer = readName(tbs);
  const validity = tbs.readSequence();
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);
  validity.end();
  const subject = readName(tbs);
  const spki = tbs.read(DerTag.SEQUENCE).encoded;
  // issuerUniqueID [1] and subjectUniqueID [2] IMPLICIT BIT STRING (v2+), extensions [3] (v3): skipped.
  for (const [tag, minimumVersion] of [
    [contextTag(1, false), 2],
    [contextTag(2, false), 2],
    [contextTag(3), 3],
  ] as const) {
    const field = tbs.readOptional(tag);
    if (field !== undefined && version < minimumVersion) {
      throw decodeError(
        `field 0x${tag.toString(16)} is not allowed in a v${version} certificate`,
        field.offset,
      );
    }
  }
  tbs.end();
  return {
    version,
    serialNumber,
    signatureAlgorithm,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spki.slice(),
    tbsCertificate: tbsElement.encoded.slice(),
    signature: signature.slice(),
  };
}
