import { describe, expect, it } from 'vitest';
import { buildCanonicalString, hashPayload } from '../src/pingid/index.js';

// The worked example of seed 004 ("Construct a canonical string").
const ACCOUNT = '130d6e82-df53-43d7-bc0b-0ffe03133f11';
const APPLICATION = 'c0a658e0-47dc-4cb4-80d7-1a59a6a8a620';
const URI = `/pingid/v1/accounts/${ACCOUNT}/applications/${APPLICATION}/users/tom`;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('PingID canonical string', () => {
  it('hashes an empty body to the documented SHA-256', () => {
    expect(hashPayload(undefined)).toBe(EMPTY_SHA256);
    expect(hashPayload('')).toBe(EMPTY_SHA256);
  });

  it('yields the documented canonical string for GET ...users/tom?expand=devices', () => {
    const canonical = buildCanonicalString({
      method: 'GET',
      url: `https://sdk.pingid.com:443${URI}?expand=devices`,
    });
    expect(canonical).toBe(`GET:sdk.pingid.com:${URI}:expand=devices:${EMPTY_SHA256}:`);
  });

  it('leaves out the query segment when there is no query string', () => {
    const canonical = buildCanonicalString({
      method: 'post',
      url: `https://sdk.pingid.com${URI}`,
      body: '{"a":1}',
    });
    expect(canonical).toBe(`POST:sdk.pingid.com:${URI}:${hashPayload('{"a":1}')}:`);
    expect(canonical.split(':')).toHaveLength(5);
  });
});
