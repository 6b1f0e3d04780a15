// `/openapi.json` and a self-contained docs page that renders it (no CDN: the page carries its own script).
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { jsonAnswer, SECURITY } from '../openapi.js';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sigil signing server API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 2rem;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2rem}
.op{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem}
.op summary{cursor:pointer}
.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.put{color:#a60}.delete{color:#c00}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}
</style></head>
<body><h1>Sigil signing server</h1><p id="about">Loading <a href="openapi.json">openapi.json</a>…</p><div id="ops"></div>
<script>
fetch('openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
  document.getElementById('about').textContent = doc.info.description + ' OpenAPI ' + doc.openapi + ', version ' + doc.info.version + '.';
  var byTag = {};
  Object.keys(doc.paths).forEach(function (path) {
    Object.keys(doc.paths[path]).forEach(function (method) {
      var op = doc.paths[path][method];
      var tag = (op.tags && op.tags[0]) || 'other';
      (byTag[tag] = byTag[tag] || []).push({ path: path, method: method, op: op });
    });
  });
  var root = document.getElementById('ops');
  Object.keys(byTag).forEach(function (tag) {
    var h = document.createElement('h2'); h.textContent = tag; root.appendChild(h);
    byTag[tag].forEach(function (entry) {
      var d = document.createElement('details'); d.className = 'op';
      var s = document.createElement('summary');
      var m = document.createElement('span'); m.className = 'm ' + entry.method; m.textContent = entry.method;
      var p = document.createElement('code'); p.textContent = entry.path;
      s.appendChild(m); s.appendChild(p); s.appendChild(document.createTextNode(' ' + (entry.op.summary || '')));
      d.appendChild(s);
      var pre = document.createElement('pre');
      pre.textContent = JSON.stringify({ security: entry.op.security, requestBody: entry.op.requestBody, responses: entry.op.responses }, null, 2);
      d.appendChild(pre); root.appendChild(d);
    });
  });
}).catch(function (e) { document.getElementById('about').textContent = 'cannot load openapi.json: ' + e; });
</script></body></html>`;

/**
 * `GET /openapi.json` (the document `describe` builds, once: the routes of the whole app are declared by the first
 * request), `GET /docs`, and `GET /`, which sends a browser there.
 */
export function docsRoutes(describe: () => Record<string, unknown>): OpenAPIHono<AppEnv> {
  let document: Record<string, unknown> | undefined;
  const routes = new OpenAPIHono<AppEnv>();
  const page = { method: 'get' as const, tags: ['operations'], security: SECURITY.none };
  routes.openapi(
    createRoute({
      ...page,
      path: '/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: jsonAnswer('the document', z.record(z.string(), z.unknown())) },
    }),
    (c) => {
      document ??= describe();
      return c.json(document, 200);
    },
  );
  routes.openapi(
    createRoute({
      ...page,
      path: '/docs',
      summary: 'A page that renders this document',
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
    }),
    (c) => c.html(DOCS_PAGE),
  );
  routes.openapi(
    createRoute({
      ...page,
      path: '/',
      summary: 'The server root: sends a browser to the API docs',
      responses: { 302: { description: 'to `/docs`' } },
    }),
    (c) => c.redirect('/docs', 302),
  );
  return routes;
}
