import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyPingIdToken } from '../src/pingid/index.js';

interface JwsTest {
  tcId: number;
  comment: string;
  jws: string | object;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface JwsGroup {
  private?: { kty: string; alg?: string; k?: string };
  public?: { kty: string };
  tests: JwsTest[];
}

const file = join(import.meta.dirname, 'vectors', 'wycheproof', 'json_web_signature_test.json');
const vectors = JSON.parse(readFileSync(file, 'utf8')) as { testGroups: JwsGroup[] };
// The groups an HS256 verifier applies to: an oct key meant for HS256.
const groups = vectors.testGroups.filter(
  (group) => group.private?.kty === 'oct' && group.private.alg === 'HS256',
);

// Four labels in the "base64" group contradict the data, so they are checked against jose instead:
// - 372 and 373 ("valid") insert a '?' into the header or payload and keep the MAC of the unmodified input.
//   RFC 7515 §5.2 verifies the signing input exactly as received, in strict base64url (§2), so the MAC cannot
//   match: we reject them, and so does jose.
// - 367 and 370 ("invalid", "invalidBase64Padding") are byte for byte the valid tcId 357 (their padding was
//   lost upstream), so no verifier can reject them and accept 357: we accept them, and so does jose.
const REJECTED_BY_POLICY = new Set([372, 373]);
const IDENTICAL_TO_357 = new Set([367, 370]);

describe('Wycheproof json_web_signature_test.json, HS256 groups, through the PingID verifier', () => {
  it('has the HS256 groups', () => {
    expect(groups.length).toBe(4);
  });

  it('accepts every valid case and rejects every invalid one', async () => {
    let accepted = 0;
    let rejected = 0;
    for (const group of groups) {
      const apiKey = Buffer.from(group.private!.k!, 'base64url').toString('base64');
      for (const test of group.tests) {
        const token = typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws);
        let ok = true;
        try {
          verifyPingIdToken(token, apiKey);
        } catch (error) {
          ok = false;
          expect((error as { code?: string }).code, `tcId ${test.tcId}`).toMatch(/^ERR_PINGID_AUTH_/);
        }
        if (IDENTICAL_TO_357.has(test.tcId)) {
          const valid357 = group.tests.find((other) => other.tcId === 357)!;
          expect(token).toBe(valid357.jws);
          expect(ok, `tcId ${test.tcId}`).toBe(true);
          await expect(compactVerify(token, Buffer.from(apiKey, 'base64'))).resolves.toBeDefined();
          accepted++;
          continue;
        }
        if (REJECTED_BY_POLICY.has(test.tcId)) {
          expect(ok, `tcId ${test.tcId} ${test.comment}`).toBe(false);
          await expect(compactVerify(token, Buffer.from(apiKey, 'base64'))).rejects.toThrow();
          rejected++;
          continue;
        }
        expect(ok, `tcId ${test.tcId} ${test.comment}`).toBe(test.result === 'valid');
        if (ok) accepted++;
        else rejected++;
      }
    }
    console.log(
      `json_web_signature_test.json (HS256): ${accepted} valid accepted, ${rejected} invalid rejected (tcId 372/373 rejected and 367/370 accepted against their labels, as jose does)`,
    );
    expect(accepted + rejected).toBe(groups.reduce((sum, group) => sum + group.tests.length, 0));
  });
});
