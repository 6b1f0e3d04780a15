// SignPath-compatible API under /signpath/api/v1/{organizationId}/ (seeds 001-002), documented; case-insensitive paths.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  signPathSignHashRequestSchema,
  signPathSignHashResponseSchema,
  signPathSigningRequestFormSchema,
} from '@sigil/protocols/signpath';
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, jsonAnswer, pathParameters, requestBody, SECURITY } from '../openapi.js';
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

/** The path prefix of the surface; paths under it are matched case-insensitively (see {@link signPathRoutingPath}). */
export const SIGNPATH_PREFIX = '/signpath/api/v1';

/**
 * The path a request under {@link SIGNPATH_PREFIX} is routed on: SignPath binds paths case-insensitively, so the
 * literal segments of a declared route (`routes`, hono syntax) take their declared casing and every other segment
 * (the organization, a request id) is lower-cased, as before. A path no route of the method matches is lower-cased.
 */
export function signPathRoutingPath(
  routes: readonly { readonly method: string; readonly path: string }[],
  method: string,
  path: string,
): string {
  const segments = path.toLowerCase().split('/');
  // HEAD is answered by the GET routes.
  const routed = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    const template = route.path.split('/');
    if (route.method !== routed || template.length !== segments.length) continue;
    const matches = template.every(
      (part, index) => part.startsWith(':') || part.toLowerCase() === segments[index],
    );
    if (matches)
      return template.map((part, index) => (part.startsWith(':') ? segments[index] : part)).join('/');
  }
  return segments.join('/');
}

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

const organization = pathParameters('organizationId');
const signingRequest = pathParameters('organizationId', 'id');

/** The SignPath routes, mounted at {@link SIGNPATH_PREFIX}. */
export function signPathRoutes(services: SignPathRouteServices): OpenAPIHono<AppEnv> {
  const { signpath } = services;
  const routes = new OpenAPIHono<AppEnv>();
  // SignPath API tokens are signing credentials: a submitter's token needs the sign scope too.
  routes.use('*', bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'sign' }));
  const operation = { tags: ['signpath'], security: SECURITY.bearer };

  routes.openapi(
    createRoute({
      ...operation,
      method: 'post',
      path: '/{organizationId}/SigningRequests',
      summary: 'Legacy multipart signing request (fast or asynchronous)',
      request: {
        params: organization,
        body: requestBody(signPathSigningRequestFormSchema, 'multipart/form-data'),
      },
      responses: {
        200: { description: 'a fast request, signed' },
        201: { description: 'an asynchronous request, accepted (Location names it)' },
        ...CLIENT_ERRORS,
      },
    }),
    async (c) => {
      const organizationId = c.req.param('organizationId');
      const submission = await readLegacySubmission(c);
      const outcome = await signpath.submitLegacy(
        actorOf(c),
        c.get('principal')!,
        organizationId,
        submission,
      );
      if (outcome.kind === 'fast') return c.json(outcome.response, 200);
      c.header(
        'Location',
        `${organizationBase(c, organizationId)}/SigningRequests/${outcome.signingRequestId}`,
      );
      return c.json({ SigningRequestId: outcome.signingRequestId }, 201);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'post',
      path: '/{organizationId}/SigningRequests/SignHash',
      summary: 'Sign a hash',
      request: { params: organization, body: requestBody(signPathSignHashRequestSchema) },
      responses: { 200: jsonAnswer('the signature', signPathSignHashResponseSchema), ...CLIENT_ERRORS },
    }),
    async (c) => {
      const request = await readJson(c, signPathSignHashRequestSchema);
      const organizationId = c.req.param('organizationId');
      return c.json(await signpath.signHash(actorOf(c), c.get('principal')!, organizationId, request), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'get',
      path: '/{organizationId}/SigningRequests/{id}',
      summary: 'Signing request data',
      request: { params: signingRequest },
      responses: { 200: { description: 'the request, with links' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const organizationId = c.req.param('organizationId');
      const base = organizationBase(c, organizationId);
      return c.json(await signpath.get(c.get('principal')!, organizationId, c.req.param('id'), base), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'get',
      path: '/{organizationId}/SigningRequests/{id}/Status',
      summary: 'Signing request status',
      request: { params: signingRequest },
      responses: { 200: { description: 'the status' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const { organizationId, id } = c.req.param();
      return c.json(await signpath.status(c.get('principal')!, organizationId, id), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'get',
      path: '/{organizationId}/SigningRequests/{id}/SignedArtifact',
      summary: 'The signed payload.json',
      request: { params: signingRequest },
      responses: { 200: { description: 'payload.json with its signature' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const { organizationId, id } = c.req.param();
      const artifact = await signpath.signedArtifact(c.get('principal')!, organizationId, id);
      c.header('Content-Disposition', 'attachment; filename="payload.json"');
      return c.json(artifact, 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'get',
      path: '/{organizationId}/Cryptoki/MySigningPolicies',
      summary: 'Policies this token submits to',
      request: { params: organization },
      parameters: [
        { name: 'projectSlug', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'signingPolicySlug', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: { 200: { description: 'the signing policies' }, ...CLIENT_ERRORS },
    }),
    async (c) =>
      c.json(
        await signpath.mySigningPolicies(c.get('principal')!, c.req.param('organizationId'), {
          projectSlug: c.req.query('projectSlug') ?? c.req.query('projectslug'),
          signingPolicySlug: c.req.query('signingPolicySlug') ?? c.req.query('signingpolicyslug'),
        }),
        200,
      ),
  );
  return routes;
}
