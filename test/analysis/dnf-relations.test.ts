import { describe, expect, it } from 'vitest';
import { relationMatches } from '../../src/analysis/resolve/dnf-relations.js';
import { parseEvr } from '../../src/formats/rpm/version.js';

describe('relationMatches (Obsoletes: against an installed package)', () => {
  const libpq = parseEvr('13.11-1.el9');
  it('matches by name only, unversioned entries always', () => {
    expect(relationMatches({ name: 'libpq-devel' }, 'libpq-devel', libpq)).toBe(true);
    expect(relationMatches({ name: 'libpq' }, 'libpq-devel', libpq)).toBe(false);
  });

  it('compares the range with rpm order; an entry without a release compares the version only', () => {
    const cases: Array<[string, string, boolean]> = [
      ['LE', '42.0', true],
      ['LT', '13.11', false],
      ['LE', '13.11', true],
      ['EQ', '13.11', true],
      ['EQ', '13.11-2.el9', false],
      ['GE', '1:1.0', false],
      ['GT', '13.10-9', true],
    ];
    for (const [flags, version, want] of cases) expect([flags, version, relationMatches({ name: 'x', flags, version }, 'x', libpq)]).toEqual([flags, version, want]);
  });
});
