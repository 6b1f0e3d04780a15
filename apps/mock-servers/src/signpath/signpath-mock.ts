// The SignPath emulator: hash signing under /api/v1/{organizationId}/ (paths case-insensitive), answering in
// SignPath's shapes (201 + Location for submissions, problem details for errors) with real keys.
import { ProtocolError } from '@sigil/protocols/errors';
import {
  parseSignPathPayload,
  type SignPathSignHashResponse,
  type SignPathStatusResponse,
  type SignPathSubmitResponse,
  signPathSignHashRequestSchema,
  signPathSigningRequestFormSchema,
} from '@sigil/protocols/signpath';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DocumentedRoute } from '../admin/admin-openapi.js';
import { createMockApp } from '../admin/mock-app.js';
import type { MockEnv } from '../admin/mock-env.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { resolveSignPathFixtures } from './signpath-fixtures.js';
import {
  createSignPathService,
  currentStatus,
  type SignPathRequestRecord,
  SignPathServiceError,
  signPathRequestsScenario,
} from './signpath-service.js';

const REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** SignPath (ASP.NET Core) error body: RFC 7807 problem details. */
function problem(c: Context<MockEnv>, status: number, detail: string): Response {
  return c.body(
    JSON.stringify({
      type: `https://tools.ietf.org/html/rfc9110#section-15.${status >= 500 ? 6 : 5}`,
      title: REASON[status] ?? 'Error',
      status,
      detail,
      traceId: `00-${crypto.randomUUID().replaceAll('-', '')}-${'0'.repeat(16)}-00`,
    }),
    status as 400,
    { 'content-type': 'application/problem+json; charset=utf-8' },
  );
}

const ROUTES: DocumentedRoute[] = [
  {
    method: 'post',
    path: '/api/v1/{organizationId}/SigningRequests',
    summary:
      'Legacy multipart hash signing (IsFastSigningRequest true: signed payload; false: 201 + Location)',
  },
  {
    method: 'post',
    path: '/api/v1/{organizationId}/SigningRequests/SignHash',
    summary: 'Sign a hash (JSON)',
  },
  { method: 'get', path: '/api/v1/{organizationId}/SigningRequests/{id}', summary: 'Signing request data' },
  {
    method: 'get',
    path: '/api/v1/{organizationId}/SigningRequests/{id}/Status',
    summary: 'Signing request status (each call counts as a poll)',
  },
  {
    method: 'get',
    path: '/api/v1/{organizationId}/SigningRequests/{id}/SignedArtifact',
    summary: 'The signed payload.json',
  },
  {
    method: 'get',
    path: '/api/v1/{organizationId}/Cryptoki/MySigningPolicies',
    summary: 'Signing policies of the API token, with X.509 certificates',
  },
];

// The form field names as SignPath documents them; ASP.NET binds them case-insensitively.
const FORM_FIELDS = ['ProjectSlug', 'SigningPolicySlug', 'IsFastSigningRequest', 'Artifact'];

function canonicalForm(body: Record<string, unknown>): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const canonical = FORM_FIELDS.find((field) => field.toLowerCase() === name.toLowerCase()) ?? name;
    form[canonical] = value;
  }
  return form;
}

/** The API prefix the client used (`/api/v1/{org}` in whatever casing), for Location and links. */
function apiBase(c: Context<MockEnv>, organizationId: string): string {
  const url = new URL(c.req.url);
  const index = url.pathname.toLowerCase().indexOf('/v1/');
  const prefix = index >= 0 ? url.pathname.slice(0, index) : '/api';
  return `${url.origin}${prefix}/v1/${organizationId}`;
}

function statusBody(record: SignPathRequestRecord): SignPathStatusResponse {
  return { signingRequestId: record.id, ...currentStatus(record) };
}

/** The SignPath mock. */
export function createSignPathMock(options: MockOptions): MockServer {
  const fixtures = resolveSignPathFixtures(options.seed, options.fixtures);
  const service = createSignPathService(fixtures, options.seed);
  const scenario = signPathRequestsScenario(fixtures.pollsUntilFinal);
  const publicFixtures = () => ({
    organizationId: fixtures.organizationId,
    apiUrlPath: '/api',
    users: fixtures.users,
    apiToken: fixtures.users.find((user) => user.submitter)?.apiToken,
    projects: [...new Set(fixtures.policies.map((policy) => policy.projectSlug))],
    signingPolicies: fixtures.policies.map((policy) => ({
      projectSlug: policy.projectSlug,
      signingPolicySlug: policy.signingPolicySlug,
      signingPolicyId: policy.signingPolicyId,
      keyType: policy.key.kty === 'RSA' ? 'Rsa' : 'Ecdsa',
      ...(policy.key.kty === 'EC' ? { curve: policy.key.curve } : {}),
      certificateBytes: Buffer.from(policy.certificate).toString('base64'),
    })),
    pollsUntilFinal: fixtures.pollsUntilFinal,
  });
  const { app, scenarios } = createMockApp({
    mock: 'signpath',
    title: 'SignPath',
    caseInsensitivePaths: true,
    journalCapacity: options.journalCapacity,
    scenarios: [scenario],
    fixtures: publicFixtures,
    resetState: () => service.reset(),
    errorResponse: problem,
    answerError: (c, error) => {
      if (error instanceof SignPathServiceError) return problem(c, error.status, error.message);
      if (error instanceof ProtocolError) return problem(c, error.status ?? 400, error.message);
      return undefined;
    },
    routes: ROUTES,
  });

  const api = '/api/v1/:organizationId';
  const userOf = (c: Context<MockEnv>) =>
    service.authenticate(c.req.header('authorization'), c.req.param('organizationId') ?? '');

  app.post(
    `${api}/signingrequests`,
    bodyLimit({
      maxSize: 10 * 1024 * 1024,
      onError: (c) => problem(c as Context<MockEnv>, 413, 'request body too large'),
    }),
    async (c) => {
      const user = userOf(c);
      let body: Record<string, unknown>;
      try {
        body = await c.req.parseBody();
      } catch {
        throw new SignPathServiceError(400, 'the request must be multipart/form-data');
      }
      const form = signPathSigningRequestFormSchema.safeParse(canonicalForm(body));
      if (!form.success) {
        const issue = form.error.issues[0];
        throw new SignPathServiceError(
          400,
          `${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const policy = service.policyFor(user, form.data.ProjectSlug, form.data.SigningPolicySlug);
      const payload = parseSignPathPayload(new Uint8Array(await form.data.Artifact.arrayBuffer()));
      const fast = form.data.IsFastSigningRequest === true;
      const { record, signedPayload } = service.submitPayload(policy, payload, {
        fast,
        corrupt: c.get('corruptSignature'),
        scenario: scenarios.get(scenario),
      });
      const location = `${apiBase(c, fixtures.organizationId)}/SigningRequests/${record.id}`;
      c.header('location', location);
      if (fast) return c.json(signedPayload, 200);
      const submitted: SignPathSubmitResponse = { SigningRequestId: record.id };
      return c.json(submitted, 201);
    },
  );

  app.post(`${api}/signingrequests/signhash`, async (c) => {
    const user = userOf(c);
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new SignPathServiceError(400, 'the body must be JSON');
    }
    const request = signPathSignHashRequestSchema.safeParse(json);
    if (!request.success) {
      const issue = request.error.issues[0];
      throw new SignPathServiceError(
        400,
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const policy = service.policyFor(user, request.data.projectSlug, request.data.signingPolicySlug);
    const { id, signature } = service.signHash(
      policy,
      request.data.hashSigningData,
      c.get('corruptSignature'),
    );
    const answer: SignPathSignHashResponse = {
      signingRequestId: id,
      hashSigningData: request.data.hashSigningData,
      hashSigningResult: { signature: Buffer.from(signature).toString('base64') },
    };
    c.header('location', `${apiBase(c, fixtures.organizationId)}/SigningRequests/${id}`);
    return c.json(answer, 200);
  });

  app.get(`${api}/signingrequests/:id/status`, (c) => {
    userOf(c);
    return c.json(statusBody(service.request(c.req.param('id'), true)));
  });

  app.get(`${api}/signingrequests/:id/signedartifact`, (c) => {
    userOf(c);
    const record = service.request(c.req.param('id'), false);
    const status = currentStatus(record);
    if (status.status !== 'Completed' || record.signedArtifact === undefined) {
      throw new SignPathServiceError(
        404,
        `signing request ${record.id} has no signed artifact (status ${status.status})`,
      );
    }
    return c.body(record.signedArtifact as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename=payload.json',
    });
  });

  app.get(`${api}/signingrequests/:id`, (c) => {
    userOf(c);
    const record = service.request(c.req.param('id'), true);
    const status = currentStatus(record);
    const base = `${apiBase(c, fixtures.organizationId)}/SigningRequests/${record.id}`;
    return c.json({
      id: record.id,
      ...status,
      description: null,
      projectId: record.policy.projectId,
      projectSlug: record.policy.projectSlug,
      projectName: record.policy.projectSlug,
      signingPolicyId: record.policy.signingPolicyId,
      signingPolicySlug: record.policy.signingPolicySlug,
      signingPolicyName: record.policy.signingPolicyName,
      createdDate: record.createdAt,
      unsignedArtifactLink: `${base}/UnsignedArtifact`,
      signedArtifactLink:
        status.status === 'Completed' && record.signedArtifact ? `${base}/SignedArtifact` : null,
    });
  });

  app.get(`${api}/cryptoki/mysigningpolicies`, (c) => {
    const user = userOf(c);
    const signingPolicies = service.policies(user, {
      projectSlug: c.req.query('projectSlug') ?? c.req.query('projectslug'),
      signingPolicySlug: c.req.query('signingPolicySlug') ?? c.req.query('signingpolicyslug'),
    });
    return c.json({ signingPolicies });
  });

  return {
    name: 'signpath',
    title: 'SignPath',
    app,
    fixtures: publicFixtures,
    banner: (origin) => ({
      apiUrl: `${origin}/api`,
      credentials: {
        organizationId: fixtures.organizationId,
        apiToken: fixtures.users.find((user) => user.submitter)?.apiToken ?? '',
        signingPolicies: fixtures.policies
          .map((policy) => `${policy.projectSlug}/${policy.signingPolicySlug}`)
          .join(', '),
      },
    }),
  };
}
