/**
 * What `upstream --refresh` says on stderr about feeds it could not fetch. The feed keys, package
 * names and error texts come from repository metadata and API servers, so no terminal control and
 * no credential may reach the terminal through them.
 */
import { describe, expect, it } from 'vitest';
import { feedResultLines } from '../../src/run/feed-refresh.js';
import type { FeedResult, RefreshResult } from '../../src/upstream/refresh.js';

const ESC = '\u001b';

function failed(feed: string, names: string[], detail: string): FeedResult {
  return { feed, source: 'npm', names, status: 'failed', releases: 0, added: 0, message: `upstream ${feed} (${names.join(', ')}): ${detail}` };
}

describe('feed failure lines', () => {
  const results: RefreshResult = {
    feeds: [
      failed(`npm:evil${ESC}]0;pwned\u0007`, [`node-evil${ESC}[2J`], `HTTP 500 from https://user:s3cret@api.invalid/x: ${ESC}[31mboom\u202e`),
      { feed: 'npm:fine', source: 'npm', names: ['node-fine'], status: 'ok', releases: 3, added: 3 },
    ],
    unresolved: [{ name: `node-gone${ESC}[1A`, tried: [`npm:gone${ESC}[K`] }],
  };

  it('one line per failed feed and unresolved package, with every control shown escaped and credentials redacted', () => {
    const lines = feedResultLines(results, false);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(line.startsWith('repoclash: upstream')).toBe(true);
    }
    expect(lines[0]).toContain('npm:evil\\x1b]0;pwned\\x07');
    expect(lines[0]).toContain('\\x1b[31mboom\\u202e');
    expect(lines[0]).not.toContain('s3cret');
    expect(lines[1]).toBe('repoclash: upstream of node-gone\\x1b[1A: no such project (tried npm:gone\\x1b[K)');
  });

  it('--quiet keeps only the failures (they make the run partial)', () => {
    expect(feedResultLines(results, true)).toHaveLength(1);
  });
});
