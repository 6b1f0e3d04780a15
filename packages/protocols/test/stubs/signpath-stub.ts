// A small in-process SignPath for client tests: the hash signing routes on hono, RSA signatures from node:crypto.
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { HashName } from '@sigil/crypto-core/hash';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ProtocolError } from '../../src/errors.js';
import {
  decodeSignPathHashSigningData,
  decodeSignPathPayload,
  parseSignPathPayload,
  type SignPathSigningPolicy,
  signPathFastSigningResponseSchema,
  signPathMySigningPoliciesResponseSchema,
  signPathSignHashRequestSchema,
  signPathSignHashResponseSchema,
  signPathSigningRequestFormSchema,
  signPathSigningRequestSchema,
  signPathStatusResponseSchema,
  signPathSubmitResponseSchema,
  toSignPathPascalPayload,
} from '../../src/signpath/index.js';

/** Options of {@link createSignPathStub}. */
export interface SignPathStubOptions {
  /** The one organization the stub serves (`/Api/v1/{organizationId}`). */
  readonly organizationId: string;
  /** The only API token the stub accepts, as `Authorization: Bearer`. */
  readonly apiToken: string;
  /** The policy's RSA private key; a fresh 2048-bit one by default. */
  readonly privateKey?: KeyObject;
  /** The policy's slugs; `hash-signing-test` / `test-signing` (seed 002's example) by default. */
  readonly projectSlug?: string;
  readonly signingPolicySlug?: string;
  /** How many Status polls an asynchronous request stays `InProgress` before it is `Completed`; 3 by default. */
  readonly pollsUntilDone?: number;
  /** Rewrites a 2xx JSON body after it passed its schema, so a test can hand the client an answer SignPath never sends. */
  readonly rewriteAnswer?: (path: string, body: unknown) => unknown;
}

/** What the stub saw of one request. */
export interface SignPathStubRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly authorization: string | null;
}

/** An asynchronous signing request the stub holds. */
export interface SignPathStubSigningRequest {
  /** Status polls so far. */
  polls: number;
  /** What SignedArtifact answers once the request is complete: the payload.json sent, in PascalCase. */
  readonly artifact: Uint8Array<ArrayBuffer>;
}

/** The stub: its hono app, a fetch for the client, and what it saw and holds. */
export interface SignPathStub {
  readonly app: Hono;
  /** Every call goes to the hono app in-process. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly requests: SignPathStubRequest[];
  readonly signingRequests: Map<string, SignPathStubSigningRequest>;
  /** The MySigningPolicies entry of the stub's one policy. */
  readonly policy: SignPathSigningPolicy;
  /** The policy's public key, to verify what the stub signed. */
  readonly publicKey: KeyObject;
}

// DER DigestInfo prefixes of RFC 8017 §9.2 note 1: DigestInfo = prefix || H.
const DIGEST_INFO_PREFIXES: Partial<Record<HashName, string>> = {
  MD5: '3020300c06082a864886f70d020505000410',
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

const nodeHashName = (hash: HashName) => hash.replace('-', '').toLowerCase();

const mgf1 = (hash: HashName, seed: Buffer, length: number): Buffer => {
  // RFC 8017 appendix B.2.1
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter += 1) {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    blocks.push(createHash(nodeHashName(hash)).update(seed).update(count).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
};

/**
 * RSA over a digest SignPath received, with the params protocols decoded. PKCS#1 v1.5 (RFC 8017 §9.2) is the
 * private operation on a type-1 padded DigestInfo, which privateEncrypt with PKCS#1 padding computes; PSS
 * (RFC 8017 §9.1.1, the params' salt length and MGF1 hash: the hash's own, as .NET's `RSASignaturePadding.Pss`) is
 * encoded here and put through the raw private operation.
 */
function signDigest(privateKey: KeyObject, params: SignatureParams, digest: Uint8Array): Buffer {
  if (params.scheme === 'rsa-pkcs1') {
    const prefix = DIGEST_INFO_PREFIXES[params.hash];
    if (prefix === undefined) throw new ProtocolError('ERR_SIGNPATH_ALGORITHM', `cannot sign ${params.hash}`);
    return privateEncrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from(prefix, 'hex'), digest]),
    );
  }
  if (params.scheme !== 'rsa-pss') {
    throw new ProtocolError('ERR_SIGNPATH_KEY', "The signing policy's key is an RSA key", { status: 400 });
  }
  if (params.saltLength === 'auto') throw new Error('a signature has a salt length');
  const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  const salt = randomBytes(params.saltLength);
  const hashed = createHash(nodeHashName(params.hash))
    .update(Buffer.alloc(8))
    .update(digest)
    .update(salt)
    .digest(); // steps 5-6: H = Hash(0x00 * 8 || mHash || salt)
  const db = Buffer.concat([
    Buffer.alloc(emLength - salt.length - hashed.length - 2),
    Buffer.from([1]),
    salt,
  ]);
  const maskedDb = mgf1(params.mgfHash ?? params.hash, hashed, db.length).map(
    (byte, index) => byte ^ (db[index] ?? 0),
  );
  maskedDb[0] = (maskedDb[0] ?? 0) & (0xff >> (8 * emLength - emBits)); // step 11
  const encoded = Buffer.concat([maskedDb, hashed, Buffer.from([0xbc])]);
  const padded = Buffer.concat([Buffer.alloc(Math.ceil(modulusBits / 8) - encoded.length), encoded]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, padded);
}

// The RFC 9110 section ASP.NET Core puts in a problem's `type` for each status the stub answers.
const PROBLEM_TYPES: Partial<Record<number, string>> = {
  400: '15.5.1',
  401: '15.5.2',
  404: '15.5.5',
  500: '15.6.1',
};

/** ASP.NET Core problem details (RFC 9457), as SignPath answers errors. */
function problem(c: Context, status: ContentfulStatusCode, title: string, detail?: string, errors?: unknown) {
  const type = `https://tools.ietf.org/html/rfc9110#section-${PROBLEM_TYPES[status] ?? '15'}`;
  return c.json({ type, title, status, detail, errors }, status, {
    'content-type': 'application/problem+json; charset=utf-8',
  });
}

/** An ASP.NET Core validation problem: `errors` maps each offending field to its messages. */
function validationProblem(c: Context, error: z.ZodError) {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.');
    errors[field] = [...(errors[field] ?? []), issue.message];
  }
  return problem(c, 400, 'One or more validation errors occurred.', undefined, errors);
}

/**
 * A SignPath API under `/Api/v1/{organizationId}` with one RSA signing policy: legacy multipart SigningRequests
 * (fast answers at once, asynchronous ones complete after `pollsUntilDone` Status polls), SignHash, Status, the
 * signing request data, the signed artifact and Cryptoki/MySigningPolicies. Bearer auth; requests checked with the
 * schemas the client uses; answers checked with the response schemas; errors as problem details or plain text.
 */
export function createSignPathStub(options: SignPathStubOptions): SignPathStub {
  const privateKey = options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const projectSlug = options.projectSlug ?? 'hash-signing-test';
  const signingPolicySlug = options.signingPolicySlug ?? 'test-signing';
  const pollsUntilDone = options.pollsUntilDone ?? 3;
  const api = `/Api/v1/${options.organizationId}`;
  const requests: SignPathStubRequest[] = [];
  const signingRequests = new Map<string, SignPathStubSigningRequest>();
  const jwk = publicKey.export({ format: 'jwk' });
  const policy: SignPathSigningPolicy = {
    signingPolicySlug,
    projectSlug,
    keySizeInBits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
    rsaParameters: {
      publicExponent: Buffer.from(jwk.e ?? '', 'base64url').toString('base64'),
      modulus: Buffer.from(jwk.n ?? '', 'base64url').toString('base64'),
    },
    signingPolicyId: randomUUID(),
    // The stub has no certificate: an empty DER SEQUENCE stands in for it.
    certificateBytes: 'MAA=',
    keyType: 'Rsa',
    publicKeyBytes: publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
  };
  const answer = <T>(c: Context, schema: z.ZodType<T>, body: T, status: ContentfulStatusCode = 200) => {
    const checked = schema.parse(body);
    const sent = options.rewriteAnswer ? options.rewriteAnswer(c.req.path, checked) : checked;
    return c.json(sent as object, status);
  };
  const policyNotFound = (c: Context, project: string, slug: string) =>
    project === projectSlug && slug === signingPolicySlug
      ? undefined
      : problem(c, 404, 'Not Found', 'Signing policy not found');
  const findRequest = (c: Context) => {
    const id = c.req.param('id') ?? '';
    const state = signingRequests.get(id);
    return state === undefined
      ? { id, response: c.text(`Signing request ${id} not found`, 404) }
      : { id, state, done: state.polls >= pollsUntilDone };
  };

  const organization = new Hono()
    .on(
      'POST',
      ['/SigningRequests', '/SigningRequests/SubmitWithArtifact'],
      validator('form', (value, c) => {
        // ASP.NET binds form fields ignoring case: the current docs write them camelCase, seed 002 PascalCase.
        const fields = Object.fromEntries(
          Object.entries(value).map(([name, field]) => [name.charAt(0).toUpperCase() + name.slice(1), field]),
        );
        const parsed = signPathSigningRequestFormSchema.safeParse(fields);
        return parsed.success ? parsed.data : validationProblem(c, parsed.error);
      }),
      async (c) => {
        const form = c.req.valid('form');
        const missing = policyNotFound(c, form.ProjectSlug, form.SigningPolicySlug);
        if (missing) return missing;
        const payload = parseSignPathPayload(new Uint8Array(await form.Artifact.arrayBuffer()));
        if (form.IsFastSigningRequest) {
          const { params, digest } = decodeSignPathPayload(payload);
          const signature = signDigest(privateKey, params, digest);
          return answer(c, signPathFastSigningResponseSchema, {
            ...toSignPathPascalPayload(payload),
            Signature: signature.toString('base64'),
          });
        }
        const id = randomUUID();
        signingRequests.set(id, {
          polls: 0,
          artifact: new Uint8Array(
            new TextEncoder().encode(JSON.stringify(toSignPathPascalPayload(payload))),
          ),
        });
        c.header('location', new URL(`${api}/SigningRequests/${id}`, c.req.url).href);
        return answer(c, signPathSubmitResponseSchema, { SigningRequestId: id }, 201);
      },
    )
    .post(
      '/SigningRequests/SignHash',
      validator('json', (value, c) => {
        const parsed = signPathSignHashRequestSchema.safeParse(value);
        return parsed.success ? parsed.data : validationProblem(c, parsed.error);
      }),
      (c) => {
        const request = c.req.valid('json');
        const missing = policyNotFound(c, request.projectSlug, request.signingPolicySlug);
        if (missing) return missing;
        const { params, digest } = decodeSignPathHashSigningData(request.hashSigningData);
        return answer(c, signPathSignHashResponseSchema, {
          signingRequestId: randomUUID(),
          hashSigningData: request.hashSigningData,
          hashSigningResult: { signature: signDigest(privateKey, params, digest).toString('base64') },
        });
      },
    )
    .get('/SigningRequests/:id/Status', (c) => {
      const found = findRequest(c);
      if (found.state === undefined) return found.response;
      found.state.polls += 1;
      return answer(c, signPathStatusResponseSchema, {
        signingRequestId: found.id,
        status: found.done ? 'Completed' : 'InProgress',
        workflowStatus: found.done ? 'Completed' : 'Processing',
        isFinalStatus: found.done,
      });
    })
    .get('/SigningRequests/:id/SignedArtifact', (c) => {
      const found = findRequest(c);
      if (found.state === undefined) return found.response;
      if (!found.done) return c.text('Signed artifact not available', 409);
      return c.body(found.state.artifact, 200, { 'content-type': 'application/octet-stream' });
    })
    .get('/SigningRequests/:id', (c) => {
      const found = findRequest(c);
      if (found.state === undefined) return found.response;
      const link = (suffix: string) =>
        new URL(`${api}/SigningRequests/${found.id}/${suffix}`, c.req.url).href;
      return answer(c, signPathSigningRequestSchema, {
        status: found.done ? 'Completed' : 'InProgress',
        workflowStatus: found.done ? 'Completed' : 'Processing',
        isFinalStatus: found.done,
        projectSlug,
        signingPolicySlug,
        unsignedArtifactLink: link('UnsignedArtifact'),
        signedArtifactLink: found.done ? link('SignedArtifact') : null,
      });
    })
    .get('/Cryptoki/MySigningPolicies', (c) => {
      const project = c.req.query('projectSlug');
      const slug = c.req.query('signingPolicySlug');
      const matches =
        (project === undefined || project === projectSlug) &&
        (slug === undefined || slug === signingPolicySlug);
      return answer(c, signPathMySigningPoliciesResponseSchema, { signingPolicies: matches ? [policy] : [] });
    });

  const app = new Hono()
    .use(async (c, next) => {
      const url = new URL(c.req.url);
      requests.push({
        method: c.req.method,
        path: url.pathname + url.search,
        authorization: c.req.header('authorization') ?? null,
      });
      await next();
    })
    .use(async (c, next) => {
      if (c.req.header('authorization') !== `Bearer ${options.apiToken}`)
        return problem(c, 401, 'Unauthorized');
      await next();
    })
    .route(api, organization)
    .notFound((c) => c.text('Not Found', 404))
    .onError((error, c) => {
      if (error instanceof ProtocolError) return problem(c, 400, 'Bad Request', error.message);
      if (error instanceof HTTPException) return problem(c, 400, 'Bad Request', error.message);
      return problem(c, 500, 'Internal Server Error', error.message);
    });

  return {
    app,
    fetch: async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init)),
    requests,
    signingRequests,
    policy,
    publicKey,
  };
}
