// Zod schemas of the PingID SDK wire messages (seed 004; seed README for the error shape and JWT details).
import { z } from 'zod';

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const EXPIRES = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The JOSE header of the `PINGID-HMAC=` request JWT (seed 004 step 2, "JWT headers"). */
export const pingIdRequestJwtHeaderSchema = z.object({
  alg: z.literal('HS256'),
  typ: z.literal('JWT').optional(),
  account_id: z.string().min(1),
  token: z.string().min(1),
  jwt_version: z.literal('v4'),
  /** `yyyy-MM-ddTHH:mm:ssZ`, UTC. */
  expires: z.string().regex(EXPIRES),
  'X-Request-ID': z.string().min(1),
});
export type PingIdRequestJwtHeader = z.infer<typeof pingIdRequestJwtHeaderSchema>;

/** The JOSE header of the `X-PINGID-Signature` response JWT ("Response Verification" step 2). */
export const pingIdResponseJwtHeaderSchema = z.object({
  alg: z.literal('HS256'),
  typ: z.literal('JWT').optional(),
});
export type PingIdResponseJwtHeader = z.infer<typeof pingIdResponseJwtHeaderSchema>;

/** The payload of both JWTs: `data`, the lower-case hex SHA-256 of the canonical string or response body. */
export const pingIdJwtPayloadSchema = z.object({ data: z.string().regex(HEX_SHA256) });
export type PingIdJwtPayload = z.infer<typeof pingIdJwtPayloadSchema>;

/** One entry of an error's `details`. */
export const pingIdErrorDetailSchema = z.object({ code: z.string().min(1), message: z.string() });
export type PingIdErrorDetail = z.infer<typeof pingIdErrorDetailSchema>;

/**
 * The PingID SDK error body: `{id, code, message, target, details[{code, message}]}` (seed README; PingID SDK
 * "Error handling": `id` identifies the error in PingID's logs; the seed's list leaves it out, so it is optional here).
 */
export const pingIdErrorSchema = z.object({
  id: z.string().min(1).optional(),
  code: z.string().min(1),
  message: z.string(),
  target: z.string().optional(),
  details: z.array(pingIdErrorDetailSchema).optional(),
});
export type PingIdError = z.infer<typeof pingIdErrorSchema>;
