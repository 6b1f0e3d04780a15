// The factory of each vendor mock, keyed by name.
import type { MockName } from './admin/mock-env.js';
import { createFortanixMock } from './fortanix/fortanix-mock.js';
import { createPingIdMock } from './pingid/pingid-mock.js';
import { createPingOneMock } from './pingone/pingone-mock.js';
import { createSignPathMock } from './signpath/signpath-mock.js';
import type { MockFactory } from './start-mocks.js';

/** Every mock the command can start. */
export const MOCK_FACTORIES: Readonly<Record<MockName, MockFactory>> = {
  pingone: createPingOneMock,
  signpath: createSignPathMock,
  fortanix: createFortanixMock,
  pingid: createPingIdMock,
};
