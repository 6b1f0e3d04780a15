// The SignPath emulator: hash signing under /api/v1/{organizationId}/ (paths case-insensitive), answering in
// SignPath's shapes (201 + Location for submissions, problem details for errors) with real keys.
import { ProtocolError } from '@sigil/protocols/errors';
import {
  buildSignPathProblem,
  buildSignPathStatusResponse,
  parseSignPathPayload,
  SIGNPATH_PROBLEM_CONTENT_TYPE,
  type SignPathFieldErrors,
  type SignPathSignHashResponse,
  type SignPathSubmitResponse,
  signPathArtifactErrors,
  signPathFieldErrors,
  signPathSignHashRequestSchema,
  signPathSigningRequestFormSchema,
  signPathStatusFields,
} from '@sigil/protocols/signpath';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { createMockApp } from '../admin/mock-app.js';
import type { MockEnv } from '../admin/mock-env.js';
import { type BodyErrors, firstIssue, readJsonBody } from '../admin/vendor-body.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { resolveSignPathFixtures } from './signpath-fixtures.js';
import {
  createSignPathService,
  type SignPathRequestRecord,
  SignPathServiceError,
  signPathRequestsScenario,
  statusOf,
} from './signpath-service.js';

/**
 * SignPath (ASP.NET Core) error body: RFC 9457 problem details from @sigil/protocols' renderer, the one the server's
 * SignPath surface uses too (a 400 is a validation problem with `errors` by field; `traceId` keeps `traceparent`'s).
 */
function problem(
  c: Context<MockEnv>,
  status: number,
  detail: string,
  errors?: SignPathFieldErrors,
): Response {
  const body = buildSignPathProblem(status, {
    detail,
    ...(errors === undefined ? {} : { errors }),
    traceparent: c.req.header('traceparent'),
  });
  return c.body(JSON.stringify(body), status as 400, { 'content-type': SIGNPATH_PROBLEM_CONTENT_TYPE });
}

// The form field names as SignPath documents them; ASP.NET binds them case-insensitively.
const FORM_FIELDS = [
  'ProjectSlug',
  'SigningPolicySlug',
  'IsFastSigningRequest',
  'Artifact',
  'ArtifactConfigurationSlug',
  'Description',
];

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

const invalid = (error: z.ZodError, root = 'body') =>
  new SignPathServiceError(400, firstIssue(error, root), signPathFieldErrors(error));
const bodyErrors: BodyErrors = {
  notJson: () => new SignPathServiceError(400, 'the body must be JSON'),
  invalid: (error) => invalid(error),
};

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
  const { app, scenarios, route, server } = createMockApp({
    mock: 'signpath',
    title: 'SignPath',
    caseInsensitivePaths: true,
    journalCapacity: options.journalCapacity,
    scenarios: [scenario],
    fixtures: publicFixtures,
    resetState: () => service.reset(),
    errorResponse: problem,
    answerError: (c, error) => {
      if (error instanceof SignPathServiceError)
        return problem(c, error.status, error.message, error.fieldErrors);
      if (error instanceof ProtocolError)
        return problem(c, error.status ?? 400, error.message, signPathArtifactErrors(error));
      return undefined;
    },
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
  });

  const userOf = (c: Context<MockEnv>) =>
    service.authenticate(c.req.header('authorization'), c.req.param('organizationId') ?? '');
  const requestUrl = (c: Context<MockEnv>, id: string) =>
    `${apiBase(c, fixtures.organizationId)}/SigningRequests/${id}`;
  const api = '/api/v1/{organizationId}';
  // docs.signpath.io "Get signing request data": status, names and ids, links.
  const requestData = (record: SignPathRequestRecord, c: Context<MockEnv>) => {
    const status = statusOf(record);
    const base = requestUrl(c, record.id);
    return {
      signingRequestId: record.id,
      ...signPathStatusFields(status),
      description: null,
      projectId: record.policy.projectId,
      projectSlug: record.policy.projectSlug,
      projectName: record.policy.projectSlug,
      artifactConfigurationId: record.policy.artifactConfigurationId,
      artifactConfigurationSlug: 'Default',
      artifactConfigurationName: 'Default',
      signingPolicyId: record.policy.signingPolicyId,
      signingPolicySlug: record.policy.signingPolicySlug,
      signingPolicyName: record.policy.signingPolicyName,
      createdDate: record.createdAt,
      unsignedArtifactLink: `${base}/UnsignedArtifact`,
      signedArtifactLink: status === 'Completed' && record.signedArtifact ? `${base}/SignedArtifact` : null,
    };
  };

  // docs.signpath.io "Submit a signing request": SubmitWithArtifact (current) and the deprecated bare SigningRequests
  // take the same form; fast requests answer the signed payload.json, others 201 + Location. SubmitWithArtifact's
  // 201 body is the created request's data; the bare route's is seed 002's `{SigningRequestId}`.
  const submitRoute = (path: string, summary: string, answersRequestData: boolean) =>
    route(
      { method: 'post', path, summary },
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
        if (!form.success) throw invalid(form.error, 'form');
        const policy = service.policyFor(user, form.data.ProjectSlug, form.data.SigningPolicySlug);
        const artifact = new Uint8Array(await form.data.Artifact.arrayBuffer());
        const payload = parseSignPathPayload(artifact);
        const fast = form.data.IsFastSigningRequest === true;
        const { record, signedPayload } = service.submitPayload(policy, payload, {
          fast,
          corrupt: c.get('corruptSignature'),
          scenario: scenarios.get(scenario),
          unsignedArtifact: artifact,
        });
        c.header('location', requestUrl(c, record.id));
        if (fast) return c.json(signedPayload, 200);
        if (answersRequestData) return c.json(requestData(record, c), 201);
        const submitted: SignPathSubmitResponse = { SigningRequestId: record.id };
        return c.json(submitted, 201);
      },
    );
  submitRoute(
    `${api}/SigningRequests/SubmitWithArtifact`,
    'Submit a signing request with its artifact (isFastSigningRequest true: signed payload; false: 201 + Location)',
    true,
  );
  submitRoute(
    `${api}/SigningRequests`,
    'Deprecated multipart hash signing (IsFastSigningRequest true: signed payload; false: 201 + Location)',
    false,
  );

  route(
    { method: 'post', path: `${api}/SigningRequests/SignHash`, summary: 'Sign a hash (JSON)' },
    async (c) => {
      const user = userOf(c);
      const request = await readJsonBody(c, signPathSignHashRequestSchema, bodyErrors);
      const policy = service.policyFor(user, request.projectSlug, request.signingPolicySlug);
      const { id, signature } = service.signHash(
        policy,
        request.hashSigningData,
        c.get('corruptSignature'),
        new TextEncoder().encode(JSON.stringify({ hashSigningData: request.hashSigningData })),
      );
      const answer: SignPathSignHashResponse = {
        signingRequestId: id,
        hashSigningData: request.hashSigningData,
        hashSigningResult: { signature: Buffer.from(signature).toString('base64') },
      };
      c.header('location', requestUrl(c, id));
      return c.json(answer, 200);
    },
  );

  // GET .../SigningRequests/{id}<suffix>: the caller's signing request (a status poll when `poll`), answered.
  const requestRoute = (
    suffix: string,
    summary: string,
    poll: boolean,
    answer: (record: SignPathRequestRecord, c: Context<MockEnv>) => Response,
  ) =>
    route({ method: 'get', path: `${api}/SigningRequests/{id}${suffix}`, summary }, (c) => {
      userOf(c);
      return answer(service.request(c.req.param('id') ?? '', poll), c);
    });

  requestRoute('', 'Signing request data', true, (record, c) => c.json(requestData(record, c)));
  requestRoute('/UnsignedArtifact', 'The artifact as submitted', false, (record, c) =>
    c.body(record.unsignedArtifact as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename=payload.json',
    }),
  );
  requestRoute('/Status', 'Signing request status (each call counts as a poll)', true, (record, c) =>
    c.json(buildSignPathStatusResponse(record.id, statusOf(record))),
  );
  requestRoute('/SignedArtifact', 'The signed payload.json', false, (record, c) => {
    const status = statusOf(record);
    if (status !== 'Completed' || record.signedArtifact === undefined) {
      throw new SignPathServiceError(
        404,
        `signing request ${record.id} has no signed artifact (status ${status})`,
      );
    }
    return c.body(record.signedArtifact as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename=payload.json',
    });
  });

  route(
    {
      method: 'get',
      path: `${api}/Cryptoki/MySigningPolicies`,
      summary: 'Signing policies of the API token, with X.509 certificates',
    },
    (c) => {
      const user = userOf(c);
      const signingPolicies = service.policies(user, {
        projectSlug: c.req.query('projectSlug') ?? c.req.query('projectslug'),
        signingPolicySlug: c.req.query('signingPolicySlug') ?? c.req.query('signingpolicyslug'),
      });
      return c.json({ signingPolicies });
    },
  );

  // Any other path under the API is SignPath's (Resubmit, approvals, projects, ...) but not the mock's: answered in
  // SignPath's shape, saying so, rather than with the generic not-found.
  app.all('/api/v1/*', (c) =>
    problem(
      c,
      404,
      `the SignPath mock does not serve ${c.req.method} ${new URL(c.req.url).pathname}; it serves hash signing`,
    ),
  );

  return server;
}
