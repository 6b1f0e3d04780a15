// Fortanix security objects: the Sobject, descriptor, list and create-key schemas checked against the OpenAPI
// excerpt in __fixtures__/fortanix, and crypto-core keys to Sobject key members and back.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { exportSpki, importSpki } from '@sigil/crypto-core/keys';
import { vendorSpec } from '@sigil/vendor-specs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  FORTANIX_ELLIPTIC_CURVES,
  FORTANIX_HASH_ALGORITHMS,
  FORTANIX_KEY_OPERATIONS,
  FORTANIX_OBJECT_ORIGINS,
  FORTANIX_OBJECT_TYPES,
  FORTANIX_SOBJECT_STATES,
  fortanixCreateKeyRequestSchema,
  fortanixKeyTypeOfSobject,
  fortanixListSobjectsResponseSchema,
  fortanixPrincipalSchema,
  fortanixSobject,
  fortanixSobjectDescriptorSchema,
  fortanixSobjectKeyFields,
  fortanixSobjectPublicKey,
  fortanixSobjectSchema,
  fortanixTimestamp,
} from '../src/fortanix/index.js';

interface OpenApiObject {
  readonly properties?: Record<string, unknown>;
  readonly required?: string[];
}
interface OpenApiExcerpt {
  readonly schemas: Record<
    string,
    { allOf?: OpenApiObject[]; oneOf?: (OpenApiObject & { title?: string })[]; enum?: string[] }
  >;
}
const openApi = JSON.parse(
  readFileSync(new URL('../__fixtures__/fortanix/dsm-openapi-sobject.json', import.meta.url), 'utf8'),
) as OpenApiExcerpt;
const objectOf = (name: string): OpenApiObject => openApi.schemas[name]?.allOf?.[0] ?? {};
const enumOf = (name: string) => openApi.schemas[name]?.enum ?? [];
const shapeOf = (schema: z.ZodType) => (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
const requiredBy = (schema: z.ZodType) =>
  Object.entries(shapeOf(schema))
    .filter(([, member]) => !member.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();

const KID = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
// The members OpenAPI `Sobject` requires, each with a value of its declared type (`created_at`: the spec's example).
const required = {
  acct_id: '0c0e1b9a-5d7f-4c2b-8a1e-3f4d5c6b7a89',
  created_at: '20170509T070912Z',
  creator: { app: '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84' },
  enabled: true,
  key_ops: ['SIGN', 'VERIFY'] as ('SIGN' | 'VERIFY')[],
  obj_type: 'EC',
  origin: 'FortanixHSM',
  public_only: false,
} as const;

describe('Fortanix schemas against the OpenAPI', () => {
  it('Sobject requires exactly what the OpenAPI requires, and types only members the OpenAPI lists', () => {
    const sobject = objectOf('Sobject');
    expect(requiredBy(fortanixSobjectSchema)).toEqual([...(sobject.required ?? [])].sort());
    expect(Object.keys(sobject.properties ?? {})).toEqual(
      expect.arrayContaining(Object.keys(shapeOf(fortanixSobjectSchema))),
    );
  });

  it('the create-key request requires nothing, as SobjectRequest, and types only its members', () => {
    const request = objectOf('SobjectRequest');
    expect(request.required).toBeUndefined();
    expect(requiredBy(fortanixCreateKeyRequestSchema)).toEqual([]);
    expect(Object.keys(request.properties ?? {})).toEqual(
      expect.arrayContaining(Object.keys(shapeOf(fortanixCreateKeyRequestSchema))),
    );
  });

  it('the enums are the OpenAPI enums', () => {
    expect([...FORTANIX_KEY_OPERATIONS]).toEqual(enumOf('KeyOperations'));
    expect([...FORTANIX_ELLIPTIC_CURVES]).toEqual(enumOf('EllipticCurve'));
    expect([...FORTANIX_OBJECT_ORIGINS]).toEqual(enumOf('ObjectOrigin'));
    expect([...FORTANIX_OBJECT_TYPES]).toEqual(enumOf('ObjectType'));
    expect([...FORTANIX_SOBJECT_STATES]).toEqual(enumOf('SobjectState'));
    expect([...FORTANIX_HASH_ALGORITHMS]).toEqual(enumOf('DigestAlgorithm'));
  });

  it('the descriptor takes each OneOf variant of SobjectDescriptor, one at a time', () => {
    const variants = openApi.schemas.SobjectDescriptor?.oneOf ?? [];
    const values: Record<string, unknown> = {
      kid: KID,
      name: 'release key',
      transient_key: 'AAECAw==',
      inline: { value: 'AAECAw==', obj_type: 'EC' },
    };
    expect(variants.map((variant) => variant.required?.[0])).toEqual(Object.keys(values));
    for (const [member, value] of Object.entries(values)) {
      expect(fortanixSobjectDescriptorSchema.parse({ [member]: value })).toEqual({ [member]: value });
    }
    expect(fortanixSobjectDescriptorSchema.safeParse({ kid: KID, name: 'release key' }).success).toBe(false);
  });

  it('the principal takes each OneOf variant of Principal', () => {
    const user = '7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09';
    for (const principal of [
      { app: user },
      { user },
      { plugin: user },
      { userviaapp: { user_id: user, scopes: ['app'] } },
      'system',
      'unregistereduser',
    ]) {
      expect(fortanixPrincipalSchema.parse(principal)).toEqual(principal);
    }
    expect(fortanixPrincipalSchema.safeParse({ app: user, user }).success).toBe(false);
  });

  it('reads a Sobject of only the required members, a transient one, and passes unknown members through', () => {
    expect(fortanixSobjectSchema.parse(required)).toEqual(required);
    const transient = {
      ...required,
      origin: 'Transient',
      transient_key: 'AAECAw==',
      kid: null,
      lastused_at: '20250101T000000Z',
    };
    expect(fortanixSobjectSchema.parse(transient)).toEqual(transient);
  });

  it('reads both forms of ListSobjectsResponse', () => {
    const item = { ...required, kid: KID };
    expect(fortanixListSobjectsResponseSchema.parse([item])).toEqual([item]);
    const withMetadata = { metadata: { total_count: 1, filtered_count: null }, items: [item] };
    expect(fortanixListSobjectsResponseSchema.parse(withMetadata)).toEqual(withMetadata);
    expect(fortanixListSobjectsResponseSchema.safeParse({ value: [item] }).success).toBe(false);
  });
});

describe('Sobject key members both ways', () => {
  const keys: [string, PublicKey][] = [
    [
      'RSA 2048',
      importSpki(
        generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }),
      ),
    ],
    ...(['P-256', 'P-384', 'P-521', 'secp256k1'] as const).map((curve): [string, PublicKey] => [
      curve,
      importSpki(
        generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'der', type: 'spki' }),
      ),
    ]),
    ['Ed25519', importSpki(generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }))],
  ];

  it.each(keys)('describes a %s key and reads it back', (_name, key) => {
    const fields = fortanixSobjectKeyFields(key);
    const sobject = fortanixSobjectSchema.parse({ ...required, ...fields, kid: KID });
    expect(exportSpki(fortanixSobjectPublicKey(sobject))).toEqual(exportSpki(key));
    expect(fortanixKeyTypeOfSobject(sobject)).toEqual(
      fields.obj_type === 'RSA'
        ? { objType: 'RSA' }
        : { objType: 'EC', ellipticCurve: fields.elliptic_curve },
    );
  });

  it("gives DSM's key_size and elliptic_curve", () => {
    expect(
      keys
        .map(([, key]) => fortanixSobjectKeyFields(key))
        .map(({ key_size, elliptic_curve }) => [key_size, elliptic_curve]),
    ).toEqual([
      [2048, undefined],
      [256, 'NistP256'],
      [384, 'NistP384'],
      [521, 'NistP521'],
      [256, 'SecP256K1'],
      [256, 'Ed25519'],
    ]);
  });

  it('refuses a Sobject without pub_key, with a bad one, or one that contradicts its type', () => {
    const [, rsa] = keys[0] as [string, PublicKey];
    const [, p256] = keys[1] as [string, PublicKey];
    const keyError = expect.objectContaining({ code: 'ERR_FORTANIX_KEY' });
    const ec = { ...required, elliptic_curve: 'NistP256' as const, kid: KID };
    expect(() => fortanixSobjectPublicKey(ec)).toThrow(keyError);
    expect(() => fortanixSobjectPublicKey({ ...ec, pub_key: 'AAECAw==' })).toThrow(keyError);
    expect(() =>
      fortanixSobjectPublicKey({ ...ec, ...fortanixSobjectKeyFields(rsa), obj_type: 'EC' }),
    ).toThrow(keyError);
    expect(() =>
      fortanixSobjectPublicKey({
        ...ec,
        pub_key: fortanixSobjectKeyFields(p256).pub_key,
        elliptic_curve: 'NistP384',
      }),
    ).toThrow(keyError);
    const algorithmError = expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM' });
    expect(() => fortanixKeyTypeOfSobject({ obj_type: 'AES' })).toThrow(algorithmError);
    expect(() => fortanixKeyTypeOfSobject({ obj_type: 'EC' })).toThrow(algorithmError);
    expect(() => fortanixKeyTypeOfSobject({ obj_type: 'EC', elliptic_curve: 'X25519' })).toThrow(
      algorithmError,
    );
  });

  it("builds whole Sobjects that Fortanix's published OpenAPI accepts, and reads their key back", () => {
    for (const [label, publicKey] of keys) {
      const sobject = fortanixSobject(publicKey, {
        acctId: required.acct_id,
        creator: 'system',
        createdAt: new Date('2017-05-09T07:09:12.345Z'),
        enabled: label !== 'RSA 2048',
        origin: 'External',
        kid: KID,
        name: `key ${label}`,
      });
      expect(vendorSpec('fortanix').validateSchema('Sobject', sobject).errors, label).toEqual([]);
      expect(fortanixSobjectSchema.parse(sobject)).toEqual(sobject);
      expect(sobject).toMatchObject({
        created_at: '20170509T070912Z',
        kid: KID,
        public_only: false,
        key_ops: ['SIGN', 'VERIFY'],
        state: label === 'RSA 2048' ? 'Deactivated' : 'Active',
      });
      expect(exportSpki(fortanixSobjectPublicKey(sobject))).toEqual(exportSpki(publicKey));
    }
    const transient = fortanixSobject(keys[1]?.[1] as PublicKey, {
      acctId: required.acct_id,
      creator: { app: KID },
      createdAt: new Date(0),
      enabled: true,
      origin: 'Transient',
      transientKey: 'AAECAw==',
    });
    expect(transient).not.toHaveProperty('kid');
    expect(transient).not.toHaveProperty('name');
    expect(vendorSpec('fortanix').validateSchema('Sobject', transient).errors).toEqual([]);
    expect(() => fortanixTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
