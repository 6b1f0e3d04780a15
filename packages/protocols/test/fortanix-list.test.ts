// GET /crypto/v1/keys: ListSobjectsParams read from a query string, and the answer over a set of Sobjects, checked
// against Fortanix's published OpenAPI.
import { generateKeyPairSync } from 'node:crypto';
import { importSpki } from '@sigil/crypto-core/keys';
import { vendorSpec } from '@sigil/vendor-specs';
import { describe, expect, it } from 'vitest';
import {
  type FortanixSobject,
  fortanixListSobjectsQuerySchema,
  fortanixSobject,
  listFortanixSobjects,
} from '../src/fortanix/index.js';

const ACCOUNT = '0c0e1b9a-5d7f-4c2b-8a1e-3f4d5c6b7a89';
const GROUP = '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84';
const APP = '9d2c7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const ecKey = importSpki(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }),
);
const sobjects: FortanixSobject[] = [
  ['c0000000-0000-4000-8000-000000000003', 'beta', GROUP],
  ['a0000000-0000-4000-8000-000000000001', 'gamma', undefined],
  ['b0000000-0000-4000-8000-000000000002', 'alpha', GROUP],
].map(([kid, name, groupId]) =>
  fortanixSobject(ecKey, {
    acctId: ACCOUNT,
    creator: name === 'gamma' ? { app: APP } : 'system',
    createdAt: new Date(0),
    enabled: true,
    origin: 'External',
    kid,
    name,
    groupId,
  }),
);
const list = (query: Record<string, string>) => {
  const answer = listFortanixSobjects(sobjects, fortanixListSobjectsQuerySchema.parse(query));
  expect(vendorSpec('fortanix').validateResponse('GET', '/crypto/v1/keys', 200, answer).errors).toEqual([]);
  return answer;
};
const names = (answer: unknown) =>
  (Array.isArray(answer) ? answer : (answer as { items: FortanixSobject[] }).items).map((item) => item.name);

describe('Fortanix key listing', () => {
  it('lists every object as an array, or {metadata, items} for with_metadata=true', () => {
    expect(names(list({}))).toEqual(['beta', 'gamma', 'alpha']);
    expect(list({ with_metadata: 'true', name: 'alpha' })).toMatchObject({
      metadata: { total_count: 3, filtered_count: 1 },
    });
    expect(Array.isArray(list({ with_metadata: 'false' }))).toBe(true);
  });

  it('filters by name, group_id, creator and obj_type', () => {
    expect(names(list({ name: 'gamma' }))).toEqual(['gamma']);
    expect(names(list({ group_id: GROUP.toUpperCase() }))).toEqual(['beta', 'alpha']);
    expect(names(list({ creator: APP }))).toEqual(['gamma']);
    expect(names(list({ obj_type: 'RSA' }))).toEqual([]);
    expect(names(list({ name: 'nothing' }))).toEqual([]);
  });

  it('sorts by kid or name from start, then applies offset and limit', () => {
    expect(names(list({ sort: 'name:asc' }))).toEqual(['alpha', 'beta', 'gamma']);
    expect(names(list({ sort: 'name:desc', start: 'beta' }))).toEqual(['beta', 'alpha']);
    expect(names(list({ sort: 'kid:asc' }))).toEqual(['gamma', 'alpha', 'beta']);
    expect(names(list({ sort: 'kid:asc', start: 'B0000000-0000-4000-8000-000000000002' }))).toEqual([
      'alpha',
      'beta',
    ]);
    expect(names(list({ sort: 'name:asc', offset: '1', limit: '1' }))).toEqual(['beta']);
    expect(names(list({ limit: '0' }))).toEqual([]);
  });

  it('refuses parameters of the wrong form, and lets the ones it does not use pass', () => {
    for (const query of [{ limit: '-1' }, { offset: 'x' }, { sort: 'size:asc' }, { with_metadata: '1' }]) {
      expect(fortanixListSobjectsQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
    }
    expect(names(list({ show_pub_key: 'true', filter: '{}' }))).toHaveLength(3);
  });
});
