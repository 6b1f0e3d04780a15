// Fortanix app credentials both ways: the API key a client sends, and the one strict RFC 7617 reading of
// `Authorization: Basic` a server and a mock do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fortanixApiKey, parseFortanixBasicCredentials } from '../src/fortanix/index.js';

const APP_ID = '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84';
const basic = (text: string) => Buffer.from(text, 'utf8').toString('base64');
// The same base64 with the lowest (padding) bit of its last character set: a non-canonical encoding.
const withTrailingBit = (text: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const at = text.replace(/=+$/, '').length - 1;
  return `${text.slice(0, at)}${alphabet[alphabet.indexOf(text[at] as string) | 1]}${text.slice(at + 1)}`;
};
const refused = expect.objectContaining({
  name: 'ProtocolError',
  code: 'ERR_FORTANIX_CREDENTIALS',
  status: 401,
});

describe('parseFortanixBasicCredentials', () => {
  it('reads the API key fortanixApiKey makes', () => {
    expect(parseFortanixBasicCredentials(`Basic ${fortanixApiKey(APP_ID, 'app-secret')}`)).toEqual({
      appId: APP_ID,
      appSecret: 'app-secret',
    });
  });

  it.each([
    ['the scheme in any case', `bAsIc ${basic(`${APP_ID}:s`)}`, 's'],
    ['several spaces after the scheme', `Basic   ${basic(`${APP_ID}:s`)}`, 's'],
    ['white space around the value', ` \tBasic ${basic(`${APP_ID}:s`)}\t `, 's'],
    ['a colon in the secret (split at the first)', `Basic ${basic(`${APP_ID}:a:b:`)}`, 'a:b:'],
    ['a UTF-8 secret', `Basic ${basic(`${APP_ID}:pässwörd ✓`)}`, 'pässwörd ✓'],
    ['spaces inside the secret', `Basic ${basic(`${APP_ID}: a b `)}`, ' a b '],
  ])('accepts %s', (_name, header, secret) => {
    expect(parseFortanixBasicCredentials(header)).toEqual({ appId: APP_ID, appSecret: secret });
  });

  it('answers the app id lowercase, as UUIDs compare', () => {
    expect(parseFortanixBasicCredentials(`Basic ${basic(`${APP_ID.toUpperCase()}:s`)}`).appId).toBe(APP_ID);
  });

  it.each([
    ['no header', undefined],
    ['null', null],
    ['an empty header', ''],
    ['only white space', ' \t '],
    ['another scheme', `Bearer ${basic(`${APP_ID}:s`)}`],
    ['a scheme that only starts with Basic', `Basically ${basic(`${APP_ID}:s`)}`],
    ['the scheme alone', 'Basic'],
    ['the scheme and spaces', 'Basic    '],
    ['a tab after the scheme', `Basic\t${basic(`${APP_ID}:s`)}`],
    ['credentials without the scheme', basic(`${APP_ID}:s`)],
    ['base64url characters', `Basic ${basic(`${APP_ID}:s??>`).replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['unpadded base64', `Basic ${basic(`${APP_ID}:s`).replace(/=+$/, '')}`],
    ['non-zero trailing bits', `Basic ${withTrailingBit(basic(`${APP_ID}:s`))}`],
    [
      'a space inside the credentials',
      `Basic ${basic(`${APP_ID}:s`).slice(0, 8)} ${basic(`${APP_ID}:s`).slice(8)}`,
    ],
    ['two credentials', `Basic ${basic(`${APP_ID}:s`)} ${basic(`${APP_ID}:s`)}`],
    ['no colon', `Basic ${basic(APP_ID)}`],
    ['an empty app id', `Basic ${basic(':secret')}`],
    ['an app id that is not a UUID', `Basic ${basic('app:secret')}`],
    ['an empty secret', `Basic ${basic(`${APP_ID}:`)}`],
    ['a control character in the secret', `Basic ${basic(`${APP_ID}:a\nb`)}`],
    ['a DEL in the secret', `Basic ${basic(`${APP_ID}:a\u007fb`)}`],
    ['a NUL in the app id', `Basic ${basic(`${APP_ID}\u0000:s`)}`],
    [
      'bytes that are not UTF-8',
      `Basic ${Buffer.concat([Buffer.from(`${APP_ID}:`), Buffer.from([0xff, 0xfe])]).toString('base64')}`,
    ],
  ])('refuses %s with ERR_FORTANIX_CREDENTIALS (401)', (_name, header) => {
    expect(() => parseFortanixBasicCredentials(header as string)).toThrow(refused);
  });

  it('round-trips every app id and secret RFC 7617 allows', () => {
    const secret = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((text) => ![...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));
    fc.assert(
      fc.property(fc.uuid(), secret, fc.boolean(), (appId, appSecret, upper) => {
        const id = upper ? appId.toUpperCase() : appId;
        expect(parseFortanixBasicCredentials(`Basic ${fortanixApiKey(id, appSecret)}`)).toEqual({
          appId: appId.toLowerCase(),
          appSecret,
        });
      }),
    );
  });
});
