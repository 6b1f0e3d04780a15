// Reading and writing files for verbs: `-` means stdin/stdout; encodings for binary values.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import {
  base64ToBytes,
  base64urlToBytes,
  bytesToBase64,
  bytesToBase64url,
  bytesToHex,
  hexToBytes,
} from '@sigil/crypto-core/encoding';
import { Option } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';

/** How binary values are written to and read from files. */
export const BINARY_ENCODINGS = ['raw', 'base64', 'base64url', 'hex'] as const;
export type BinaryEncoding = (typeof BINARY_ENCODINGS)[number];

/** A flag (`--encoding <encoding>`, say) that takes one of {@link BINARY_ENCODINGS}, `raw` by default. */
export function encodingOption(flags: string, description: string): Option {
  return new Option(flags, description).choices(BINARY_ENCODINGS).default('raw');
}

/** Reads a file (or stdin for `-`) as bytes. */
export function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (cause) {
    throw new CliError(ExitCode.REMOTE_OR_IO, `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads a file (or stdin for `-`) as UTF-8 text. */
export function readText(path: string): string {
  return new TextDecoder().decode(readInput(path));
}

/**
 * Writes bytes to a file (or stdout for `-` or no path). With `mode`, the file gets exactly that mode,
 * also when it already existed (private keys are written 0600).
 */
export function writeOutput(path: string | undefined, bytes: Uint8Array | string, mode?: number): void {
  try {
    if (path === undefined || path === '-') process.stdout.write(bytes);
    else if (mode === undefined) writeFileSync(path, bytes);
    else {
      writeFileSync(path, bytes, { mode });
      chmodSync(path, mode);
    }
  } catch (cause) {
    throw new CliError(ExitCode.REMOTE_OR_IO, `cannot write ${path}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Writes a signature in `encoding` to `path` (stdout for `-` or none), unless `--json` output has stdout: the two
 * never share it.
 */
export function writeSignature(
  path: string | undefined,
  signature: Uint8Array,
  encoding: BinaryEncoding,
  json: boolean | undefined,
): void {
  if (json === true && (path === undefined || path === '-')) return;
  writeOutput(path, encodeBinary(signature, encoding));
}

/** Encodes bytes for output. */
export function encodeBinary(bytes: Uint8Array, encoding: BinaryEncoding): Uint8Array | string {
  switch (encoding) {
    case 'raw':
      return bytes;
    case 'base64':
      return `${bytesToBase64(bytes)}\n`;
    case 'base64url':
      return `${bytesToBase64url(bytes)}\n`;
    case 'hex':
      return `${bytesToHex(bytes)}\n`;
  }
}

/** Decodes bytes read from a file in `encoding` (text encodings ignore surrounding whitespace). */
export function decodeBinary(bytes: Uint8Array, encoding: BinaryEncoding): Uint8Array {
  if (encoding === 'raw') return bytes;
  const text = new TextDecoder().decode(bytes).trim();
  try {
    if (encoding === 'base64') return base64ToBytes(text);
    if (encoding === 'base64url') return base64urlToBytes(text);
    return hexToBytes(text);
  } catch (cause) {
    throw new CliError(ExitCode.USAGE, `input is not valid ${encoding}`, { cause });
  }
}

/** Prints one JSON document on stdout (the `--json` output of every verb). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
