// Registers every verb on the program.
import type { Command } from 'commander';
import { registerConvert } from './convert.js';

/** Adds every sigil verb to `program`. */
export function registerCommands(program: Command): void {
  registerConvert(program);
}
