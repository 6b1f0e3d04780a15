// `sigil convert sig`: ECDSA signature format conversion (DER <-> P1363 <-> JOSE); `convert key` lives in convert-key.ts.

import { bytesToBase64url } from '@sigil/crypto-core/encoding';
import { EC_CURVES, type EcCurve } from '@sigil/crypto-core/key-types';
import {
  encodeEcdsaSignature,
  encodeJoseEcdsaSignature,
  parseEcdsaSignature,
  parseJoseEcdsaSignature,
} from '@sigil/crypto-core/signature-format';
import { type Command, Option } from 'commander';
import {
  type BinaryEncoding,
  decodeBinary,
  encodeBinary,
  encodingOption,
  readInput,
  writeOutput,
} from '../io.js';
import { registerConvertKey } from './convert-key.js';

type SignatureFormat = 'der' | 'p1363' | 'jose';
const SIGNATURE_FORMATS = ['der', 'p1363', 'jose'] as const;

interface ConvertSigOptions {
  from: SignatureFormat;
  to: SignatureFormat;
  curve: EcCurve;
  in: string;
  out?: string;
  inEncoding: BinaryEncoding;
  outEncoding: BinaryEncoding;
  json?: boolean;
}

/** Adds `convert sig` and `convert key`. */
export function registerConvert(program: Command): void {
  const convert = program
    .command('convert')
    .description('Convert signature and key formats.')
    .addHelpText(
      'after',
      '\nExamples:\n  sigil convert sig --from der --to jose --curve P-256 --in sig.der\n  sigil convert key --to jwk --in key.pem\n',
    );
  registerConvertKey(convert);
  convert
    .command('sig')
    .description('Convert an ECDSA signature between DER, IEEE P1363 (r||s) and JOSE (base64url r||s).')
    .addOption(new Option('--from <format>', 'input format').choices(SIGNATURE_FORMATS).makeOptionMandatory())
    .addOption(new Option('--to <format>', 'output format').choices(SIGNATURE_FORMATS).makeOptionMandatory())
    .addOption(new Option('--curve <name>', 'the signing curve').choices(EC_CURVES).makeOptionMandatory())
    .option('--in <file>', 'signature file, - for stdin', '-')
    .option('--out <file>', 'output file, - for stdout')
    .addOption(encodingOption('--in-encoding <encoding>', 'encoding of a der/p1363 input'))
    .addOption(encodingOption('--out-encoding <encoding>', 'encoding of a der/p1363 output'))
    .option('--json', 'print {"signature": base64url, "format": ...} instead')
    .addHelpText('after', '\nExample:\n  sigil convert sig --from der --to jose --curve P-256 --in sig.der\n')
    .action((options: ConvertSigOptions) => {
      const input = readInput(options.in);
      const signature =
        options.from === 'jose'
          ? parseJoseEcdsaSignature(new TextDecoder().decode(input).trim(), options.curve)
          : parseEcdsaSignature(decodeBinary(input, options.inEncoding), options.from, options.curve);
      if (options.to === 'jose') {
        const jose = encodeJoseEcdsaSignature(signature, options.curve);
        writeOutput(
          options.out,
          options.json ? `${JSON.stringify({ format: 'jose', signature: jose })}\n` : `${jose}\n`,
        );
        return;
      }
      const bytes = encodeEcdsaSignature(signature, options.to, options.curve);
      writeOutput(
        options.out,
        options.json
          ? `${JSON.stringify({ format: options.to, signature: bytesToBase64url(bytes) })}\n`
          : encodeBinary(bytes, options.outEncoding),
      );
    });
}
