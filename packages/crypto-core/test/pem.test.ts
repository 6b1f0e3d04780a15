// PEM armour (RFC 7468): round trips, node:crypto output, strict rejection of malformed armour.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from '../src/errors.js';
import { isPem, pemDecode, pemEncode, pemLabel } from '../src/pem.js';

function expectCode(action: () => unknown, code: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a throw').toBeDefined();
  expect(isCryptoError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

const DER = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);

describe('pemEncode', () => {
  it('writes 64-character lines, matching BEGIN/END lines and a final newline', () => {
    const pem = pemEncode('PUBLIC KEY', DER);
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN PUBLIC KEY-----');
    expect(lines.at(-2)).toBe('-----END PUBLIC KEY-----');
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -2);
    expect(body.slice(0, -1).every((line) => line.length === 64)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(body.join(''), 'base64')).toEqual(Buffer.from(DER));
  });

  it('matches node:crypto PEM output byte for byte', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const spkiPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const spkiDer = publicKey.export({ format: 'der', type: 'spki' });
    expect(pemEncode('PUBLIC KEY', new Uint8Array(spkiDer))).toBe(spkiPem);
    const pkcs8Pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(pemDecode(pkcs8Pem, 'PRIVATE KEY').der).toEqual(
      new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    );
  });

  it('round-trips any bytes and label (property, 1000 runs)', () => {
    const labelChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#.'.split(''));
    const label = fc
      .array(fc.string({ unit: labelChar, minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
      .map((words) => words.join(' '));
    fc.assert(
      fc.property(label, fc.uint8Array({ minLength: 1, maxLength: 300 }), (name, bytes) => {
        const block = pemDecode(pemEncode(name, bytes));
        expect(block.label).toBe(name);
        expect(block.der).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('checks its inputs', () => {
    expect(() => pemEncode(1 as unknown as string, DER)).toThrow(TypeError);
    expect(() => pemEncode('X', 'abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => pemEncode('BAD--LABEL', DER)).toThrow(RangeError);
    expect(() => pemEncode('', DER)).toThrow(RangeError);
    expect(() => pemEncode('TWO  SPACES', DER)).toThrow(RangeError);
  });
});

describe('pemDecode', () => {
  const good = pemEncode('CERTIFICATE', DER);

  it('accepts CRLF, surrounding whitespace and trailing spaces on lines', () => {
    expect(pemDecode(good.replace(/\n/g, '\r\n')).der).toEqual(DER);
    expect(pemDecode(`\n\n  ${good}\n\n`).der).toEqual(DER);
    expect(pemDecode(good.replace(/\n/g, ' \t\n')).der).toEqual(DER);
    expect(pemLabel(good)).toBe('CERTIFICATE');
    expect(isPem(good)).toBe(true);
    expect(isPem('MIIB')).toBe(false);
    expect(isPem(DER)).toBe(false);
  });

  it('accepts lines other than 64 characters (RFC 7468 §3 lax line length)', () => {
    const base64 = Buffer.from(DER).toString('base64');
    const lines = base64.match(/.{1,76}/g)!;
    expect(pemDecode(['-----BEGIN X-----', ...lines, '-----END X-----'].join('\n')).der).toEqual(DER);
  });

  const body = good.split('\n').slice(1, -2);
  const armour = (lines: string[], begin = 'CERTIFICATE', end = begin) =>
    [`-----BEGIN ${begin}-----`, ...lines, `-----END ${end}-----`].join('\n');

  const bad: [string, string][] = [
    ['empty string', ''],
    ['bare base64', body.join('\n')],
    ['missing END', good.split('\n').slice(0, -2).join('\n')],
    ['missing BEGIN', good.split('\n').slice(1).join('\n')],
    ['label mismatch', armour(body, 'CERTIFICATE', 'PUBLIC KEY')],
    ['garbage before', `hello\n${good}`],
    ['garbage after', `${good}trailing`],
    ['two blocks', `${good}${good}`],
    ['empty body', armour([])],
    ['blank line inside', armour([body[0]!, '', ...body.slice(1)])],
    ['non-base64 character', armour([`${body[0]!.slice(0, -1)}*`, ...body.slice(1)])],
    ['space inside a line', armour([`${body[0]!.slice(0, 10)} ${body[0]!.slice(11)}`, ...body.slice(1)])],
    ['padding in the middle', armour(['AA==', ...body])],
    ['missing padding', armour([...body.slice(0, -1), body.at(-1)!.replace(/=+$/, '')])],
    ['non-zero trailing bits', armour([...body.slice(0, -1), body.at(-1)!.replace(/.(=+)$/, 'B$1')])],
    ['dashes in the label', armour(body, 'A--B')],
    ['lower-case armour', good.replace('-----BEGIN', '-----begin')],
    ['five dashes missing', good.replace('-----END CERTIFICATE-----', '----END CERTIFICATE----')],
  ];
  it.each(bad)('rejects %s with ERR_PEM_DECODE', (_name, text) => {
    expectCode(() => pemDecode(text), 'ERR_PEM_DECODE');
  });

  it('rejects an unexpected label with ERR_PEM_DECODE', () => {
    expectCode(() => pemDecode(good, 'PRIVATE KEY'), 'ERR_PEM_DECODE');
  });

  it('rejects RFC 1421 encrypted PEM headers with ERR_UNSUPPORTED_KEY', () => {
    const encrypted = armour([
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF',
      '',
      ...body,
    ]);
    expectCode(() => pemDecode(encrypted), 'ERR_UNSUPPORTED_KEY');
  });

  it('throws TypeError for a non-string', () => {
    expect(() => pemDecode(DER as unknown as string)).toThrow(TypeError);
    expect(() => pemDecode(good, 5 as unknown as string)).toThrow(TypeError);
  });
});
