/** The command registry: one line per command module. */
import type { Command } from 'commander';
import { registerCrawl } from './crawl.js';
import { registerVercmp } from './vercmp.js';

export function registerCommands(program: Command): void {
  registerCrawl(program);
  registerVercmp(program);
}
