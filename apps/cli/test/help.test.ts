// Every verb answers --help with an example (exit 0), offers --json, and unknown verbs or flags exit 2.
import { describe, expect, it } from 'vitest';
import { runSigil } from './sigil.js';

const VERBS = [
  ['keygen'],
  ['sign'],
  ['verify'],
  ['convert'],
  ['convert', 'sig'],
  ['convert', 'key'],
  ['thumbprint'],
  ['signpath'],
  ['signpath', 'sign'],
  ['signpath', 'policies'],
  ['fortanix'],
  ['fortanix', 'sign'],
  ['fortanix', 'verify'],
  ['fortanix', 'batch-sign'],
  ['pingid'],
  ['pingid', 'request'],
  ['pingone'],
  ['pingone', 'register-key'],
  ['pingone', 'respond'],
  ['server'],
  ['server', 'keys', 'create'],
  ['server', 'keys', 'list'],
  ['server', 'keys', 'rotate'],
  ['server', 'keys', 'disable'],
  ['server', 'tokens', 'create'],
  ['server', 'tokens', 'revoke'],
  ['server', 'policies', 'create'],
  ['server', 'audit', 'verify'],
];
const GROUPS = new Set(['convert', 'signpath', 'fortanix', 'pingid', 'pingone', 'server']);

describe('sigil --help (built binary)', () => {
  it('the top level lists every verb and the exit codes', () => {
    const help = runSigil(['--help']);
    expect(help.status).toBe(0);
    for (const verb of new Set(VERBS.map(([first]) => first)))
      expect(help.stdout.toString()).toContain(`  ${verb}`);
    expect(help.stdout.toString()).toMatch(
      /Exit codes: 0 ok, 1 verification failed, 2 usage error, 3 remote or I\/O error/,
    );
  });

  it.each(VERBS.map((verb) => [verb.join(' ')]))('sigil %s --help shows an example and exits 0', (verb) => {
    const words = verb.split(' ');
    const help = runSigil([...words, '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout.toString()).toMatch(new RegExp(`Examples?:\\n\\s+.*sigil ${words[0]}`));
    if (!GROUPS.has(verb)) expect(help.stdout.toString()).toContain('--json');
  });

  it('unknown verbs and unknown flags exit 2 with a hint', () => {
    for (const args of [['frobnicate'], ['sign', '--frobnicate'], ['server', 'keys', 'explode'], []]) {
      const result = runSigil(args);
      expect(result.status, args.join(' ')).toBe(2);
    }
    expect(runSigil(['thumbprint', 'key.pem', '--frobnicate']).stderr).toMatch(
      /^sigil: unknown option '--frobnicate'\n\(add --help/,
    );
  });
});
