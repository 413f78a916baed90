/**
 * apt-get upgrade's keeping back as a pure function (the real-apt comparison is
 * test/host/host-apt-kept-back.test.ts): the cases a root is awkward to build for.
 */
import { describe, expect, it } from 'vitest';
import { keepBackWithStoredRelations } from '../../src/analysis/resolve/apt-upgrade.js';
import type { Resolution } from '../../src/analysis/types.js';
import type { DebRelationFields, StoredDebRelations } from '../../src/store/types.js';
import { debCandidate, installedDeb } from '../support/record-builders.js';

const NONE: DebRelationFields = { depends: null, preDepends: null, conflicts: null, breaks: null, provides: null };

/** An installed package apt-get upgrade would move to `to` (null: it stays). */
function resolution(name: string, installed: string, to: string | null, installedRelations: Partial<DebRelationFields> = {}): Resolution {
  const inst = { ...installedDeb(name, installed), relations: { ...NONE, ...installedRelations } };
  const target = to === null ? null : debCandidate('debian', name, to);
  return { name, arch: 'all', winner: target, ranked: [], reason: 'priority 500', installed: inst, upgradeAction: to === null ? 'none' : 'upgrade', upgradeTo: target, syncAction: to === null ? 'none' : 'upgrade', syncTo: target };
}

function stored(name: string, evr: string, fields: Partial<DebRelationFields> | null): StoredDebRelations {
  return { repoId: 'debian', name, arch: 'all', evr, sourceName: name, fields: fields === null ? null : { ...NONE, ...fields } };
}

function kept(out: { resolutions: Resolution[] }): string[] {
  return out.resolutions.filter((r) => r.upgradeAction === 'kept-back').map((r) => r.name).sort();
}

describe('apt-get upgrade keeping back', () => {
  it('keeps back in cascade: an upgrade that needs a kept-back package\'s new version is kept back too', () => {
    const out = keepBackWithStoredRelations(
      [resolution('a', '1', '2'), resolution('b', '1', '2'), resolution('c', '1', '2')],
      [stored('a', '2', { depends: 'b (>= 2)' }), stored('b', '2', { depends: 'not-installed' }), stored('c', '2', {})],
    );
    expect(kept(out)).toEqual(['a', 'b']);
    const a = out.resolutions.find((r) => r.name === 'a')!;
    expect(a.keptBack).toMatchObject({ wouldBe: 'upgrade', to: { evr: '2' } });
    expect(a.keptBack!.because).toMatch(/Depends: b \(>= 2\), but b 1 would be there/);
    expect(a.syncAction).toBe('upgrade');
    expect(out.notes).toEqual([]);
  });

  it('a versioned Depends is not met by an unversioned Provides, but is by a versioned one; Pre-Depends count as Depends', () => {
    const out = keepBackWithStoredRelations(
      [resolution('x', '1', '2'), resolution('y', '1', '2'), resolution('z', '1', '2'), resolution('p', '1', null, { provides: 'virt, vv (= 3)' })],
      [stored('x', '2', { depends: 'virt (>= 1)' }), stored('y', '2', { depends: 'vv (>= 3)' }), stored('z', '2', { preDepends: 'gone' })],
    );
    expect(kept(out)).toEqual(['x', 'z']);
  });

  it('relations not stored yet are never guessed: the upgrade stands and a note says why it was not checked', () => {
    const out = keepBackWithStoredRelations([resolution('nodejs', '18', '20'), resolution('npm', '9', null)], [stored('nodejs', '20', null)]);
    expect(kept(out)).toEqual([]);
    expect(out.resolutions.find((r) => r.name === 'nodejs')!.upgradeAction).toBe('upgrade');
    expect(out.notes).toEqual([expect.stringMatching(/skipped 1 new version \(nodejs 20\): the store has no Depends\/Conflicts\/Breaks for them yet/)]);
  });

  it('a relation field that does not parse concludes nothing', () => {
    const out = keepBackWithStoredRelations([resolution('odd', '1', '2')], [stored('odd', '2', { depends: 'broken (>= ' })]);
    expect(kept(out)).toEqual([]);
  });

  it('an installed package whose own Breaks hits the new version keeps that upgrade back; one already broken before does not', () => {
    const out = keepBackWithStoredRelations(
      [resolution('lib', '1', '2'), resolution('guard', '1', null, { breaks: 'lib (>= 2)' }), resolution('old', '1', '2'), resolution('guard2', '1', null, { breaks: 'old (>= 1)' })],
      [stored('lib', '2', {}), stored('old', '2', {})],
    );
    expect(kept(out)).toEqual(['lib']);
  });
});
