// The OpenAPI 3.1 document: metadata, security schemes, and the pieces route declarations describe themselves with.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from './context.js';

/** A security requirement of the document: schemes by name, each with its (unused) scopes. */
type SecurityRequirement = Record<string, string[]>;

/** Who may call a route: a bearer token (or a PingID-signed request), Basic app credentials, PingOne, or anyone. */
export const SECURITY: Readonly<Record<'bearer' | 'basic' | 'pingone' | 'none', SecurityRequirement[]>> = {
  bearer: [{ bearerAuth: [] }, { pingidHmac: [] }],
  basic: [{ basicAuth: [] }],
  pingone: [{ bearerAuth: [] }, { pingoneHeaders: [] }],
  none: [],
};

/** The answer every route may give besides its own. */
export const CLIENT_ERRORS = {
  '4XX': { description: "a client error, in the surface's error shape, with a stable code" },
} as const;

/** The JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a zod schema accepts; a file field is binary. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...described } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'custom')
        Object.assign(jsonSchema, { type: 'string', format: 'binary' });
    },
  });
  return described;
}

/**
 * A request body, described for the document only. The handler reads and checks the body itself (routes/parse.ts):
 * JSON whatever the Content-Type says, and a bad body answered with the server's codes (ERR_MALFORMED_JSON,
 * ERR_VALIDATION, ERR_UNSUPPORTED_MEDIA_TYPE) in the surface's error shape. Given a zod schema, @hono/zod-openapi
 * would check the body first, with statuses and bodies of its own.
 */
export function requestBody(schema: z.ZodType, mediaType = 'application/json') {
  return { required: true, content: { [mediaType]: { schema: jsonSchemaOf(schema) } } };
}

/** Query parameters, described for the document only (the handler reads the query itself). */
export function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query' as const,
    required: false,
    schema: jsonSchemaOf(field as z.ZodType),
  }));
}

/** Path parameters, all strings. */
export function pathParameters<const N extends string>(...names: N[]): z.ZodObject<Record<N, z.ZodString>> {
  return z.object(Object.fromEntries(names.map((name) => [name, z.string()])) as Record<N, z.ZodString>);
}

/** A JSON answer of `schema`. */
export function jsonAnswer<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** Adds the security schemes the routes refer to; once, on the app whose document is served. */
export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'basicAuth', { type: 'http', scheme: 'basic' });
  registry.registerComponent('securitySchemes', 'pingidHmac', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'PingID SDK signed request, `PINGID-HMAC=<jwt>`: HS256 under the API key of a token issued with ' +
      '`pingidHmac: true` (header `account_id` = the token id, `token`, `jwt_version` v4, `expires`, ' +
      '`X-Request-ID`, each used once), over `METHOD:HOST:PATH[:QUERY]:hex(SHA-256(body)):`. Answers carry ' +
      "`X-PINGID-Signature` and, with the same value, `X-PINGID-Singature` (the spelling PingID's SDK sample reads).",
  });
  registry.registerComponent('securitySchemes', 'pingoneHeaders', {
    type: 'apiKey',
    in: 'header',
    name: 'SIGIL_PINGONE_HEADERS',
    description: 'the header/value pairs configured in SIGIL_PINGONE_HEADERS',
  });
}

/** The OpenAPI 3.1 document of every route declared on `app`. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): Record<string, unknown> {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Sigil signing server',
      version: '0.1.0',
      description: 'Native API, PingOne callback, SignPath- and Fortanix-compatible surfaces.',
    },
  }) as unknown as Record<string, unknown>;
}
