// pingone respond through the built binary: the signed payloads verify as compact JWS with jose.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { runSigil, scratchDirectory } from './sigil.js';

const dir = scratchDirectory();
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signingRequest(alg: string, kid: string, count: number) {
  return {
    purpose: 'issue a credential',
    payloads: Array.from({ length: count }, (_, index) => ({
      payload: `${base64url({ alg, kid, typ: 'JWT' })}.${base64url({ sub: `user-${index}`, vc: { type: ['Badge'] } })}`,
      kid,
      credentialSigningKeyId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    })),
  };
}

describe('sigil pingone respond (built binary)', () => {
  const keys: [string, KeyObject, KeyObject][] = [
    [
      'ES256',
      ...(Object.values(generateKeyPairSync('ec', { namedCurve: 'P-256' })) as [KeyObject, KeyObject]),
    ],
    [
      'RS256',
      ...(Object.values(generateKeyPairSync('rsa', { modulusLength: 2048 })) as [KeyObject, KeyObject]),
    ],
    ['EdDSA', ...(Object.values(generateKeyPairSync('ed25519')) as [KeyObject, KeyObject])],
  ];

  it.each(keys)(
    '%s: every signedData entry verifies with jose compactVerify',
    async (alg, publicKey, privateKey) => {
      writeFileSync(join(dir, `${alg}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const request = signingRequest(alg, `kid-${alg}`, 3);
      writeFileSync(join(dir, `${alg}-request.json`), JSON.stringify(request));
      const result = runSigil(['pingone', 'respond', `${alg}-request.json`, '--key', `${alg}.pem`], {
        cwd: dir,
      });
      expect(result.status, result.stderr).toBe(0);
      const response = JSON.parse(result.stdout.toString()) as {
        signedData: { payload: string; signature: string }[];
      };
      expect(response.signedData).toHaveLength(3);
      for (const [index, entry] of response.signedData.entries()) {
        expect(entry.payload).toBe(request.payloads[index]?.payload);
        const verified = await compactVerify(`${entry.payload}.${entry.signature}`, publicKey, {
          algorithms: [alg],
        });
        expect(JSON.parse(new TextDecoder().decode(verified.payload)).sub).toBe(`user-${index}`);
      }
    },
  );

  it('reads the request from stdin, and refuses a payload for another --kid (exit 2)', () => {
    const request = JSON.stringify(signingRequest('ES256', 'kid-ES256', 1));
    const ok = runSigil(['pingone', 'respond', '-', '--key', 'ES256.pem', '--kid', 'kid-ES256', '--json'], {
      cwd: dir,
      input: request,
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.toString()).signedData).toHaveLength(1);
    const other = runSigil(['pingone', 'respond', '-', '--key', 'ES256.pem', '--kid', 'someone-else'], {
      cwd: dir,
      input: request,
    });
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/ERR_PINGONE_KEY/);
  });

  it('exits 2 when the header alg does not fit the key, or the request is malformed', () => {
    writeFileSync(join(dir, 'mismatch.json'), JSON.stringify(signingRequest('RS256', 'k', 1)));
    const mismatch = runSigil(['pingone', 'respond', 'mismatch.json', '--key', 'ES256.pem'], { cwd: dir });
    expect(mismatch.status).toBe(2);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ payloads: [{ payload: 'x' }] }));
    const bad = runSigil(['pingone', 'respond', 'bad.json', '--key', 'ES256.pem'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/invalid input: payloads\.0\./);
  });
});
