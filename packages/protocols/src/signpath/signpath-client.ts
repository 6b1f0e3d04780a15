// A typed fetch client for SignPath's hash signing API: multipart SubmitWithArtifact (fast and asynchronous), SignHash,
// status polling with back-off and a deadline, signing request data, the signed artifact and MySigningPolicies.
import type { z } from 'zod';
import { ProtocolError } from '../errors.js';
import { createVendorFetch, parseJsonText, type VendorTransportOptions } from '../vendor-fetch.js';
import {
  parseSignPathPayload,
  SIGNPATH_PAYLOAD_FILE_NAME,
  toSignPathPascalPayload,
} from './signpath-hash-signing.js';
import {
  type SignPathFastSigningResponse,
  type SignPathMySigningPoliciesResponse,
  type SignPathPayload,
  type SignPathSignHashRequest,
  type SignPathSignHashResponse,
  type SignPathSigningRequest,
  type SignPathStatusResponse,
  signPathErrorSchema,
  signPathFastSigningResponseSchema,
  signPathMySigningPoliciesResponseSchema,
  signPathSignHashRequestSchema,
  signPathSignHashResponseSchema,
  signPathSigningRequestSchema,
  signPathStatusResponseSchema,
  signPathSubmitResponseSchema,
} from './signpath-schema.js';

/** The submit route of SignPath's current API (application 1.196.0; bare `SigningRequests` is deprecated). */
const SUBMIT_PATH = '/SigningRequests/SubmitWithArtifact';

/** SignPath's hosted API base (`$ApiUrl` in seed 002); paths continue with `/v1/{organizationId}/...`. */
export const SIGNPATH_DEFAULT_BASE_URL = 'https://app.signpath.io/Api';

/** Options of {@link createSignPathClient}. */
export interface SignPathClientOptions extends VendorTransportOptions {
  readonly organizationId: string;
  /** The API token of a user assigned as Submitter, sent as `Authorization: Bearer`. */
  readonly apiToken: string;
  /** {@link SIGNPATH_DEFAULT_BASE_URL} by default. */
  readonly baseUrl?: string;
  /** Waits between status polls; `setTimeout` by default (tests inject a fake). */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /** Milliseconds since the epoch; `Date.now` by default. */
  readonly now?: () => number;
}

/** What a legacy hash signing request submits: the slugs and the payload.json content. */
export interface SignPathHashSubmission {
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  /** payload.json in either casing, or already normalized; it is sent in PascalCase. */
  readonly payload: SignPathPayload | Record<string, unknown>;
}

/** An accepted asynchronous signing request. */
export interface SignPathSubmitted {
  readonly signingRequestId: string;
  /** The `Location` header of the 201 answer, when sent. */
  readonly location: string | undefined;
}

/** Back-off and deadline of {@link SignPathClient.waitForFinalStatus}. */
export interface SignPathPollOptions {
  /** First wait, 1 s by default. */
  readonly initialDelayMs?: number;
  /** Longest wait, 30 s by default. */
  readonly maxDelayMs?: number;
  /** Each wait multiplies the previous one by this, 2 by default. */
  readonly backoffFactor?: number;
  /** Give up this long after the first poll, 10 minutes by default. */
  readonly timeoutMs?: number;
}

/** The SignPath hash signing operations. */
export interface SignPathClient {
  /** `POST SigningRequests/SubmitWithArtifact` with `isFastSigningRequest=true`: answers the signed payload at once. */
  submitFastSigningRequest(submission: SignPathHashSubmission): Promise<SignPathFastSigningResponse>;
  /** `POST SigningRequests/SubmitWithArtifact`, asynchronous: answers the new request's ID. */
  submitSigningRequest(submission: SignPathHashSubmission): Promise<SignPathSubmitted>;
  /** `POST SigningRequests/SignHash`. */
  signHash(request: SignPathSignHashRequest): Promise<SignPathSignHashResponse>;
  /** `GET SigningRequests/{id}/Status`. */
  getStatus(signingRequestId: string): Promise<SignPathStatusResponse>;
  /** Polls the status with exponential back-off until `isFinalStatus`, and returns that final status. */
  waitForFinalStatus(signingRequestId: string, poll?: SignPathPollOptions): Promise<SignPathStatusResponse>;
  /** `GET SigningRequests/{id}`. */
  getSigningRequest(signingRequestId: string): Promise<SignPathSigningRequest>;
  /** `GET SigningRequests/{id}/SignedArtifact`: the signed artifact's bytes. */
  downloadSignedArtifact(signingRequestId: string): Promise<Uint8Array>;
  /** `GET Cryptoki/MySigningPolicies`, optionally narrowed to one project and policy. */
  getMySigningPolicies(filter?: {
    projectSlug?: string;
    signingPolicySlug?: string;
  }): Promise<SignPathMySigningPoliciesResponse>;
}

/**
 * A SignPath client. Every method throws a ProtocolError on failure: ERR_SIGNPATH_HTTP for a network failure or a
 * non-2xx answer (with `status` and SignPath's message as `vendorMessage`), ERR_SIGNPATH_RESPONSE for a 2xx body of
 * the wrong shape, ERR_SIGNPATH_PAYLOAD for a payload that is not payload.json, ERR_SIGNPATH_TIMEOUT when polling
 * passes its deadline.
 * @throws {TypeError} when organizationId or apiToken is empty
 */
export function createSignPathClient(options: SignPathClientOptions): SignPathClient {
  if (typeof options.organizationId !== 'string' || options.organizationId === '') {
    throw new TypeError('organizationId must be a non-empty string');
  }
  if (typeof options.apiToken !== 'string' || options.apiToken === '') {
    throw new TypeError('apiToken must be a non-empty string');
  }
  const vendorFetch = createVendorFetch('ERR_SIGNPATH_HTTP', options);
  const sleep =
    options.sleep ??
    ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const now = options.now ?? Date.now;
  const base = `${(options.baseUrl ?? SIGNPATH_DEFAULT_BASE_URL).replace(/\/+$/, '')}/v1/${encodeURIComponent(options.organizationId)}`;
  const requestPath = (signingRequestId: string) =>
    `/SigningRequests/${encodeURIComponent(signingRequestId)}`;

  async function send(
    method: string,
    path: string,
    body?: string | FormData,
    contentType?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiToken}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await vendorFetch(
      `${base}${path}`,
      { method, headers, ...(body === undefined ? {} : { body }) },
      `SignPath ${method} ${path}`,
    );
    if (!response.ok) throw signPathHttpError(method, path, response.status, await response.text());
    return response;
  }

  async function json<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: string | FormData,
    contentType?: string,
  ) {
    const response = await send(method, path, body, contentType);
    return parseBody(method, path, response.status, await response.text(), schema);
  }

  function multipart(submission: SignPathHashSubmission, fast: boolean): FormData {
    // docs.signpath.io, "Submit a signing request" (camelCase fields) and "Crypto Providers > REST API" (fast signing
    // adds isFastSigningRequest=true); the artifact is payload.json in PascalCase (seed 002).
    const payload = toSignPathPascalPayload(parseSignPathPayload(submission.payload));
    const form = new FormData();
    form.append('projectSlug', submission.projectSlug);
    form.append('signingPolicySlug', submission.signingPolicySlug);
    form.append('isFastSigningRequest', fast ? 'true' : 'false');
    form.append(
      'artifact',
      new Blob([JSON.stringify(payload)], { type: 'application/json' }),
      SIGNPATH_PAYLOAD_FILE_NAME,
    );
    return form;
  }

  const client: SignPathClient = {
    submitFastSigningRequest: async (submission) =>
      json('POST', SUBMIT_PATH, signPathFastSigningResponseSchema, multipart(submission, true)),

    async submitSigningRequest(submission) {
      const response = await send('POST', SUBMIT_PATH, multipart(submission, false));
      const location = response.headers.get('location') ?? undefined;
      const text = await response.text();
      // 201 with a Location header naming the request (docs.signpath.io, "Submit a signing request"); the body, when
      // there is one, names it too (`signingRequestId`, or seed 002's `SigningRequestId`).
      if (location !== undefined) {
        const fromLocation = location.replace(/\/+$/, '').split('/').pop();
        if (fromLocation) return { signingRequestId: decodeURIComponent(fromLocation), location };
      }
      const body = parseBody('POST', SUBMIT_PATH, response.status, text, signPathSubmitResponseSchema);
      return { signingRequestId: body.SigningRequestId ?? (body.signingRequestId as string), location };
    },

    signHash: async (request) =>
      json(
        'POST',
        '/SigningRequests/SignHash',
        signPathSignHashResponseSchema,
        JSON.stringify(signPathSignHashRequestSchema.parse(request)),
        'application/json',
      ),

    getStatus: (signingRequestId) =>
      json('GET', `${requestPath(signingRequestId)}/Status`, signPathStatusResponseSchema),

    async waitForFinalStatus(signingRequestId, poll = {}) {
      const maxDelay = poll.maxDelayMs ?? 30_000;
      const factor = poll.backoffFactor ?? 2;
      const deadline = now() + (poll.timeoutMs ?? 600_000);
      let delay = Math.min(poll.initialDelayMs ?? 1_000, maxDelay);
      for (;;) {
        const status = await client.getStatus(signingRequestId);
        if (status.isFinalStatus) return status;
        const remaining = deadline - now();
        if (remaining <= 0) {
          throw new ProtocolError(
            'ERR_SIGNPATH_TIMEOUT',
            `signing request ${signingRequestId} is still ${status.status} at the deadline`,
          );
        }
        await sleep(Math.min(delay, remaining));
        delay = Math.min(delay * factor, maxDelay);
      }
    },

    getSigningRequest: (signingRequestId) =>
      json('GET', requestPath(signingRequestId), signPathSigningRequestSchema),

    async downloadSignedArtifact(signingRequestId) {
      const response = await send('GET', `${requestPath(signingRequestId)}/SignedArtifact`);
      return new Uint8Array(await response.arrayBuffer());
    },

    getMySigningPolicies(filter = {}) {
      const query = new URLSearchParams();
      if (filter.projectSlug !== undefined) query.set('projectSlug', filter.projectSlug);
      if (filter.signingPolicySlug !== undefined) query.set('signingPolicySlug', filter.signingPolicySlug);
      const search = query.size > 0 ? `?${query.toString()}` : '';
      return json('GET', `/Cryptoki/MySigningPolicies${search}`, signPathMySigningPoliciesResponseSchema);
    },
  };
  return client;
}

function parseBody<T>(method: string, path: string, status: number, text: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(parseJsonText(text));
  if (!parsed.success) {
    throw new ProtocolError(
      'ERR_SIGNPATH_RESPONSE',
      `SignPath ${method} ${path} answered an unexpected body`,
      {
        cause: parsed.error,
        status,
      },
    );
  }
  return parsed.data;
}

// The error body is undocumented: problem details, `{error}`/`{message}`, or plain text (see signPathErrorSchema).
function signPathHttpError(method: string, path: string, status: number, text: string): ProtocolError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = signPathErrorSchema.safeParse(body);
  const fromJson = parsed.success ? problemMessage(parsed.data) : typeof body === 'string' ? body : undefined;
  const vendorMessage = fromJson ?? (text.trim() || undefined);
  return new ProtocolError(
    'ERR_SIGNPATH_HTTP',
    `SignPath ${method} ${path} answered ${status}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    { status, ...(vendorMessage === undefined ? {} : { vendorMessage }) },
  );
}

// A problem details body in words, as Jsign reports it: the title, then each field's messages (`""` for the artifact).
function problemMessage(problem: z.infer<typeof signPathErrorSchema>): string | undefined {
  const errors =
    problem.errors !== null && typeof problem.errors === 'object' && !Array.isArray(problem.errors)
      ? Object.entries(problem.errors as Record<string, unknown>)
          .map(([field, messages]) => {
            const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
            return field === '' ? text : `${field}: ${text}`;
          })
          .join('; ')
      : '';
  const head = problem.detail ?? problem.title ?? problem.error ?? problem.message;
  if (errors === '') return head;
  return head === undefined ? errors : `${head} ${errors}`;
}
