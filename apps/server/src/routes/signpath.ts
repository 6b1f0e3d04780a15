// SignPath-compatible API under /signpath/api/v1/{organizationId}/ (seeds 001-002), documented; case-insensitive paths.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  signPathFieldErrors,
  signPathSignHashRequestSchema,
  signPathSignHashResponseSchema,
  signPathSigningRequestFormSchema,
} from '@sigil/protocols/signpath';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../context.js';
import { renderError, ServerError, toServerError } from '../errors.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, jsonAnswer, pathParameters, requestBody, SECURITY } from '../openapi.js';
import type { AuditLog } from '../services/audit.js';
import type { LegacySubmission, SignPathService } from '../services/signpath.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { readJsonBody, validationError } from './parse.js';

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

/**
 * `value` checked against `schema`; a failure is ERR_VALIDATION with ASP.NET's field errors (PascalCase property
 * paths), as SignPath reports model binding failures.
 * @throws {ServerError} ERR_VALIDATION
 */
function parseSignPath<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = validationError(result.error);
  throw new ServerError('ERR_VALIDATION', first.message, { fieldErrors: signPathFieldErrors(result.error) });
}

/** The multipart fields of a signing request; field names are matched case-insensitively. */
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
  const form = parseSignPath(signPathSigningRequestFormSchema, normalized);
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

  // docs.signpath.io, "Submit a signing request": SubmitWithArtifact (application 1.196.0) and the deprecated bare
  // SigningRequests take the same multipart form; fast requests (isFastSigningRequest=true, "Crypto Providers >
  // REST API") answer the signed payload.json, others 201 with Location. SubmitWithArtifact's 201 body is the created
  // request's data ("response contract with metadata for the created signing request"); the bare route keeps seed
  // 002's `{SigningRequestId}`.
  const submitRoute = (path: string, summary: string, answersRequestData: boolean) =>
    routes.openapi(
      createRoute({
        ...operation,
        method: 'post',
        path,
        summary,
        request: {
          params: organization,
          body: requestBody(signPathSigningRequestFormSchema, 'multipart/form-data'),
        },
        responses: {
          200: { description: 'a fast request, signed: payload.json with its Signature' },
          201: { description: 'an asynchronous request, accepted (Location names it)' },
          ...CLIENT_ERRORS,
        },
      }),
      async (c) => {
        const organizationId = c.req.param('organizationId') ?? '';
        const submission = await readLegacySubmission(c);
        const principal = c.get('principal')!;
        const outcome = await signpath.submitLegacy(actorOf(c), principal, organizationId, submission);
        if (outcome.kind === 'fast') return c.json(outcome.response, 200);
        const base = organizationBase(c, organizationId);
        c.header('Location', `${base}/SigningRequests/${outcome.signingRequestId}`);
        if (!answersRequestData) return c.json({ SigningRequestId: outcome.signingRequestId }, 201);
        return c.json(await signpath.get(principal, organizationId, outcome.signingRequestId, base), 201);
      },
    );
  submitRoute(
    '/{organizationId}/SigningRequests/SubmitWithArtifact',
    'Submit a signing request with its artifact (fast or asynchronous)',
    true,
  );
  submitRoute(
    '/{organizationId}/SigningRequests',
    'Deprecated multipart signing request (fast or asynchronous)',
    false,
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
      const request = parseSignPath(signPathSignHashRequestSchema, await readJsonBody(c));
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
      path: '/{organizationId}/SigningRequests/{id}/UnsignedArtifact',
      summary: 'The artifact as submitted',
      request: { params: signingRequest },
      responses: { 200: { description: 'payload.json (or SignHash data) as submitted' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const { organizationId, id } = c.req.param();
      const artifact = await signpath.unsignedArtifact(c.get('principal')!, organizationId, id);
      return c.body(artifact as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': 'attachment; filename="payload.json"',
      });
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
  // Any other path under the prefix is SignPath's (Resubmit, SubmitWithArtifactRetrievalLink, approvals, projects,
  // certificates, ...) or nobody's: answered in SignPath's shape, saying Sigil does not serve it.
  routes.all('*', (c) => {
    throw new ServerError(
      'ERR_NOT_FOUND',
      `Sigil's SignPath-compatible API does not serve ${c.req.method} ${new URL(c.req.url).pathname}; it serves hash signing (see the server README, "SignPath surface")`,
    );
  });
  // Errors of this surface keep the request's W3C trace id (`traceparent`), as ASP.NET does; server faults go on to
  // the app's handler, which logs them.
  routes.onError((error, c) => {
    const failure = toServerError(error);
    if (failure.status >= 500) throw error;
    const rendered = renderError(
      failure,
      'signpath',
      c.get('requestId') ?? 'unknown',
      c.req.header('traceparent'),
    );
    return c.body(rendered.body, rendered.status as 400, { 'Content-Type': rendered.contentType });
  });
  return routes;
}
