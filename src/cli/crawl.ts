/**
 * `repoclash crawl`: fetch what changed in the selected repos and store it.
 * Registration only (options and --help); the work is in crawl-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { addCommonOptions, addCrawlOptions, formatOption, type CommonOptions, type CrawlRunOptions } from '../run/options.js';

export interface CrawlOptions extends CommonOptions, CrawlRunOptions {
  format?: 'text' | 'json';
}

export function registerCrawl(program: Command): void {
  addCrawlOptions(addCommonOptions(program.command('crawl').description('fetch changed repository metadata and store it')))
    .addOption(formatOption(['text', 'json'], 'summary format'))
    .action(async (options: CrawlOptions) => {
      const { runCrawlCommand } = await import('./crawl-action.js');
      process.exitCode = await runCrawlCommand(options);
    });
}
