import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signPathRecording, vendorSpec, vendorSpecText } from '../src/index.js';

describe('the copies', () => {
  it('are byte for byte the published files (checksums in specs/README.md)', () => {
    const readme = readFileSync(new URL('../specs/README.md', import.meta.url), 'utf8');
    for (const file of [
      'fortanix-dsm-openapi.json',
      'pingone-credentials-openapi.yaml',
      'signpath-recorded/signpath-invalid-policy-error.json',
      'signpath-recorded/signpath-signing-policies.json',
    ]) {
      const digest = createHash('sha256').update(vendorSpecText(file)).digest('hex');
      expect(readme, file).toContain(digest);
    }
  });
});

describe('vendorSpec("fortanix")', () => {
  const spec = vendorSpec('fortanix');

  it('finds the template of a path, literal segments before parameters', () => {
    expect(spec.pathTemplate('POST', '/crypto/v1/keys/info')).toBe('/crypto/v1/keys/info');
    expect(spec.pathTemplate('GET', '/crypto/v1/keys')).toBe('/crypto/v1/keys');
    expect(spec.pathTemplate('GET', '/crypto/v1/nowhere')).toBeUndefined();
  });

  it('accepts the example answer of session auth and refuses one that lacks a required field', () => {
    const good = {
      token_type: 'Bearer',
      expires_in: 600,
      access_token: 'abc',
      entity_id: crypto.randomUUID(),
    };
    expect(spec.validateResponse('POST', '/sys/v1/session/auth', 200, good)).toEqual({
      valid: true,
      errors: [],
    });
    const { entity_id: _dropped, ...missing } = good;
    const check = spec.validateResponse('POST', '/sys/v1/session/auth', 200, missing);
    expect(check.valid).toBe(false);
    expect(check.errors.join()).toContain('entity_id');
  });

  it('refuses a Sobject without the fields the spec requires, and a wrong type', () => {
    const check = spec.validateResponse('POST', '/crypto/v1/keys/info', 200, { kid: 'x', name: 'k' });
    expect(check.valid).toBe(false);
    for (const field of ['acct_id', 'created_at', 'creator', 'enabled', 'key_ops', 'obj_type', 'origin']) {
      expect(check.errors.join(), field).toContain(field);
    }
    expect(spec.validateSchema('Sobject', { enabled: 'yes' }).errors.join()).toContain('/enabled');
  });

  it('lists the properties a schema requires, through allOf', () => {
    expect(spec.requiredProperties('Sobject')).toEqual(
      expect.arrayContaining([
        'acct_id',
        'created_at',
        'creator',
        'enabled',
        'key_ops',
        'obj_type',
        'origin',
        'public_only',
      ]),
    );
    expect(spec.requiredProperties('AuthResponse').sort()).toEqual(['entity_id', 'expires_in', 'token_type']);
    expect(() => spec.requiredProperties('Nothing')).toThrow(/no schema Nothing/);
  });

  it('checks batch items as anyOf their two branches', () => {
    const kid = crypto.randomUUID();
    const ok = [
      { status: 200, body: { kid, signature: 'AAAA' } },
      { status: 400, error: 'bad' },
    ];
    expect(spec.validateResponse('POST', '/crypto/v1/keys/batch/sign', 200, ok).errors).toEqual([]);
    const bad = [{ status: 'ok', body: { kid, signature: 42 } }];
    expect(spec.validateResponse('POST', '/crypto/v1/keys/batch/sign', 200, bad).valid).toBe(false);
  });

  it('requires no body where the spec gives none (terminate is 204), and fails what the spec does not describe', () => {
    expect(spec.validateResponse('POST', '/sys/v1/session/terminate', 204, undefined).valid).toBe(true);
    expect(spec.validateResponse('POST', '/sys/v1/session/terminate', 204, { ok: true }).valid).toBe(false);
    expect(spec.validateResponse('POST', '/sys/v1/session/terminate', 500, undefined).valid).toBe(false);
    expect(spec.validateResponse('DELETE', '/crypto/v1/sign', 200, {}).valid).toBe(false);
  });
});

describe('vendorSpec("pingone")', () => {
  const spec = vendorSpec('pingone');

  it('checks P1Error and the issuer profile', () => {
    expect(spec.validateSchema('P1Error', { id: 'x', code: 'INVALID_DATA', message: 'm' }).valid).toBe(true);
    expect(spec.validateSchema('P1Error', { id: 1, code: 'INVALID_DATA' }).valid).toBe(false);
    const profile = {
      id: crypto.randomUUID(),
      name: 'Sigil',
      createdAt: '2026-12-03T10:00:00.000Z',
      updatedAt: '2026-12-03T10:00:00.000Z',
      _links: { self: { href: 'https://api.pingone.com/v1/environments/e/credentialIssuerProfile' } },
    };
    const path = '/environments/e/credentialIssuerProfile';
    expect(spec.validateResponse('GET', path, 200, profile).errors).toEqual([]);
    expect(spec.validateResponse('GET', path, 200, { ...profile, name: undefined }).valid).toBe(false);
    expect(spec.validateResponse('GET', path, 200, { ...profile, createdAt: 'yesterday' }).valid).toBe(false);
  });
});

describe('signPathRecording', () => {
  it('reads the recorded problem details', () => {
    const recorded = signPathRecording('signpath-invalid-policy-error.json');
    expect(recorded.title).toBe('One or more validation errors occurred.');
    expect(recorded.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });
});
