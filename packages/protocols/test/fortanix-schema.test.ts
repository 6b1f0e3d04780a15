// Seed 003 prints no example message, so the messages here are built member by member from its listing
// (SobjectDescriptor variants, hash_alg values, mode variants, BatchSignResponseItem variants).
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  FORTANIX_HASH_ALGORITHMS,
  FORTANIX_OBJECT_TYPES,
  fortanixBatchSignRequestSchema,
  fortanixBatchSignResponseSchema,
  fortanixBatchVerifyResponseSchema,
  fortanixKeyDescriptorSchema,
  fortanixSessionAuthResponseSchema,
  fortanixSignatureModeSchema,
  fortanixSignRequestSchema,
  fortanixSignResponseSchema,
  fortanixVerifyRequestSchema,
  fortanixVerifyResponseSchema,
} from '../src/fortanix/index.js';

const kid = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
const hash = Buffer.alloc(32, 7).toString('base64');

describe('Fortanix batch sign request (seed 003)', () => {
  it('accepts every key descriptor variant', () => {
    const descriptors = [
      { kid },
      { name: 'release signing key' },
      { transient_key: 'AAECAw==' },
      { inline: { value: 'AAECAw==', obj_type: 'RSA' } },
    ];
    for (const key of descriptors) expect(fortanixKeyDescriptorSchema.parse(key)).toEqual(key);
    for (const obj_type of FORTANIX_OBJECT_TYPES) {
      expect(fortanixKeyDescriptorSchema.safeParse({ inline: { value: 'AA==', obj_type } }).success).toBe(
        true,
      );
    }
  });

  it('accepts every hash_alg and both modes', () => {
    for (const hash_alg of FORTANIX_HASH_ALGORITHMS) {
      expect(fortanixSignRequestSchema.parse({ key: { kid }, hash_alg, hash }).hash_alg).toBe(hash_alg);
    }
    expect(fortanixSignatureModeSchema.parse({ PKCS1_V15: {} })).toEqual({ PKCS1_V15: {} });
    expect(fortanixSignatureModeSchema.parse({ PSS: { mgf: { mgf1: { hash: 'SHA256' } } } })).toEqual({
      PSS: { mgf: { mgf1: { hash: 'SHA256' } } },
    });
  });

  it('accepts a batch with all optional members, and leaves the hash/data rule to per-item validation', () => {
    const batch = [
      { key: { kid }, hash_alg: 'SHA256', hash, mode: { PKCS1_V15: {} }, deterministic_signature: null },
      { key: { name: 'ec' }, hash_alg: 'SHA384', data: 'aGVsbG8=', deterministic_signature: true },
      { key: { kid }, hash_alg: 'SHA256', hash, data: 'aGVsbG8=' },
      { key: { kid }, hash_alg: 'SHA256' },
    ];
    expect(fortanixBatchSignRequestSchema.parse(batch)).toHaveLength(4);
  });

  it('accepts the documented response items and the other answers', () => {
    const items = [
      { status: 200, body: { kid, signature: 'c2ln' } },
      { status: 200, body: { signature: 'c2ln' } },
      { status: 400, error: 'Either hash or data should be specified' },
    ];
    expect(fortanixBatchSignResponseSchema.parse(items)).toEqual(items);
    expect(fortanixSignResponseSchema.parse({ kid, signature: 'c2ln' }).kid).toBe(kid);
    expect(
      fortanixVerifyRequestSchema.parse({ key: { kid }, hash_alg: 'SHA256', hash, signature: 'c2ln' })
        .signature,
    ).toBe('c2ln');
    expect(fortanixVerifyResponseSchema.parse({ kid, result: false }).result).toBe(false);
    expect(
      fortanixBatchVerifyResponseSchema.parse([
        { status: 200, body: { kid, result: true } },
        { status: 404, error: 'x' },
      ]),
    ).toHaveLength(2);
    expect(
      fortanixSessionAuthResponseSchema.parse({
        token_type: 'Bearer',
        expires_in: 600,
        access_token: 'tok',
        entity_id: kid,
      }).expires_in,
    ).toBe(600);
  });
});

describe('bad-input matrix', () => {
  const item = { key: { kid }, hash_alg: 'SHA256', hash };
  const cases: [string, z.ZodType, unknown, (string | number)[]][] = [
    ['kid not a UUID', fortanixSignRequestSchema, { ...item, key: { kid: 'k1' } }, ['key', 'kid']],
    ['two descriptors at once', fortanixSignRequestSchema, { ...item, key: { kid, name: 'n' } }, ['key']],
    ['a multi-line name', fortanixSignRequestSchema, { ...item, key: { name: 'a\nb' } }, ['key', 'name']],
    [
      'an unknown obj_type',
      fortanixSignRequestSchema,
      { ...item, key: { inline: { value: 'AA==', obj_type: 'RSA2' } } },
      ['key', 'inline', 'obj_type'],
    ],
    ['an unknown hash_alg', fortanixSignRequestSchema, { ...item, hash_alg: 'SHA-256' }, ['hash_alg']],
    ['a missing hash_alg', fortanixSignRequestSchema, { key: { kid }, hash }, ['hash_alg']],
    ['hash not base64', fortanixSignRequestSchema, { ...item, hash: 'not base64' }, ['hash']],
    ['data not base64', fortanixSignRequestSchema, { ...item, hash: undefined, data: '***' }, ['data']],
    ['mode as a bare string', fortanixSignRequestSchema, { ...item, mode: 'PKCS1_V15' }, ['mode']],
    ['PSS without mgf', fortanixSignRequestSchema, { ...item, mode: { PSS: {} } }, ['mode', 'PSS', 'mgf']],
    [
      'deterministic_signature a string',
      fortanixSignRequestSchema,
      { ...item, deterministic_signature: 'yes' },
      ['deterministic_signature'],
    ],
    ['a batch that is not an array', fortanixBatchSignRequestSchema, item, []],
    [
      'a bad second item',
      fortanixBatchSignRequestSchema,
      [item, { ...item, hash_alg: 'MD5' }],
      [1, 'hash_alg'],
    ],
    ['verify without signature', fortanixVerifyRequestSchema, item, ['signature']],
    ['sign response without signature', fortanixSignResponseSchema, { kid }, ['signature']],
    ['verify result a string', fortanixVerifyResponseSchema, { kid, result: 'true' }, ['result']],
    [
      'auth with another token_type',
      fortanixSessionAuthResponseSchema,
      { token_type: 'Basic', expires_in: 1, access_token: 't', entity_id: kid },
      ['token_type'],
    ],
    [
      'auth without expires_in',
      fortanixSessionAuthResponseSchema,
      { token_type: 'Bearer', access_token: 't', entity_id: kid },
      ['expires_in'],
    ],
  ];
  it.each(cases)('rejects %s with the path of the field', (_name, schema, value, path) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});
