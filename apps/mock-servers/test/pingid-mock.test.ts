// PingID mock in-process: PINGID-HMAC checks (401 cases), in-memory endpoints, X-PINGID-Signature on every answer.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { signCompactJws } from '@sigil/crypto-core/jws';
import {
  buildAuthorizationHeader,
  type PingIdCredentials,
  verifyResponseSignature,
} from '@sigil/protocols/pingid';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { createPingIdMock } from '../src/pingid/pingid-mock.js';

const ORIGIN = 'http://127.0.0.1:9104';

/**
 * Checks `X-PINGID-Signature` with node:crypto alone (independently of crypto-core): an HS256 JWS under the
 * base64-decoded API key whose payload is `{data: hex SHA-256 of the body}` (seed 004, "Response Verification").
 */
function nodeVerifiesResponseSignature(signature: string | null, body: string, apiKey: string): boolean {
  const [header = '', payload = '', mac = '', ...rest] = (signature ?? '').split('.');
  if (rest.length > 0 || JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'HS256')
    return false;
  const expected = createHmac('sha256', Buffer.from(apiKey, 'base64'))
    .update(`${header}.${payload}`)
    .digest();
  const given = Buffer.from(mac, 'base64url');
  const data = createHash('sha256').update(body).digest('hex');
  return (
    given.length === expected.length &&
    timingSafeEqual(given, expected) &&
    JSON.parse(Buffer.from(payload, 'base64url').toString()).data === data
  );
}

interface Fixtures extends PingIdCredentials {
  applicationId: string;
  applications: Array<{ applicationId: string; enabled: boolean }>;
  users: Array<{ userName: string; devices: Array<{ id: string }> }>;
  otp: string;
}

describe('PingID mock', () => {
  let mock: MockServer;
  let fixtures: Fixtures;
  const appPath = () => `/pingid/v1/accounts/${fixtures.accountId}/applications/${fixtures.applicationId}`;

  /** Sends a signed request and checks the response signature; answers status, body text and JSON. */
  async function call(method: string, path: string, body?: unknown, authorization?: string) {
    const url = `${ORIGIN}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const header = authorization ?? buildAuthorizationHeader({ method, url, body: text }, fixtures);
    const response = await mock.app.request(url, {
      method,
      headers: {
        authorization: header,
        ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(text === undefined ? {} : { body: text }),
    });
    const responseText = await response.text();
    verifyResponseSignature(response.headers.get('x-pingid-signature'), responseText, fixtures.apiKey);
    expect(
      nodeVerifiesResponseSignature(
        response.headers.get('x-pingid-signature'),
        responseText,
        fixtures.apiKey,
      ),
    ).toBe(true);
    return {
      status: response.status,
      text: responseText,
      json: responseText === '' ? undefined : (JSON.parse(responseText) as Record<string, unknown>),
    };
  }

  beforeEach(async () => {
    mock = createPingIdMock({ seed: 'pingid-test' });
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as Fixtures;
  });

  it('serves a user with ?expand=devices to a correctly signed request, and signs the answer', async () => {
    const answer = await call('GET', `${appPath()}/users/tom?expand=devices`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      userName: 'tom',
      status: 'ACTIVE',
      devices: [{ id: fixtures.users[0]?.devices[0]?.id, role: 'PRIMARY' }],
    });
    expect((await call('GET', `${appPath()}/users/tom`)).json?.devices).toBeUndefined();
  });

  it('answers 401 for missing, malformed, wrong-key, expired, replayed and alg:none authorizations', async () => {
    const url = `${ORIGIN}${appPath()}/users/tom`;
    const reasons: Record<string, string> = {};
    const attempt = async (name: string, authorization: string | undefined) => {
      const response = await mock.app.request(
        url,
        authorization === undefined ? {} : { headers: { authorization } },
      );
      expect(response.status, name).toBe(401);
      const text = await response.text();
      verifyResponseSignature(response.headers.get('x-pingid-signature'), text, fixtures.apiKey);
      expect(
        nodeVerifiesResponseSignature(response.headers.get('x-pingid-signature'), text, fixtures.apiKey),
      ).toBe(true);
      const body = JSON.parse(text) as { code: string; target: string; details: Array<{ code: string }> };
      expect(body).toMatchObject({ code: 'UNAUTHORIZED', target: 'authorization' });
      reasons[name] = body.details[0]?.code ?? '';
    };
    await attempt('missing', undefined);
    await attempt('malformed', 'PINGID-HMAC=not-a-jwt');
    await attempt('bearer', 'Bearer abc');
    const wrongKey = { ...fixtures, apiKey: Buffer.alloc(32, 7).toString('base64') };
    await attempt('wrong key', buildAuthorizationHeader({ method: 'GET', url }, wrongKey));
    await attempt(
      'expired',
      buildAuthorizationHeader({ method: 'GET', url }, fixtures, { now: new Date(Date.now() - 600_000) }),
    );
    const once = buildAuthorizationHeader({ method: 'GET', url }, fixtures, { requestId: 'replay-me' });
    expect((await mock.app.request(url, { headers: { authorization: once } })).status).toBe(200);
    await attempt('replayed', once);
    const noneHeader = {
      alg: 'none',
      typ: 'JWT',
      account_id: fixtures.accountId,
      token: fixtures.token,
      jwt_version: 'v4',
      expires: '2099-01-01T00:00:00Z',
      'X-Request-ID': 'none-1',
    };
    const unsigned = `${Buffer.from(JSON.stringify(noneHeader)).toString('base64url')}.${Buffer.from('{"data":"x"}').toString('base64url')}.`;
    await attempt('alg none', `PINGID-HMAC=${unsigned}`);
    const otherRequest = buildAuthorizationHeader({ method: 'GET', url: `${url}?expand=devices` }, fixtures);
    await attempt('other request', otherRequest);
    const hsWithWrongKey = signCompactJws(
      { ...noneHeader, alg: 'HS256', 'X-Request-ID': 'hs-2' },
      '{"data":"x"}',
      { kty: 'oct', key: new Uint8Array(32) },
    );
    await attempt('forged', `PINGID-HMAC=${hsWithWrongKey}`);
    expect(reasons).toMatchObject({
      missing: 'MISSING_AUTHORIZATION',
      malformed: 'MALFORMED_AUTHORIZATION',
      'wrong key': 'INVALID_SIGNATURE',
      expired: 'EXPIRED_REQUEST',
      replayed: 'REPLAYED_REQUEST',
      'alg none': 'MALFORMED_AUTHORIZATION',
    });
  });

  it('keeps users, devices, authentications, tokens and pairings in memory with PingID statuses', async () => {
    const accountUsers = `/pingid/v1/accounts/${fixtures.accountId}/users`;
    expect((await call('POST', accountUsers, { userName: 'ann', firstName: 'Ann' })).status).toBe(201);
    expect((await call('POST', accountUsers, { userName: 'ann' })).status).toBe(409);
    expect((await call('GET', `${appPath()}/users/ann`)).json).toMatchObject({
      userName: 'ann',
      status: 'NOT_ACTIVE',
    });
    const missing = await call('GET', `${appPath()}/users/nobody`);
    expect(missing).toMatchObject({ status: 404, json: { code: 'NOT_FOUND', target: 'user', details: [] } });

    const started = await call('POST', `${appPath()}/users/tom/authentications`, {
      authenticationType: 'AUTHENTICATE',
    });
    expect(started).toMatchObject({ status: 201, json: { status: 'IN_PROGRESS' } });
    const id = started.json?.id as string;
    expect((await call('GET', `${appPath()}/users/tom/authentications/${id}`)).json?.status).toBe(
      'IN_PROGRESS',
    );
    expect((await call('GET', `${appPath()}/users/tom/authentications/${id}`)).json?.status).toBe('APPROVED');

    await mock.app.request('/__admin/scenarios/authentications', {
      method: 'PUT',
      body: JSON.stringify({ outcome: 'OTP', pollsUntilFinal: 0 }),
    });
    const otpAuth = await call('POST', `${appPath()}/users/tom/authentications`, {});
    const otpId = otpAuth.json?.id as string;
    expect((await call('GET', `${appPath()}/users/tom/authentications/${otpId}`)).json?.status).toBe('OTP');
    const wrongOtp = await call('PUT', `${appPath()}/users/tom/authentications/${otpId}/otp`, {
      otp: '000000',
    });
    expect(wrongOtp).toMatchObject({
      status: 400,
      json: { target: 'otp', details: [{ code: 'INVALID_OTP' }] },
    });
    expect(
      (await call('PUT', `${appPath()}/users/tom/authentications/${otpId}/otp`, { otp: fixtures.otp })).json
        ?.status,
    ).toBe('APPROVED');

    expect((await call('POST', `${appPath()}/users/tom/registrationtokens`)).status).toBe(201);
    expect(
      (
        (await call('GET', `${appPath()}/users/tom/registrationtokens`)).json?.registrationTokens as
          | unknown[]
          | undefined
      )?.length,
    ).toBe(1);
    expect(
      (await call('POST', `${appPath()}/users/tom/emailpairings`, { email: 'tom@example.com' })).status,
    ).toBe(201);
    expect(
      (
        (await call('GET', `${appPath()}/users/tom/emailpairings`)).json?.emailPairings as
          | unknown[]
          | undefined
      )?.length,
    ).toBe(1);
    expect(
      (await call('POST', `${appPath()}/users/tom/smspairings`, { phoneNumber: '+15550100' })).status,
    ).toBe(201);
    expect(
      (await call('PUT', `${appPath()}/users/tom/seendevices`, { devices: [{ id: 'browser-1' }] })).status,
    ).toBe(200);
    expect((await call('GET', `${appPath()}/users/tom/seendevices`)).json).toEqual({
      seenDevices: [{ id: 'browser-1' }],
    });
    expect(
      ((await call('GET', `${appPath()}/users/tom/devices`)).json?.devices as unknown[] | undefined)?.length,
    ).toBe(1);

    const deviceId = fixtures.users[0]?.devices[0]?.id;
    expect(
      (await call('DELETE', `/pingid/v1/accounts/${fixtures.accountId}/users/tom/devices/${deviceId}`))
        .status,
    ).toBe(204);
    expect((await call('DELETE', `/pingid/v1/accounts/${fixtures.accountId}/users/ann`)).status).toBe(204);
    expect((await call('GET', `${appPath()}/users/ann`)).status).toBe(404);
  });

  it('answers 400 APPLICATION_DISABLED for a disabled application', async () => {
    const disabled = fixtures.applications.find((application) => !application.enabled)?.applicationId;
    const answer = await call(
      'GET',
      `/pingid/v1/accounts/${fixtures.accountId}/applications/${disabled}/users/tom`,
    );
    expect(answer).toMatchObject({
      status: 400,
      json: { target: 'application', details: [{ code: 'APPLICATION_DISABLED' }] },
    });
  });

  it('corrupts X-PINGID-Signature on a corruptSignature fault', async () => {
    await mock.app.request('/__admin/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/pingid/*', corruptSignature: true, times: 1 }),
    });
    await expect(call('GET', `${appPath()}/users/tom`)).rejects.toMatchObject({
      code: 'ERR_PINGID_RESPONSE_SIGNATURE',
    });
    expect((await call('GET', `${appPath()}/users/tom`)).status).toBe(200);
    await mock.app.request('/__admin/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/pingid/*', corruptSignature: true, times: 1 }),
    });
    const url = `${ORIGIN}${appPath()}/users/tom`;
    const corrupted = await mock.app.request(url, {
      headers: { authorization: buildAuthorizationHeader({ method: 'GET', url }, fixtures) },
    });
    const text = await corrupted.text();
    expect(
      nodeVerifiesResponseSignature(corrupted.headers.get('x-pingid-signature'), text, fixtures.apiKey),
    ).toBe(false);
  });
});
