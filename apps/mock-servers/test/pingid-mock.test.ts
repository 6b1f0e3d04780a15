import { describe, expect, it } from 'vitest';
import { createPingIdMock } from '../src/pingid/pingid-mock.js';

describe('PingID mock', () => {
  it('answers 401 in PingID error shape when the authorization header is missing', async () => {
    const response = await createPingIdMock().request('/pingid/v1/accounts/a/applications/b/users/tom');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      code: 'UNAUTHORIZED',
      target: 'authorization',
      details: [],
    });
  });

  it('answers 401 for an authorization header without the PINGID-HMAC= prefix', async () => {
    const response = await createPingIdMock().request('/pingid/v1/accounts/a/users', {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(response.status).toBe(401);
  });
});
