// Registers every verb on the program.
import type { Command } from 'commander';
import { registerConvert } from './convert.js';
import { registerFortanix } from './fortanix.js';
import { registerKeygen } from './keygen.js';
import { registerPingId } from './pingid.js';
import { registerPingOne } from './pingone.js';
import { registerServer } from './server.js';
import { registerSign } from './sign.js';
import { registerSignPath } from './signpath.js';
import { registerThumbprint } from './thumbprint.js';
import { registerVerify } from './verify.js';

/** Adds every sigil verb to `program`. */
export function registerCommands(program: Command): void {
  registerKeygen(program);
  registerSign(program);
  registerVerify(program);
  registerConvert(program);
  registerThumbprint(program);
  registerSignPath(program);
  registerFortanix(program);
  registerPingId(program);
  registerPingOne(program);
  registerServer(program);
}
