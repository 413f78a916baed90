/** The command registry: one line per command module. */
import type { Command } from 'commander';
import { registerVercmp } from './vercmp.js';

export function registerCommands(program: Command): void {
  registerVercmp(program);
}
