// PingID SDK mock logic: accounts, applications, users, devices, authentications (with an outcome scenario),
// registration tokens and pairings, all in memory, failing in PingID's {code, message, target, details} shape.
import { z } from 'zod';
import type { ScenarioDefinition } from '../admin/scenarios.js';
import { createSeededIdSequence, createSeededRandom } from '../seed/seeded-random.js';
import type { PingIdDeviceFixture, PingIdFixtures } from './pingid-fixtures.js';

/** A PingID error: `{code, message, target, details[{code, message}]}` with an HTTP status. */
export class PingIdServiceError extends Error {
  override readonly name = 'PingIdServiceError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly target: string,
    readonly details: Array<{ code: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** Authentication statuses the scenario can end in. */
export const PINGID_AUTHENTICATION_OUTCOMES = ['APPROVED', 'REJECTED', 'TIMEOUT', 'OTP'] as const;

const authenticationsScenarioSchema = z.strictObject({
  outcome: z.enum(PINGID_AUTHENTICATION_OUTCOMES),
  pollsUntilFinal: z.number().int().nonnegative(),
});

/** The `authentications` scenario: how new authentications progress. */
export const pingIdAuthenticationsScenario: ScenarioDefinition<
  z.infer<typeof authenticationsScenarioSchema>
> = {
  name: 'authentications',
  description:
    'New authentications answer IN_PROGRESS for pollsUntilFinal GETs, then outcome (APPROVED, REJECTED, TIMEOUT, or OTP: waiting for PUT .../otp).',
  schema: authenticationsScenarioSchema,
  initial: { outcome: 'APPROVED', pollsUntilFinal: 1 },
};

/** The `application` scenario: disable every application (400 APPLICATION_DISABLED). */
export const pingIdApplicationScenario: ScenarioDefinition<{ disabled: boolean }> = {
  name: 'application',
  description:
    'disabled: true makes every application answer 400 with target "application" and APPLICATION_DISABLED.',
  schema: z.strictObject({ disabled: z.boolean() }),
  initial: { disabled: false },
};

interface User {
  id: string;
  userName: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  status: 'ACTIVE' | 'NOT_ACTIVE';
  createdAt: string;
  lastLogin: string | null;
  devices: PingIdDeviceFixture[];
  seenDevices: unknown[];
  registrationTokens: Array<Record<string, unknown>>;
  emailPairings: Array<Record<string, unknown>>;
}

interface Authentication {
  id: string;
  userName: string;
  applicationId: string;
  deviceId: string | null;
  authenticationType: string;
  createdAt: string;
  outcome: (typeof PINGID_AUTHENTICATION_OUTCOMES)[number];
  pollsUntilFinal: number;
  polls: number;
  status: string | undefined;
}

const notFound = (target: string, name: string) =>
  new PingIdServiceError(404, 'NOT_FOUND', `${target} ${name} was not found`, target);

/** The PingID mock's state and operations. */
export interface PingIdService {
  readonly fixtures: PingIdFixtures;
  /** Checks the account and (when given) application of a path. */
  checkScope(accountId: string, applicationId: string | undefined, applicationDisabled: boolean): void;
  createUser(body: {
    userName: string;
    firstName?: string | undefined;
    lastName?: string | undefined;
    email?: string | undefined;
  }): Record<string, unknown>;
  deleteUser(userName: string): void;
  deleteDevice(userName: string, deviceId: string): void;
  getUser(userName: string, expandDevices: boolean): Record<string, unknown>;
  devices(userName: string): Record<string, unknown>[];
  startAuthentication(
    applicationId: string,
    userName: string,
    body: { authenticationType?: string | undefined; deviceId?: string | undefined },
    scenario: z.infer<typeof authenticationsScenarioSchema>,
  ): Record<string, unknown>;
  getAuthentication(userName: string, id: string): Record<string, unknown>;
  submitOtp(userName: string, id: string, otp: string): Record<string, unknown>;
  createRegistrationToken(userName: string): Record<string, unknown>;
  registrationTokens(userName: string): Record<string, unknown>[];
  createEmailPairing(userName: string, email: string): Record<string, unknown>;
  emailPairings(userName: string): Record<string, unknown>[];
  createSmsPairing(userName: string, phoneNumber: string): Record<string, unknown>;
  seenDevices(userName: string): unknown[];
  putSeenDevices(userName: string, devices: unknown[]): unknown[];
  reset(): void;
}

/** The PingID service over resolved fixtures; IDs come from the seed. */
export function createPingIdService(fixtures: PingIdFixtures, seed: string): PingIdService {
  let users = new Map<string, User>();
  let authentications = new Map<string, Authentication>();
  let nextId = createSeededIdSequence(seed, 'pingid/ids');
  let tokenRandom = createSeededRandom(seed, 'pingid/registration-tokens');
  const reset = () => {
    nextId = createSeededIdSequence(seed, 'pingid/ids');
    tokenRandom = createSeededRandom(seed, 'pingid/registration-tokens');
    authentications = new Map();
    users = new Map(
      fixtures.users.map((user) => [
        user.userName,
        {
          id: nextId(),
          userName: user.userName,
          firstName: user.firstName,
          lastName: user.lastName,
          email: user.email,
          status: user.devices.length > 0 ? 'ACTIVE' : 'NOT_ACTIVE',
          createdAt: '2025-01-01T00:00:00.000Z',
          lastLogin: null,
          devices: user.devices.map((device) => ({ ...device })),
          seenDevices: [],
          registrationTokens: [],
          emailPairings: [],
        },
      ]),
    );
  };
  reset();

  const userNamed = (userName: string) => {
    const user = users.get(userName);
    if (user === undefined) throw notFound('user', userName);
    return user;
  };
  const userView = (user: User, expandDevices: boolean) => ({
    id: user.id,
    userName: user.userName,
    ...(user.firstName === undefined ? {} : { firstName: user.firstName }),
    ...(user.lastName === undefined ? {} : { lastName: user.lastName }),
    ...(user.email === undefined ? {} : { email: user.email }),
    status: user.status,
    createdAt: user.createdAt,
    lastLogin: user.lastLogin,
    ...(expandDevices ? { devices: user.devices.map((device, index) => deviceView(device, index)) } : {}),
  });
  const deviceView = (device: PingIdDeviceFixture, index: number) => ({
    ...device,
    role: index === 0 ? 'PRIMARY' : 'SECONDARY',
    status: 'ACTIVE',
  });
  const authenticationView = (authentication: Authentication) => ({
    id: authentication.id,
    userName: authentication.userName,
    applicationId: authentication.applicationId,
    deviceId: authentication.deviceId,
    authenticationType: authentication.authenticationType,
    status:
      authentication.status ??
      (authentication.polls > authentication.pollsUntilFinal ? authentication.outcome : 'IN_PROGRESS'),
    createdAt: authentication.createdAt,
  });
  const expiresAt = () => new Date(Date.now() + 10 * 60_000).toISOString();

  return {
    fixtures,
    checkScope(accountId, applicationId, applicationDisabled) {
      if (accountId.toLowerCase() !== fixtures.accountId.toLowerCase()) throw notFound('account', accountId);
      if (applicationId === undefined) return;
      const application = fixtures.applications.find(
        (candidate) => candidate.applicationId.toLowerCase() === applicationId.toLowerCase(),
      );
      if (application === undefined) throw notFound('application', applicationId);
      if (!application.enabled || applicationDisabled) {
        throw new PingIdServiceError(
          400,
          'INVALID_REQUEST',
          `application ${applicationId} is disabled`,
          'application',
          [{ code: 'APPLICATION_DISABLED', message: 'The application is disabled' }],
        );
      }
    },
    createUser(body) {
      if (users.has(body.userName))
        throw new PingIdServiceError(
          409,
          'ALREADY_EXISTS',
          `user ${body.userName} already exists`,
          'userName',
        );
      const user: User = {
        id: nextId(),
        userName: body.userName,
        firstName: body.firstName,
        lastName: body.lastName,
        email: body.email,
        status: 'NOT_ACTIVE',
        createdAt: new Date().toISOString(),
        lastLogin: null,
        devices: [],
        seenDevices: [],
        registrationTokens: [],
        emailPairings: [],
      };
      users.set(user.userName, user);
      return userView(user, false);
    },
    deleteUser(userName) {
      userNamed(userName);
      users.delete(userName);
    },
    deleteDevice(userName, deviceId) {
      const user = userNamed(userName);
      const before = user.devices.length;
      user.devices = user.devices.filter((device) => device.id.toLowerCase() !== deviceId.toLowerCase());
      if (user.devices.length === before) throw notFound('device', deviceId);
      if (user.devices.length === 0) user.status = 'NOT_ACTIVE';
    },
    getUser: (userName, expandDevices) => userView(userNamed(userName), expandDevices),
    devices: (userName) => userNamed(userName).devices.map((device, index) => deviceView(device, index)),
    startAuthentication(applicationId, userName, body, scenario) {
      const user = userNamed(userName);
      const deviceId = body.deviceId ?? user.devices[0]?.id ?? null;
      if (deviceId === null) {
        throw new PingIdServiceError(
          400,
          'INVALID_REQUEST',
          `user ${userName} has no paired device`,
          'device',
          [{ code: 'NO_PAIRED_DEVICE', message: 'The user has no paired device' }],
        );
      }
      if (!user.devices.some((device) => device.id.toLowerCase() === deviceId.toLowerCase()))
        throw notFound('device', deviceId);
      const authentication: Authentication = {
        id: nextId(),
        userName,
        applicationId,
        deviceId,
        authenticationType: body.authenticationType ?? 'AUTHENTICATE',
        createdAt: new Date().toISOString(),
        outcome: scenario.outcome,
        pollsUntilFinal: scenario.pollsUntilFinal,
        polls: 0,
        status: undefined,
      };
      authentications.set(authentication.id, authentication);
      return authenticationView(authentication);
    },
    getAuthentication(userName, id) {
      userNamed(userName);
      const authentication = authentications.get(id.toLowerCase());
      if (authentication === undefined || authentication.userName !== userName)
        throw notFound('authentication', id);
      if (authentication.polls <= authentication.pollsUntilFinal) authentication.polls += 1;
      const view = authenticationView(authentication);
      if (view.status === 'APPROVED') userNamed(userName).lastLogin = new Date().toISOString();
      return view;
    },
    submitOtp(userName, id, otp) {
      userNamed(userName);
      const authentication = authentications.get(id.toLowerCase());
      if (authentication === undefined || authentication.userName !== userName)
        throw notFound('authentication', id);
      if (otp !== fixtures.otp) {
        throw new PingIdServiceError(400, 'INVALID_REQUEST', 'the one-time passcode is wrong', 'otp', [
          { code: 'INVALID_OTP', message: 'Invalid OTP' },
        ]);
      }
      authentication.status = 'APPROVED';
      return authenticationView(authentication);
    },
    createRegistrationToken(userName) {
      const user = userNamed(userName);
      const token = {
        id: nextId(),
        token: Buffer.from(tokenRandom(16)).toString('hex').toUpperCase(),
        expiresAt: expiresAt(),
      };
      user.registrationTokens.push(token);
      return token;
    },
    registrationTokens: (userName) => userNamed(userName).registrationTokens,
    createEmailPairing(userName, email) {
      const user = userNamed(userName);
      const pairing = { id: nextId(), email, status: 'PENDING', expiresAt: expiresAt() };
      user.emailPairings.push(pairing);
      return pairing;
    },
    emailPairings: (userName) => userNamed(userName).emailPairings,
    createSmsPairing(userName, phoneNumber) {
      userNamed(userName);
      return { id: nextId(), phoneNumber, status: 'PENDING', expiresAt: expiresAt() };
    },
    seenDevices: (userName) => userNamed(userName).seenDevices,
    putSeenDevices(userName, devices) {
      const user = userNamed(userName);
      user.seenDevices = devices;
      return user.seenDevices;
    },
    reset,
  };
}
