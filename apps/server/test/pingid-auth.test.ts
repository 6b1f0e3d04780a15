// PingID SDK signed requests (`Authorization: PINGID-HMAC=<jwt>`) on the native API: tokens issued with PingID
// credentials, the protocols client against the server unchanged, signed answers, and every refusal.
import {
  constants,
  createHash,
  createHmac,
  createPublicKey,
  verify as nodeVerify,
  publicDecrypt,
  randomUUID,
} from 'node:crypto';
import {
  buildAuthorizationHeader,
  createPingIdClient,
  PINGID_SIGNATURE_HEADER,
  PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING,
  type PingIdClient,
  type PingIdCredentials,
  verifyResponseSignature,
} from '@sigil/protocols/pingid';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const ORIGIN = 'http://localhost';
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const b64url = (value: string) => Buffer.from(value).toString('base64url');

interface PingIdToken {
  readonly id: string;
  readonly token: string;
  readonly pingid: PingIdCredentials;
}

describe('PingID signed requests', () => {
  let server: TestServer;
  let ec: { id: string; name: string; publicKeyPem: string };
  let other: { id: string; name: string };
  let signer: PingIdToken;
  let admin: PingIdToken;

  const issue = async (body: Record<string, unknown>): Promise<PingIdToken> => {
    const issued = await server.call('POST', '/v1/tokens', { body: { pingidHmac: true, ...body } });
    expect(issued.status).toBe(201);
    return issued.body;
  };

  /** The protocols PingID client, its fetch going to the in-process app. */
  const clientFor = (credentials: PingIdCredentials): PingIdClient =>
    createPingIdClient({
      baseUrl: ORIGIN,
      credentials,
      fetch: async (input, init) => server.sigil.app.request(String(input), init),
    });

  /** A request with a given Authorization header, straight to the in-process app. */
  const send = async (
    method: string,
    path: string,
    authorization: string,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const response = await server.sigil.app.request(`${ORIGIN}${path}`, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
  };

  const authorize = (
    method: string,
    path: string,
    body: string | undefined,
    credentials: PingIdCredentials,
    options: Parameters<typeof buildAuthorizationHeader>[2] = {},
  ) => buildAuthorizationHeader({ method, url: `${ORIGIN}${path}`, body }, credentials, options);

  const signBody = () => JSON.stringify({ key: ec.id, algorithm: 'ES256', message: b64('pingid') });

  beforeAll(async () => {
    server = await startTestServer();
    ec = (await server.call('POST', '/v1/keys', { body: { name: 'pingid-ec', type: 'EC', curve: 'P-256' } }))
      .body;
    other = (
      await server.call('POST', '/v1/keys', { body: { name: 'pingid-other', type: 'EC', curve: 'P-256' } })
    ).body;
    signer = await issue({ name: 'pingid signer', scopes: ['sign'] });
    admin = await issue({ name: 'pingid admin', scopes: ['admin'] });
  });

  it('issues PingID credentials once, with the API key sealed at rest and the bearer secret still working', async () => {
    expect(signer.pingid.accountId).toBe(signer.id);
    expect(signer.pingid.token).toMatch(/^[0-9a-f]{32}$/);
    // Padded base64 of 32 bytes, as protocols (and the PingID SDK settings file) decode it.
    expect(signer.pingid.apiKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(signer.pingid.apiKey, 'base64')).toHaveLength(32);

    const record = await server.store.getToken(signer.id);
    expect(record?.pingIdToken).toBe(signer.pingid.token);
    expect(record?.sealedPingIdApiKey).toMatch(/^\{"v":1,/);
    expect(record?.sealedPingIdApiKey).not.toContain(signer.pingid.apiKey);
    expect(record?.sealedPingIdApiKey).not.toContain(
      Buffer.from(signer.pingid.apiKey, 'base64').toString('hex'),
    );

    const plain = await server.call('POST', '/v1/tokens', { body: { name: 'plain', scopes: ['sign'] } });
    expect(plain.body.pingid).toBeUndefined();
    expect((await server.store.getToken(plain.body.id))?.sealedPingIdApiKey).toBeUndefined();
    const refused = await server.call('POST', '/v1/tokens', {
      body: { name: 'bad', scopes: ['sign'], pingidHmac: 'yes' },
    });
    expect(refused.status).toBe(400);

    const bearer = await server.call('POST', '/v1/sign', {
      token: signer.token,
      body: JSON.parse(signBody()),
    });
    expect(bearer.status).toBe(200);
  });

  it('signs through the protocols PingID client; the answer is signed and the signature checks with node:crypto', async () => {
    const message = Buffer.from('a PingID-signed call');
    const response = await clientFor(signer.pingid).request('POST', '/v1/sign', {
      key: ec.id,
      algorithm: 'ES256',
      message: b64(message),
    });
    expect(response.status).toBe(200);
    const body = response.body as { signature: string; keyId: string };
    expect(body.keyId).toBe(ec.id);
    const signature = Buffer.from(body.signature, 'base64');
    expect(nodeVerify('sha256', message, createPublicKey(ec.publicKeyPem), signature)).toBe(true);

    const listed = await clientFor(admin.pingid).request('GET', '/v1/keys');
    expect(listed.status).toBe(200);
    expect((listed.body as { keys: { id: string }[] }).keys.map((key) => key.id)).toEqual(
      expect.arrayContaining([ec.id, other.id]),
    );
    // An empty answer (204) is signed too: over the empty string.
    const doomed = await server.call('POST', '/v1/tokens', { body: { name: 'doomed', scopes: ['sign'] } });
    expect((await clientFor(admin.pingid).request('DELETE', `/v1/tokens/${doomed.body.id}`)).status).toBe(
      204,
    );
    // A query string is part of what is signed.
    const audit = await clientFor(admin.pingid).request('GET', '/v1/audit?after=0&limit=5');
    expect((audit.body as { entries: unknown[] }).entries).toHaveLength(5);
  });

  it('answers with X-PINGID-Signature: HS256 over hex SHA-256 of the body, checked by protocols and by hand', async () => {
    const body = signBody();
    const answer = await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, signer.pingid), body);
    expect(answer.status).toBe(200);
    const jwt = answer.headers.get(PINGID_SIGNATURE_HEADER) ?? '';
    verifyResponseSignature(jwt, answer.text, signer.pingid.apiKey);
    // PingID's SDK sample reads `X-PINGID-Singature` (sic) and fails without it (seed 004): the same value is there.
    expect(answer.headers.get('X-PINGID-Singature')).toBe(jwt);
    expect(() => verifyResponseSignature(jwt, answer.text, admin.pingid.apiKey)).toThrow(/does not verify/);
    expect(() => verifyResponseSignature(jwt, `${answer.text} `, signer.pingid.apiKey)).toThrow(/body/);

    const [header = '', payload = '', mac = ''] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      data: createHash('sha256').update(answer.text).digest('hex'),
    });
    const expected = createHmac('sha256', Buffer.from(signer.pingid.apiKey, 'base64'))
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(mac).toBe(expected);
    expect(answer.text).not.toContain(signer.pingid.apiKey);
  });

  it('reads the body once for the signature check and leaves it to the route, multipart included', async () => {
    const rsa = (
      await server.call('POST', '/v1/keys', { body: { name: 'pingid-rsa', type: 'RSA', size: 2048 } })
    ).body;
    const organization = '6a5b8c3e-0000-4000-8000-0000000000bb';
    const policy = await server.call('POST', '/v1/signpath/policies', {
      body: {
        organizationId: organization,
        projectSlug: 'proj',
        signingPolicySlug: 'fast',
        keyId: rsa.id,
        submitters: [signer.id],
      },
    });
    expect(policy.status).toBe(201);
    const form = new FormData();
    form.append('ProjectSlug', 'proj');
    form.append('SigningPolicySlug', 'fast');
    form.append('IsFastSigningRequest', 'true');
    const digest = createHash('sha256').update('artifact').digest();
    const payload = {
      SignatureAlgorithm: 'RsaPkcs1',
      RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      Base64EncodedHash: b64(digest),
    };
    form.append(
      'Artifact',
      new Blob([JSON.stringify(payload)], { type: 'application/json' }),
      'payload.json',
    );
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type') ?? '';
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const path = `/signpath/api/v1/${organization}/SigningRequests`;
    const response = await server.sigil.app.request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: {
        authorization: authorize('POST', path, new TextDecoder().decode(bytes), signer.pingid),
        'content-type': contentType,
      },
      body: bytes,
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    verifyResponseSignature(response.headers.get(PINGID_SIGNATURE_HEADER), text, signer.pingid.apiKey);
    // RSASSA-PKCS1-v1_5: the public operation gives back SHA-256's DigestInfo of the digest.
    const signature = Buffer.from(String(JSON.parse(text).Signature), 'base64');
    const digestInfo = publicDecrypt(
      { key: createPublicKey(rsa.publicKeyPem), padding: constants.RSA_PKCS1_PADDING },
      signature,
    );
    expect(digestInfo.toString('hex')).toBe(
      `3031300d060960864801650304020105000420${digest.toString('hex')}`,
    );
  });

  it('signs error answers too: the client sees a verified ERR_PINGID_HTTP with the status', async () => {
    const body = JSON.stringify({ key: 'no-such-key', algorithm: 'ES256', message: b64('x') });
    const answer = await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, signer.pingid), body);
    expect(answer.status).toBe(404);
    expect(answer.json().error.code).toBe('ERR_KEY_NOT_FOUND');
    verifyResponseSignature(answer.headers.get(PINGID_SIGNATURE_HEADER), answer.text, signer.pingid.apiKey);
    verifyResponseSignature(
      answer.headers.get(PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING),
      answer.text,
      signer.pingid.apiKey,
    );
    await expect(
      clientFor(signer.pingid).request('POST', '/v1/sign', {
        key: 'no-such-key',
        algorithm: 'ES256',
        message: 'eA==',
      }),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_HTTP', status: 404, message: 'PingID answered 404' });
  });

  it('applies scopes (403, signed and audited) and key grants as for bearer tokens', async () => {
    const forbidden = await send('GET', '/v1/keys', authorize('GET', '/v1/keys', undefined, signer.pingid));
    expect(forbidden.status).toBe(403);
    expect(forbidden.json().error).toMatchObject({
      code: 'ERR_FORBIDDEN',
      message: expect.stringMatching(/admin/),
    });
    verifyResponseSignature(
      forbidden.headers.get(PINGID_SIGNATURE_HEADER),
      forbidden.text,
      signer.pingid.apiKey,
    );
    expect(forbidden.headers.get(PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING)).toBe(
      forbidden.headers.get(PINGID_SIGNATURE_HEADER),
    );

    const granted = await issue({ name: 'granted', scopes: ['sign'], keys: [other.id] });
    const body = signBody();
    const viaPingId = await send(
      'POST',
      '/v1/sign',
      authorize('POST', '/v1/sign', body, granted.pingid),
      body,
    );
    const viaBearer = await server.call('POST', '/v1/sign', { token: granted.token, body: JSON.parse(body) });
    expect(viaPingId.status).toBe(403);
    expect(viaBearer.status).toBe(403);
    expect(viaPingId.json().error.code).toBe(viaBearer.body.error.code);
    const otherBody = JSON.stringify({ key: other.name, algorithm: 'ES256', message: b64('y') });
    const allowed = await send(
      'POST',
      '/v1/sign',
      authorize('POST', '/v1/sign', otherBody, granted.pingid),
      otherBody,
    );
    expect(allowed.status).toBe(200);

    const audit = await server.call('GET', '/v1/audit?limit=1000');
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        operation: 'GET /v1/keys',
        tokenId: signer.id,
        result: 'denied',
        detail: 'ERR_FORBIDDEN',
      }),
    );
  });

  describe('refuses with 401 ERR_UNAUTHENTICATED, naming the reason, unsigned and audited', () => {
    const expectRefused = async (
      answer: Awaited<ReturnType<typeof send>>,
      reason: RegExp,
      detail: string,
    ) => {
      expect(answer.status).toBe(401);
      const error = answer.json().error;
      expect(error.code).toBe('ERR_UNAUTHENTICATED');
      expect(error.message).toMatch(reason);
      expect(answer.headers.get(PINGID_SIGNATURE_HEADER)).toBeNull();
      expect(answer.headers.get(PINGID_SIGNATURE_HEADER_SAMPLE_SPELLING)).toBeNull();
      const audit = await server.call('GET', '/v1/audit?limit=1000');
      expect(audit.body.entries).toContainEqual(
        expect.objectContaining({ requestId: error.requestId, result: 'denied', detail }),
      );
    };

    it('a replayed X-Request-ID (the same request sent again, byte for byte)', async () => {
      const body = signBody();
      const authorization = authorize('POST', '/v1/sign', body, signer.pingid);
      expect((await send('POST', '/v1/sign', authorization, body)).status).toBe(200);
      await expectRefused(
        await send('POST', '/v1/sign', authorization, body),
        /\(replayed\): X-Request-ID was already used/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_REPLAYED)',
      );
      // Request IDs are remembered per account: another account may use the same one.
      const requestId = randomUUID();
      const first = authorize('POST', '/v1/sign', body, signer.pingid, { requestId });
      const second = authorize('POST', '/v1/sign', body, admin.pingid, { requestId });
      expect((await send('POST', '/v1/sign', first, body)).status).toBe(200);
      expect((await send('POST', '/v1/sign', second, body)).status).toBe(200);
    });

    it('an expired authorization, and one that claims to live too long', async () => {
      const body = signBody();
      const expired = authorize('POST', '/v1/sign', body, signer.pingid, {
        now: new Date(Date.now() - 10 * 60_000),
      });
      await expectRefused(
        await send('POST', '/v1/sign', expired, body),
        /\(expired\): authorization has expired/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_EXPIRED)',
      );
      const tooLong = authorize('POST', '/v1/sign', body, signer.pingid, { lifetimeSeconds: 3600 });
      await expectRefused(
        await send('POST', '/v1/sign', tooLong, body),
        /\(malformed\): expires is too far in the future/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MALFORMED)',
      );
    });

    it('a tampered body, method or path', async () => {
      const body = signBody();
      const authorization = authorize('POST', '/v1/sign', body, signer.pingid);
      const tampered = JSON.stringify({ key: ec.id, algorithm: 'ES256', message: b64('something else') });
      await expectRefused(
        await send('POST', '/v1/sign', authorization, tampered),
        /\(does not match the request\): signed data does not match this request/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MISMATCH)',
      );
      await expectRefused(
        await send('POST', '/v1/sign/batch', authorize('POST', '/v1/sign', body, signer.pingid), body),
        /does not match the request/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MISMATCH)',
      );
      // The refused attempts did not use up the request ID: the genuine request still goes through.
      expect((await send('POST', '/v1/sign', authorization, body)).status).toBe(200);
    });

    it('a wrong API key, or the right key with another token', async () => {
      const body = signBody();
      const wrongKey = { ...signer.pingid, apiKey: admin.pingid.apiKey };
      await expectRefused(
        await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, wrongKey), body),
        /\(bad signature\): authorization signature does not verify/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_SIGNATURE)',
      );
      const wrongToken = { ...signer.pingid, token: admin.pingid.token };
      await expectRefused(
        await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, wrongToken), body),
        /token does not match the account/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MISMATCH)',
      );
    });

    it('alg none, and what is not a JWS at all', async () => {
      const body = signBody();
      const header = {
        alg: 'none',
        typ: 'JWT',
        account_id: signer.id,
        token: signer.pingid.token,
        jwt_version: 'v4',
        expires: `${new Date(Date.now() + 60_000).toISOString().slice(0, 19)}Z`,
        'X-Request-ID': randomUUID(),
      };
      const data = createHash('sha256')
        .update(`POST:localhost:/v1/sign:${createHash('sha256').update(body).digest('hex')}:`)
        .digest('hex');
      const unsigned = `PINGID-HMAC=${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ data }))}.`;
      await expectRefused(
        await send('POST', '/v1/sign', unsigned, body),
        /\(malformed\): header alg is invalid/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MALFORMED)',
      );
      await expectRefused(
        await send('POST', '/v1/sign', 'PINGID-HMAC=not-a-jwt', body),
        /\(malformed\): authorization is not a compact JWS/,
        'ERR_UNAUTHENTICATED (ERR_PINGID_AUTH_MALFORMED)',
      );
    });

    it('an unknown account, a token without PingID credentials, and a revoked token', async () => {
      const body = signBody();
      const unknown = { ...signer.pingid, accountId: randomUUID() };
      await expectRefused(
        await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, unknown), body),
        /\(unknown account\)/,
        'ERR_UNAUTHENTICATED',
      );
      const plain = await server.call('POST', '/v1/tokens', { body: { name: 'plain', scopes: ['sign'] } });
      const bearerOnly = { ...signer.pingid, accountId: plain.body.id };
      await expectRefused(
        await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, bearerOnly), body),
        /\(unknown account\)/,
        'ERR_UNAUTHENTICATED',
      );
      const revoked = await issue({ name: 'revoked', scopes: ['sign'] });
      expect(
        (await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, revoked.pingid), body)).status,
      ).toBe(200);
      expect((await server.call('DELETE', `/v1/tokens/${revoked.id}`)).status).toBe(204);
      await expectRefused(
        await send('POST', '/v1/sign', authorize('POST', '/v1/sign', body, revoked.pingid), body),
        /\(unknown account\)/,
        'ERR_UNAUTHENTICATED',
      );
      // The client maps the unsigned 401 to a transport failure, with the server's message.
      await expect(clientFor(revoked.pingid).request('GET', '/v1/keys')).rejects.toMatchObject({
        code: 'ERR_PINGID_HTTP',
        status: 401,
        vendorMessage: expect.stringMatching(/unknown account/),
      });
    });
  });

  it('is described in /openapi.json', async () => {
    const document = (await server.call('GET', '/openapi.json', { token: null })).body;
    expect(document.components.securitySchemes.pingidHmac).toMatchObject({
      in: 'header',
      name: 'Authorization',
    });
    expect(document.paths['/v1/sign'].post.security).toContainEqual({ pingidHmac: [] });
    const tokens = document.paths['/v1/tokens'].post;
    expect(tokens.requestBody.content['application/json'].schema.properties.pingidHmac).toMatchObject({
      type: 'boolean',
    });
    expect(tokens.responses['201'].content['application/json'].schema.properties.pingid).toBeDefined();
  });

  it('never logs the API key', () => {
    const logs = server.logs.join('\n');
    for (const token of [signer, admin]) {
      expect(logs).not.toContain(token.pingid.apiKey);
      expect(logs).not.toContain(token.token);
    }
  });
});
