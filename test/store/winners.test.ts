import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import type { Store } from '../../src/store/index.js';
import type { SoleVersionWinners, Winner } from '../../src/store/types.js';
import { REPO_A, REPO_B, dump, dumpWithWriters, memoryStore, meta, put, rec } from '../support/store-builders.js';

const fedora = (name: string, evr: string): Winner => ({ name, repoId: 'fedora', vendor: 'Fedora Project', evr });
const grafana = (name: string, evr: string): Winner => ({ name, repoId: 'grafana', vendor: 'Grafana Labs', evr });

describe('recordWinners', () => {
  it('opens, keeps, changes and closes intervals; history shows a ping-pong', () => {
    const store = memoryStore(REPO_A, REPO_B);
    expect(store.recordWinners('f40', [fedora('grafana', '9.0-1'), fedora('bash', '5.2-1')], 100)).toEqual({ changed: 0, opened: 2, closed: 0 });

    const before = dumpWithWriters(store, 'winner_tracks');
    expect(store.recordWinners('f40', [fedora('grafana', '9.0-1'), fedora('bash', '5.2-1')], 200)).toEqual({ changed: 0, opened: 0, closed: 0 });
    expect(dumpWithWriters(store, 'winner_tracks')).toEqual(before);

    expect(store.recordWinners('f40', [grafana('grafana', '10.0-1'), fedora('bash', '5.2-1')], 300)).toMatchObject({ changed: 1 });
    expect(store.recordWinners('f40', [fedora('grafana', '10.1-1')], 400)).toEqual({ changed: 1, opened: 0, closed: 1 });
    expect(store.recordWinners('f40', [fedora('grafana', '10.1-1'), fedora('bash', '5.2-2')], 500)).toEqual({ changed: 0, opened: 1, closed: 0 });

    expect(store.winnerHistory('f40', ['grafana']).map((w) => [w.vendor, w.evr, w.from, w.to])).toEqual([
      ['Fedora Project', '9.0-1', 100, 300],
      ['Grafana Labs', '10.0-1', 300, 400],
      ['Fedora Project', '10.1-1', 400, null],
    ]);
    expect(store.winnerHistory('f40', ['bash']).map((w) => [w.evr, w.from, w.to])).toEqual([
      ['5.2-1', 100, 400],
      ['5.2-2', 500, null],
    ]);
    expect(store.currentWinners('f40').map((w) => `${w.name}:${w.evr}`)).toEqual(['bash:5.2-2', 'grafana:10.1-1']);
  });

  it('keeps profiles apart', () => {
    const store = memoryStore(REPO_A, REPO_B);
    store.recordWinners('f40', [fedora('grafana', '9')], 100);
    store.recordWinners('f41', [grafana('grafana', '11')], 100);
    store.recordWinners('f41', [], 200);
    expect(store.currentWinners('f40').map((w) => w.evr)).toEqual(['9']);
    expect(store.currentWinners('f41')).toEqual([]);
    expect(store.winnerHistory().map((w) => `${w.profile}:${w.to}`)).toEqual(['f40:null', 'f41:200']);
  });

  it('refuses two winners for one name and a time older than the stored intervals', () => {
    const store = memoryStore(REPO_A, REPO_B);
    expect(() => store.recordWinners('p', [fedora('x', '1'), grafana('x', '2')], 100)).toThrow(StoreError);
    store.recordWinners('p', [fedora('x', '1')], 100);
    expect(() => store.recordWinners('p', [grafana('x', '2')], 50)).toThrow(StoreError);
    expect(store.currentWinners('p').map((w) => w.repoId)).toEqual(['fedora']);
  });

  it('records a first recording of hundreds of names, and changes to some of them, whole (rows are opened many per statement)', () => {
    const store = memoryStore(REPO_A, REPO_B);
    // 250 names: two full statements' worth and a remainder; then 120 changes (one full and a remainder) and 10 gone.
    const names = Array.from({ length: 250 }, (_, i) => `pkg-${String(i).padStart(3, '0')}`);
    expect(store.recordWinners('p', names.map((n) => fedora(n, '1-1')), 100)).toEqual({ changed: 0, opened: 250, closed: 0 });
    expect(store.currentWinners('p').map((w) => `${w.name} ${w.repoId} ${w.evr} ${w.from}`)).toEqual(names.map((n) => `${n} fedora 1-1 100`));
    const later = names.slice(0, 240).map((n, i) => (i % 2 === 0 ? grafana(n, '2-1') : fedora(n, '1-1')));
    expect(store.recordWinners('p', later, 200)).toEqual({ changed: 120, opened: 0, closed: 10 });
    expect(store.currentWinners('p').map((w) => `${w.name} ${w.repoId} ${w.evr}`)).toEqual(later.map((w) => `${w.name} ${w.repoId} ${w.evr}`));
    expect(store.winnerHistory('p')).toHaveLength(250 + 120);
  });
});

describe('recordSoleVersionWinners', () => {
  /**
   * a: two versions (contested); b: one x86_64, one noarch (contested); c: i686 only (outside the
   * scope); d, e: one version each; f: one noarch version (its holder is not listed: no winner).
   */
  function filled(): Store {
    const store = memoryStore(REPO_A, REPO_B);
    put(store, meta('fedora', 10_000, 'f'), [rec('a', '1'), rec('b', '1'), rec('b', '2', '1', { arch: 'noarch' }), rec('c', '1', '1', { arch: 'i686' }), rec('e', '1'), rec('f', '1', '1', { arch: 'noarch' })]);
    put(store, meta('grafana', 10_000, 'g'), [rec('a', '2'), rec('d', '1'), rec('src-only', '1', '1', { arch: 'src' })]);
    return store;
  }
  const scope = { repoIds: ['fedora', 'grafana'], arches: ['x86_64', 'noarch'], excludedArches: ['src'] };
  const sole: SoleVersionWinners = {
    scope,
    holders: [
      { repoId: 'fedora', arch: 'x86_64', vendor: 'Fedora Project' },
      { repoId: 'grafana', arch: 'x86_64', vendor: 'Grafana Labs' },
      { repoId: 'grafana', arch: 'noarch', vendor: 'Grafana Labs' },
    ],
  };
  /** What the resolver would say for the contested names, and the whole set recordWinners would be given. */
  const contested = [grafana('a', '2-1'), fedora('b', '2-1')];
  const all = [grafana('a', '2-1'), fedora('b', '2-1'), grafana('d', '1-1'), fedora('e', '1-1')];

  it('lists the contested names: more than one current version in the scope, arches outside it not counted', () => {
    const store = filled();
    try {
      expect(store.contestedNames(scope)).toEqual(['a', 'b']);
      expect(store.contestedNames({ ...scope, arches: ['x86_64'] })).toEqual(['a']);
      expect(store.contestedNames({ ...scope, repoIds: ['grafana'] })).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('writes on a first recording exactly the rows recordWinners writes for the whole set, ids included', () => {
    const fast = filled();
    const slow = filled();
    try {
      expect(fast.recordSoleVersionWinners('p', sole, contested, 100_000)).toEqual(slow.recordWinners('p', all, 100_000));
      expect(dump(fast, 'winner_tracks')).toEqual(dump(slow, 'winner_tracks'));
      expect(fast.currentWinners('p').map((w) => w.name)).toEqual(['a', 'b', 'd', 'e']);
      // Later: other holders (fedora's sole versions now lose) go through recordWinners alike.
      const fewer = { ...sole, holders: sole.holders.filter((h) => h.repoId === 'grafana') };
      expect(fast.recordSoleVersionWinners('p', fewer, contested, 200_000)).toEqual(slow.recordWinners('p', all.filter((w) => w.name !== 'e'), 200_000));
      expect(dump(fast, 'winner_tracks')).toEqual(dump(slow, 'winner_tracks'));
      expect(fast.currentWinners('p').map((w) => w.name)).toEqual(['a', 'b', 'd']);
    } finally {
      fast.close();
      slow.close();
    }
  });

  it('refuses a contested winner for a name with one version, and a holder given twice, writing nothing', () => {
    const store = filled();
    try {
      expect(() => store.recordSoleVersionWinners('p', sole, [...contested, fedora('e', '1-1')], 100)).toThrow();
      expect(() => store.recordSoleVersionWinners('p', { ...sole, holders: [...sole.holders, sole.holders[0]!] }, contested, 100)).toThrow(StoreError);
      expect(store.currentWinners('p')).toEqual([]);
    } finally {
      store.close();
    }
  });
});
