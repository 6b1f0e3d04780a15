// The built server (dist/main.js) as a child process for the crash and multi-process tests, and a small client.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** How long a test waits for a process to say something (or for a condition) before it fails: a bound for a hang. */
export const WAIT_TIMEOUT_MS = 60_000;

/**
 * Polls `condition` every `intervalMs` until it returns a value other than `undefined` or `false`; that value. Fails
 * naming `what` after `timeoutMs` (generous: it bounds a hang, it does not measure speed).
 */
export async function waitUntil<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A running server process. */
export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything it printed so far (stdout and stderr); all of it once `kill()` or `stop()` resolved. */
  output(): string;
  /** Resolves the first match of `pattern` in the output once it is printed; fails if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGKILL, then waits for the exit and the end of its output. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then waits for the exit and the end of its output; the exit code. */
  stop(): Promise<number | null>;
}

/** Starts dist/main.js on a free port over `dataDir`, with `environment` on top of this process's. */
export async function startServerProcess(
  dataDir: string,
  environment: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, SIGIL_LOG_LEVEL: 'info', ...environment },
  });
  let output = '';
  // 'close' comes after 'exit' and after the output streams ended, so nothing printed is missed.
  let closed = false;
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('close', (code) => {
      closed = true;
      resolveExit(code);
    }),
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Sigil server listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    waitForOutput: (pattern, timeoutMs) =>
      waitUntil(
        `${pattern} in the server's output`,
        () => {
          const match = pattern.exec(output);
          if (match) return match;
          if (closed) throw new Error(`the server exited without printing ${pattern}: ${output}`);
          return undefined;
        },
        { timeoutMs },
      ),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A JSON request with a bearer token; the parsed body (or text), status and headers. */
export async function callJson(
  url: string,
  method: string,
  token: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A SignPath legacy multipart submission: an asynchronous (not fast) RSA PKCS#1 SHA-256 request for `label`. */
export function asyncSignPathForm(projectSlug: string, signingPolicySlug: string, label: string): FormData {
  const form = new FormData();
  form.append('projectSlug', projectSlug);
  form.append('signingPolicySlug', signingPolicySlug);
  const payload = {
    SignatureAlgorithm: 'RsaPkcs1',
    RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
    Base64EncodedHash: createHash('sha256').update(label).digest('base64'),
  };
  form.append('Artifact', new Blob([JSON.stringify(payload)], { type: 'application/json' }), 'payload.json');
  return form;
}

/** Sets up what the tests sign with: an RSA key behind a SignPath policy with one submitter, and an EC key. */
export async function provisionSigning(
  url: string,
  adminToken: string,
  organizationId: string,
): Promise<{ submitterToken: string; ecKeyId: string; rsaKeyId: string }> {
  const submitter = await callJson(`${url}/v1/tokens`, 'POST', adminToken, {
    name: 'submitter',
    scopes: ['sign'],
  });
  const rsa = await callJson(`${url}/v1/keys`, 'POST', adminToken, { name: 'rsa', type: 'RSA', size: 2048 });
  const ec = await callJson(`${url}/v1/keys`, 'POST', adminToken, { name: 'ec', type: 'EC', curve: 'P-256' });
  const policy = await callJson(`${url}/v1/signpath/policies`, 'POST', adminToken, {
    organizationId,
    projectSlug: 'proj',
    signingPolicySlug: 'async',
    keyId: rsa.body.id,
    submitters: [submitter.body.id],
  });
  if (submitter.status !== 201 || rsa.status !== 201 || ec.status !== 201 || policy.status !== 201) {
    throw new Error(`provisioning failed: ${submitter.status} ${rsa.status} ${ec.status} ${policy.status}`);
  }
  return { submitterToken: submitter.body.token, ecKeyId: ec.body.id, rsaKeyId: rsa.body.id };
}

/** Every audit record, paged through GET /v1/audit. */
export async function readWholeAudit(
  url: string,
  token: string,
): Promise<{ sequence: number; requestId: string; operation: string; result: string }[]> {
  const records = [];
  let after = 0;
  for (;;) {
    const page = await callJson(`${url}/v1/audit?after=${after}&limit=1000`, 'GET', token);
    if (page.status !== 200) throw new Error(`GET /v1/audit answered ${page.status}`);
    records.push(...page.body.entries);
    if (page.body.nextAfter === undefined || page.body.nextAfter === null) return records;
    after = page.body.nextAfter;
  }
}
