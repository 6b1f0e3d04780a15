// PingID SDK fixtures: the account (ID, token, API key), its applications, users and their devices, and the OTP.
import { z } from 'zod';
import { FixtureError } from '../mock-server.js';
import { seededSecret, seededUuid } from '../seed/seeded-random.js';

const deviceSchema = z.object({
  id: z.guid().optional(),
  nickname: z.string().default('iPhone'),
  type: z.string().default('SDK'),
  deviceModel: z.string().default('iPhone 15'),
  osVersion: z.string().default('iOS 18.2'),
  pushEnabled: z.boolean().default(true),
});

const userSchema = z.object({
  userName: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  devices: z.array(deviceSchema).default([]),
});

/** The `pingid` section of a `--fixtures` file; every member is optional. */
export const pingIdFixturesSchema = z.strictObject({
  accountId: z.guid().optional(),
  token: z.string().min(8).optional(),
  /** Base64 of the HMAC key. */
  apiKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .optional(),
  applications: z
    .array(z.object({ applicationId: z.guid(), name: z.string().min(1), enabled: z.boolean().default(true) }))
    .min(1)
    .optional(),
  users: z.array(userSchema).optional(),
  /** The one-time passcode `.../otp` accepts. */
  otp: z.string().min(4).optional(),
});

/** A device as the fixtures hold it. */
export type PingIdDeviceFixture = Required<Omit<z.infer<typeof deviceSchema>, 'id'>> & {
  readonly id: string;
};

/** The resolved PingID fixtures. */
export interface PingIdFixtures {
  readonly accountId: string;
  readonly token: string;
  readonly apiKey: string;
  readonly applications: ReadonlyArray<{ applicationId: string; name: string; enabled: boolean }>;
  readonly users: ReadonlyArray<
    Omit<z.infer<typeof userSchema>, 'devices'> & { devices: PingIdDeviceFixture[] }
  >;
  readonly otp: string;
}

/**
 * The PingID fixtures for a seed, overridden by a fixture file section.
 * @throws {FixtureError} when the section does not fit {@link pingIdFixturesSchema}
 */
export function resolvePingIdFixtures(seed: string, section: unknown): PingIdFixtures {
  const parsed = pingIdFixturesSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new FixtureError(`pingid fixtures: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const file = parsed.data;
  const users = (
    file.users ?? [
      userSchema.parse({
        userName: 'tom',
        firstName: 'Tom',
        lastName: 'Tester',
        email: 'tom@example.com',
        devices: [{}],
      }),
    ]
  ).map((user) => ({
    ...user,
    devices: user.devices.map((device, index) => ({
      ...device,
      id: device.id ?? seededUuid(seed, `pingid/device/${user.userName}/${index}`),
    })),
  }));
  return {
    accountId: file.accountId ?? seededUuid(seed, 'pingid/account'),
    token: file.token ?? seededSecret(seed, 'pingid/token', 16).replaceAll(/[-_]/g, 'x'),
    apiKey: file.apiKey ?? seededSecret(seed, 'pingid/api-key', 32, 'base64'),
    applications: file.applications ?? [
      { applicationId: seededUuid(seed, 'pingid/application'), name: 'Sigil test app', enabled: true },
      {
        applicationId: seededUuid(seed, 'pingid/application/disabled'),
        name: 'Disabled app',
        enabled: false,
      },
    ],
    users,
    otp: file.otp ?? '123456',
  };
}
