// PEM armour (RFC 7468): encode DER with 64-character lines, decode one block strictly.
import { abytes, astring } from './assert.js';
import { base64ToBytes, bytesToBase64 } from './encoding.js';
import { CryptoError } from './errors.js';

/** A decoded PEM block: its label (e.g. `PRIVATE KEY`) and the DER bytes it carries. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

// RFC 7468 §3: label = [ labelchar *( ["-" / SP] labelchar ) ], labelchar = %x21-2C / %x2E-7E.
const LABEL = /^[\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*$/;
const BEGIN = /^-----BEGIN (.*)-----$/;
const END = /^-----END (.*)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const LINE_LENGTH = 64;

function fail(message: string): never {
  throw new CryptoError('ERR_PEM_DECODE', message);
}

/**
 * Armours `der` as PEM: `-----BEGIN label-----`, base64 in 64-character lines, `-----END label-----`
 * and a final newline (RFC 7468 §2, the "stricttextualmsg" form).
 * @throws {TypeError} when label is not a string or der is not a Uint8Array
 * @throws {RangeError} when the label has characters RFC 7468 §3 does not allow
 */
export function pemEncode(label: string, der: Uint8Array): string {
  astring(label, 'label');
  abytes(der, 'der');
  if (!LABEL.test(label)) throw new RangeError(`label ${JSON.stringify(label)} is not a valid PEM label`);
  const base64 = bytesToBase64(der);
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < base64.length; i += LINE_LENGTH) lines.push(base64.slice(i, i + LINE_LENGTH));
  lines.push(`-----END ${label}-----`, '');
  return lines.join('\n');
}

/**
 * Decodes exactly one PEM block. Whitespace may surround the block and end each line (RFC 7468 §3 `W`);
 * anything else outside it, RFC 1421 headers, blank or non-base64 lines, mismatched BEGIN/END labels and
 * non-canonical base64 are rejected. When `expectedLabel` is given the label must equal it.
 * @throws {TypeError} when text is not a string
 * @throws {CryptoError} ERR_PEM_DECODE on any armour or base64 problem, or a label other than `expectedLabel`
 */
export function pemDecode(text: string, expectedLabel?: string): PemBlock {
  astring(text, 'text');
  if (expectedLabel !== undefined) astring(expectedLabel, 'expectedLabel');
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.replace(/[ \t]+$/, ''));
  const first = lines[0] ?? '';
  const last = lines[lines.length - 1] ?? '';
  const begin = BEGIN.exec(first);
  if (begin === null) fail('missing "-----BEGIN <label>-----" line');
  const end = lines.length >= 2 ? END.exec(last) : null;
  if (end === null) fail('missing "-----END <label>-----" line');
  const label = begin[1]!;
  if (!LABEL.test(label)) fail(`invalid PEM label ${JSON.stringify(label)}`);
  if (end[1] !== label)
    fail(`END label ${JSON.stringify(end[1])} does not match BEGIN label ${JSON.stringify(label)}`);
  if (expectedLabel !== undefined && label !== expectedLabel) {
    fail(`expected PEM label ${JSON.stringify(expectedLabel)}, found ${JSON.stringify(label)}`);
  }
  const body = lines.slice(1, -1);
  if (body.length === 0) fail('PEM block has no content');
  for (const [index, line] of body.entries()) {
    // RFC 1421 §4.6 headers (Proc-Type, DEK-Info) mark legacy encrypted PEM, which crypto-core does not read.
    if (line.includes(':')) {
      throw new CryptoError('ERR_UNSUPPORTED_KEY', 'PEM headers (RFC 1421 encrypted PEM) are not supported');
    }
    if (line === '' || !BASE64_LINE.test(line)) fail(`line ${index + 2} is not base64`);
    if (line.includes('=') && index !== body.length - 1) fail('base64 padding before the last line');
  }
  let der: Uint8Array;
  try {
    der = base64ToBytes(body.join(''));
  } catch (cause) {
    throw new CryptoError('ERR_PEM_DECODE', 'PEM body is not canonical base64', { cause });
  }
  if (der.length === 0) fail('PEM block has no content');
  return { label, der };
}

/**
 * The label of the PEM block in `text` (the `X` of `-----BEGIN X-----`), after a full strict decode.
 * @throws {CryptoError} ERR_PEM_DECODE as `pemDecode`
 */
export function pemLabel(text: string): string {
  return pemDecode(text).label;
}

/** True when `text` looks like PEM (starts, after whitespace, with a BEGIN line); it is not validated. */
export function isPem(text: unknown): text is string {
  return typeof text === 'string' && text.trimStart().startsWith('-----BEGIN ');
}
