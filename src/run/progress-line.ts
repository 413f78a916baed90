/** A crawl's progress on a terminal: one status line on stderr, rewritten in place. */
import type { RepoProgress } from '../crawl/context.js';

/** How many repos are done, and what the busy ones are doing. */
export class ProgressLine {
  private readonly states = new Map<string, RepoProgress>();
  private done = 0;
  private last = 0;
  constructor(private readonly total: number) {}
  update(id: string, p: RepoProgress): void {
    if (p.phase === 'done') {
      this.done++;
      this.states.delete(id);
    } else this.states.set(id, p);
    const now = Date.now();
    if (now - this.last < 100 && p.phase !== 'done') return;
    this.last = now;
    const busy = [...this.states].map(([rid, s]) => `${rid} ${s.phase}${s.packages ? ` ${s.packages.toLocaleString('en')}` : ''}`);
    const line = `crawl ${this.done}/${this.total}  ${busy.join(' · ')}`;
    const width = process.stderr.columns ?? 100;
    process.stderr.write(`\r\x1b[K${line.length > width - 1 ? line.slice(0, width - 2) + '…' : line}`);
  }
  finish(): void {
    process.stderr.write('\r\x1b[K');
  }
}
