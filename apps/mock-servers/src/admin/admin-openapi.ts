// The OpenAPI 3.1 document each mock serves at /__admin/openapi.json: the shared admin API plus the vendor routes.
import type { MockName } from './mock-env.js';

/** A vendor route for the document: method, OpenAPI path and one line on what it does. */
export interface DocumentedRoute {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly tag?: string;
  /** A JSON schema of the request body, when it has one. */
  readonly requestBody?: Record<string, unknown>;
}

const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema?: Record<string, unknown>) => ({
  description,
  ...(schema === undefined ? {} : json(schema)),
});

const matcher = {
  method: { type: 'string', description: 'HTTP method, or ANY (the default)' },
  path: { type: 'string', description: 'exact path, or a prefix ending in *' },
  times: { type: 'integer', minimum: 1, description: 'stop after this many hits' },
};

const faultSchema = {
  type: 'object',
  required: ['path'],
  description: 'A matcher plus exactly one action.',
  oneOf: [
    {
      title: 'status',
      properties: {
        ...matcher,
        status: { type: 'integer' },
        body: { description: 'JSON or text; the vendor error body by default' },
      },
      required: ['path', 'status'],
    },
    {
      title: 'delay',
      properties: {
        ...matcher,
        delayMs: {
          oneOf: [
            { type: 'integer', minimum: 0 },
            {
              type: 'object',
              properties: { min: { type: 'integer' }, max: { type: 'integer' } },
              required: ['min', 'max'],
            },
          ],
        },
      },
      required: ['path', 'delayMs'],
    },
    {
      title: 'connection reset',
      properties: { ...matcher, reset: { const: true } },
      required: ['path', 'reset'],
    },
    {
      title: 'malformed body',
      properties: { ...matcher, malformed: { const: true } },
      required: ['path', 'malformed'],
    },
    {
      title: 'corrupt signature',
      properties: { ...matcher, corruptSignature: { const: true } },
      required: ['path', 'corruptSignature'],
    },
  ],
};

/** The admin API paths, shared by every mock. */
function adminPaths(): Record<string, Record<string, unknown>> {
  const tags = ['admin'];
  return {
    '/__admin/requests': {
      get: {
        tags,
        summary: 'Request journal, newest first (capped)',
        parameters: [
          { name: 'method', in: 'query', schema: { type: 'string' } },
          {
            name: 'path',
            in: 'query',
            schema: { type: 'string' },
            description: 'exact, or a prefix ending in *',
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          200: ok('The matching requests', {
            type: 'object',
            properties: {
              requests: { type: 'array', items: { type: 'object' } },
              meta: {
                type: 'object',
                properties: { total: { type: 'integer' }, capacity: { type: 'integer' } },
              },
            },
          }),
        },
      },
      delete: { tags, summary: 'Clear the request journal', responses: { 204: ok('Cleared') } },
    },
    '/__admin/fixtures': {
      get: {
        tags,
        summary: 'The fixtures this mock serves, credentials included',
        responses: { 200: ok('Fixtures', { type: 'object' }) },
      },
    },
    '/__admin/faults': {
      get: { tags, summary: 'Active faults', responses: { 200: ok('Faults', { type: 'object' }) } },
      post: {
        tags,
        summary: 'Inject a fault',
        requestBody: { required: true, ...json(faultSchema) },
        responses: { 201: ok('The stored fault, with its id', { type: 'object' }), 400: ok('Invalid fault') },
      },
      delete: { tags, summary: 'Remove every fault', responses: { 204: ok('Cleared') } },
    },
    '/__admin/faults/{id}': {
      delete: {
        tags,
        summary: 'Remove one fault',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 204: ok('Removed'), 404: ok('No such fault') },
      },
    },
    '/__admin/scenarios': {
      get: { tags, summary: 'Scenario states', responses: { 200: ok('Scenarios', { type: 'object' }) } },
    },
    '/__admin/scenarios/{name}': {
      put: {
        tags,
        summary: 'Set (merge) a scenario state',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, ...json({ type: 'object' }) },
        responses: { 200: ok('The new state'), 400: ok('Invalid state'), 404: ok('No such scenario') },
      },
    },
    '/__admin/scenarios/reset': {
      post: {
        tags,
        summary: 'Put every scenario back to its initial state',
        responses: { 204: ok('Reset') },
      },
    },
    '/__admin/reset': {
      post: {
        tags,
        summary: 'Back to the fixtures: vendor state, journal, faults and scenarios',
        responses: { 204: ok('Reset') },
      },
    },
    '/__admin/openapi.json': {
      get: { tags, summary: 'This document', responses: { 200: ok('OpenAPI 3.1') } },
    },
  };
}

/** The OpenAPI document of one mock. */
export function mockOpenApiDocument(mock: MockName, title: string, routes: readonly DocumentedRoute[]) {
  const paths = adminPaths();
  for (const route of routes) {
    const entry = paths[route.path] ?? {};
    entry[route.method] = {
      tags: [route.tag ?? mock],
      summary: route.summary,
      ...(route.requestBody === undefined
        ? {}
        : { requestBody: { required: true, ...json(route.requestBody) } }),
      responses: { default: ok('The vendor answer') },
    };
    paths[route.path] = entry;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${title} (sigil-mocks)`,
      version: '0.1.0',
      description: `Emulator of ${title} for QA, with a WireMock-style admin API under /__admin/.`,
    },
    tags: [
      { name: 'admin', description: 'The mock admin API' },
      { name: mock, description: `${title} endpoints` },
    ],
    paths,
  };
}
