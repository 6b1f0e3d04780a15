import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCanonicalString, hashPayload } from '../src/pingid/index.js';

// The worked example of seed 004 ("Construct a canonical string"), kept in __fixtures__.
const example = JSON.parse(
  readFileSync(new URL('../__fixtures__/pingid/canonical-request.json', import.meta.url), 'utf8'),
) as {
  HTTPRequestMethod: string;
  CanonicalURI: string;
  CanonicalQueryString: string;
  HashedRequestPayload: string;
};
const URI = example.CanonicalURI;
const EMPTY_SHA256 = example.HashedRequestPayload;

describe('PingID canonical string', () => {
  it('hashes an empty body to the documented SHA-256', () => {
    expect(hashPayload(undefined)).toBe(EMPTY_SHA256);
    expect(hashPayload('')).toBe(EMPTY_SHA256);
  });

  it('yields the documented canonical string for GET ...users/tom?expand=devices', () => {
    const canonical = buildCanonicalString({
      method: example.HTTPRequestMethod,
      url: `https://sdk.pingid.com:443${URI}?${example.CanonicalQueryString}`,
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
