/** The command registry: one line per command module. */
import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerCheck } from './check.js';
import { registerCrawl } from './crawl.js';
import { registerFleet } from './fleet.js';
import { registerHost } from './host.js';
import { registerReport } from './report.js';
import { registerStore } from './store.js';
import { registerUpstream } from './upstream.js';
import { registerVercmp } from './vercmp.js';

export function registerCommands(program: Command): void {
  registerCrawl(program);
  registerAudit(program);
  registerCheck(program);
  registerHost(program);
  registerFleet(program);
  registerReport(program);
  registerUpstream(program);
  registerVercmp(program);
  registerStore(program);
}
