// SignPath-compatible API under /signpath/api/v1/{organizationId}/ (seeds 001-002); paths are case-insensitive.
import { signPathSignHashRequestSchema, signPathSigningRequestFormSchema } from '@sigil/protocols/signpath';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import { bearerAuth } from '../middleware/auth.js';
import type { AuditLog } from '../services/audit.js';
import type { LegacySubmission, SignPathService } from '../services/signpath.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { parseWith, readJson } from './parse.js';

/** What the SignPath routes need. */
export interface SignPathRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly signpath: SignPathService;
}

/** The path prefix of the surface; the app lower-cases paths under it before routing. */
export const SIGNPATH_PREFIX = '/signpath/api/v1';

/** The multipart fields of a legacy signing request; field names are matched case-insensitively. */
async function readLegacySubmission(c: Context<AppEnv>): Promise<LegacySubmission> {
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
    throw new ServerError('ERR_UNSUPPORTED_MEDIA_TYPE', 'SigningRequests takes multipart/form-data');
  }
  let fields: Record<string, unknown>;
  try {
    fields = await c.req.parseBody();
  } catch (cause) {
    throw new ServerError('ERR_MALFORMED_MULTIPART', 'the multipart body cannot be read', { cause });
  }
  const normalized: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    normalized[name.charAt(0).toUpperCase() + name.slice(1)] = value;
  }
  const form = parseWith(signPathSigningRequestFormSchema, normalized);
  return {
    projectSlug: form.ProjectSlug,
    signingPolicySlug: form.SigningPolicySlug,
    isFast: form.IsFastSigningRequest ?? false,
    artifact: new Uint8Array(await form.Artifact.arrayBuffer()),
  };
}

function organizationBase(c: Context<AppEnv>, organizationId: string): string {
  return `${new URL(c.req.url).origin}${SIGNPATH_PREFIX}/${organizationId}`;
}

/** The SignPath routes, mounted at /signpath/api/v1 (lower-case paths). */
export function signPathRoutes(services: SignPathRouteServices): Hono<AppEnv> {
  const { signpath } = services;
  const routes = new Hono<AppEnv>();
  // SignPath API tokens are signing credentials: a submitter's token needs the sign scope too.
  routes.use('*', bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'sign' }));

  routes.post('/:org/signingrequests', async (c) => {
    const organizationId = c.req.param('org');
    const outcome = await signpath.submitLegacy(
      actorOf(c),
      c.get('principal')!,
      organizationId,
      await readLegacySubmission(c),
    );
    if (outcome.kind === 'fast') return c.json(outcome.response);
    c.header(
      'Location',
      `${organizationBase(c, organizationId)}/SigningRequests/${outcome.signingRequestId}`,
    );
    return c.json({ SigningRequestId: outcome.signingRequestId }, 201);
  });
  routes.post('/:org/signingrequests/signhash', async (c) =>
    c.json(
      await signpath.signHash(
        actorOf(c),
        c.get('principal')!,
        c.req.param('org'),
        await readJson(c, signPathSignHashRequestSchema),
      ),
    ),
  );
  routes.get('/:org/signingrequests/:id', async (c) => {
    const organizationId = c.req.param('org');
    return c.json(
      await signpath.get(
        c.get('principal')!,
        organizationId,
        c.req.param('id'),
        organizationBase(c, organizationId),
      ),
    );
  });
  routes.get('/:org/signingrequests/:id/status', async (c) =>
    c.json(await signpath.status(c.get('principal')!, c.req.param('org'), c.req.param('id'))),
  );
  routes.get('/:org/signingrequests/:id/signedartifact', async (c) => {
    const artifact = await signpath.signedArtifact(
      c.get('principal')!,
      c.req.param('org'),
      c.req.param('id'),
    );
    c.header('Content-Disposition', 'attachment; filename="payload.json"');
    return c.json(artifact);
  });
  routes.get('/:org/cryptoki/mysigningpolicies', async (c) =>
    c.json(
      await signpath.mySigningPolicies(c.get('principal')!, c.req.param('org'), {
        projectSlug: c.req.query('projectSlug') ?? c.req.query('projectslug'),
        signingPolicySlug: c.req.query('signingPolicySlug') ?? c.req.query('signingpolicyslug'),
      }),
    ),
  );
  return routes;
}
