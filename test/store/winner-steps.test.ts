/**
 * Winner runs with EVR steps (migration 13, src/store/winners.ts): the store keeps one row per run
 * of a holder and a narrow step per later EVR, but every reader answers as when each EVR was its own
 * interval row. A reference model here records the same winners row per EVR (the rules recordWinners
 * had before) and each answer — changes, history, current winners, winner screens — must equal the
 * model's after every recording; migration 13 folds a schema-12 store's rows into the same answers.
 * On whichever store the suite runs on (SQLite, or PostgreSQL with REPOCLASH_TEST_STORE).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Winner, WinnerChanges, WinnerHolder, WinnerInterval } from '../../src/store/types.js';
import { BACK_TO_SCHEMA_13, REPO_A, REPO_B, memoryStore, stepBackAndClose, tempDir } from '../support/store-builders.js';
import { testStoreLocation } from '../support/test-store.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

interface ModelRow extends WinnerInterval {
  id: number;
}

/** Winner history kept one row per EVR, as recordWinners kept it up to schema 12. */
class RowPerEvrModel {
  readonly rows: ModelRow[] = [];

  record(profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
    const changes: WinnerChanges = { changed: 0, opened: 0, closed: 0 };
    const open = new Map(this.rows.filter((r) => r.profile === profile && r.to === null && (names === undefined || names.includes(r.name))).map((r) => [r.name, r]));
    const given = new Set(winners.map((w) => w.name));
    for (const w of winners) {
      const held = open.get(w.name);
      if (held && held.repoId === w.repoId && held.vendor === w.vendor && held.evr === w.evr) continue;
      if (held) {
        held.to = at;
        changes.changed++;
      } else changes.opened++;
      this.rows.push({ id: this.rows.length + 1, profile, ...w, from: at, to: null });
    }
    for (const [name, held] of open) {
      if (given.has(name)) continue;
      held.to = at;
      changes.closed++;
    }
    return changes;
  }

  history(profile?: string, names?: readonly string[]): WinnerInterval[] {
    return this.rows
      .filter((r) => (profile === undefined || r.profile === profile) && (names === undefined || names.includes(r.name)))
      .sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.from - b.from || a.id - b.id))
      .map(({ id: _id, ...interval }) => interval);
  }

  current(profile: string): WinnerInterval[] {
    return this.history(profile).filter((r) => r.to === null);
  }

  /** winnerHolders' answer: holders of names held by two holders, with at least `min` intervals. */
  holders(profiles: readonly string[], min: number): string[] {
    const byName = new Map<string, ModelRow[]>();
    for (const r of this.rows.filter((row) => profiles.includes(row.profile))) {
      const key = `${r.profile}/${r.name}`;
      byName.set(key, [...(byName.get(key) ?? []), r]);
    }
    const out = new Set<string>();
    for (const [key, rows] of byName) {
      const holders = new Set(rows.map((r) => `${r.repoId}:${r.vendor ?? ''}`));
      if (rows.length < min || holders.size < 2) continue;
      for (const h of holders) out.add(`${key}:${h}`);
    }
    return [...out].sort();
  }
}

const holderKeys = (holders: readonly WinnerHolder[]): string[] => holders.map((h) => `${h.profile}/${h.name}:${h.repoId}:${h.vendor ?? ''}`).sort();

const fedora = (name: string, evr: string): Winner => ({ name, repoId: 'fedora', vendor: 'Fedora Project', evr });
const grafana = (name: string, evr: string): Winner => ({ name, repoId: 'grafana', vendor: 'Grafana Labs', evr });
const unbranded = (name: string, evr: string): Winner => ({ name, repoId: 'grafana', vendor: null, evr });

interface Recording {
  profile: string;
  at: number;
  winners: Winner[];
  names?: string[];
}

/**
 * x: EVR steps, two changes at one instant, a hand-over, steps at the other holder, the way back,
 * a close (by names), a reopening after a gap whose earlier runs own steps, more steps. y: steps,
 * closed by a full recording, back with the same holder at that same instant. w: a holder without
 * vendor stepping. z in another profile, untouched by p's recordings.
 */
const RECORDINGS: Recording[] = [
  { profile: 'p', at: 100, winners: [fedora('x', '1.0'), fedora('y', '1.0'), unbranded('w', '1')] },
  { profile: 'q', at: 100, winners: [grafana('z', '5')] },
  { profile: 'p', at: 200, winners: [fedora('x', '1.1'), fedora('y', '1.0'), unbranded('w', '1')] },
  { profile: 'p', at: 300, winners: [fedora('x', '1.2'), fedora('y', '1.1'), unbranded('w', '2')] },
  { profile: 'p', at: 300, winners: [fedora('x', '1.3')], names: ['x'] },
  { profile: 'p', at: 300, winners: [fedora('x', '1.4')], names: ['x'] },
  { profile: 'p', at: 400, winners: [grafana('x', '2.0')], names: ['x'] },
  { profile: 'p', at: 500, winners: [grafana('x', '2.1'), fedora('y', '1.2')], names: ['x', 'y'] },
  { profile: 'p', at: 600, winners: [fedora('x', '1.5')], names: ['x'] },
  { profile: 'p', at: 700, winners: [], names: ['x'] },
  { profile: 'p', at: 800, winners: [fedora('x', '1.6')], names: ['x'] },
  { profile: 'p', at: 900, winners: [fedora('x', '1.7'), fedora('y', '1.2'), unbranded('w', '3')] },
  { profile: 'p', at: 1000, winners: [fedora('x', '1.7'), unbranded('w', '3')] },
  { profile: 'p', at: 1000, winners: [fedora('y', '1.3')], names: ['y'] },
  { profile: 'p', at: 1100, winners: [fedora('x', '1.8'), fedora('y', '1.4'), unbranded('w', '3')] },
  { profile: 'q', at: 1100, winners: [grafana('z', '6')] },
];

function expectSameAnswers(store: Store, model: RowPerEvrModel): void {
  expect(store.winnerHistory()).toEqual(model.history());
  expect(store.winnerHistory('p', ['x', 'w'])).toEqual(model.history('p', ['x', 'w']));
  expect(store.currentWinners('p')).toEqual(model.current('p'));
  expect(store.currentWinners('q')).toEqual(model.current('q'));
  for (const min of [1, 2, 3, 6, 11, 12]) expect(holderKeys(store.winnerHolders(['p', 'q'], min))).toEqual(model.holders(['p', 'q'], min));
}

/** The store's own rows of a table (SQLite or PostgreSQL). */
function count(store: Store, table: string): number {
  if (store instanceof PostgresStore) return store.db.value<number>(`SELECT count(*)::int FROM ${table}`) ?? 0;
  if (store instanceof SqliteStore) return store.db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0;
  throw new Error('unknown store kind');
}

describe('winner runs with EVR steps', () => {
  it('answer as the row-per-EVR history after every recording', () => {
    const store = memoryStore(REPO_A, REPO_B);
    cleanups.push(() => store.close());
    const model = new RowPerEvrModel();
    for (const r of RECORDINGS) {
      expect(store.recordWinners(r.profile, r.winners, r.at, r.names), `recording at ${r.at}`).toEqual(model.record(r.profile, r.winners, r.at, r.names));
      expectSameAnswers(store, model);
    }
    // The history really was split: x alone has 11 intervals (two holders), 5 of them steps.
    expect(model.history('p', ['x'])).toHaveLength(11);
    expect(holderKeys(store.winnerHolders(['p'], 11))).toEqual(['p/x:fedora:Fedora Project', 'p/x:grafana:Grafana Labs']);
    // ...from fewer rows: steps of x (5), y (3), w (2) and z (1).
    expect(count(store, 'winner_steps')).toBe(11);
    expect(count(store, 'winner_tracks')).toBe(model.rows.length - 11);
  });

  it('copied from another profile (copyWinners) answer as recording that profile\'s current winners', () => {
    const store = memoryStore(REPO_A, REPO_B);
    cleanups.push(() => store.close());
    const model = new RowPerEvrModel();
    const asWinners = (rows: readonly WinnerInterval[]): Winner[] => rows.map(({ name, repoId, vendor, evr }) => ({ name, repoId, vendor, evr }));
    // r is first copied once p holds EVRs from steps (its first recording: copied inside the store),
    // then again after later recordings of p (r has rows: recorded the ordinary way).
    const copyAfter = new Set([300, 500, 1000, 1100]);
    for (const [i, r] of RECORDINGS.entries()) {
      store.recordWinners(r.profile, r.winners, r.at, r.names);
      model.record(r.profile, r.winners, r.at, r.names);
      const lastAtThisTime = RECORDINGS.slice(i + 1).find((next) => next.profile === 'p')?.at !== r.at;
      if (r.profile !== 'p' || !copyAfter.has(r.at) || !lastAtThisTime) continue;
      const expected = model.record('r', asWinners(model.current('p')), r.at);
      expect(store.copyWinners('p', 'r', r.at), `copy at ${r.at}`).toEqual(expected);
      expect(store.currentWinners('r')).toEqual(model.current('r'));
      expect(store.winnerHistory('r')).toEqual(model.history('r'));
      expectSameAnswers(store, model);
    }
    // The first copy opened every name p held at 300; later ones stepped and closed some.
    expect(model.history('r').filter((w) => w.from === 300).map((w) => `${w.name} ${w.evr}`)).toEqual(['w 2', 'x 1.4', 'y 1.1']);
    expect(store.currentWinners('r').map((w) => `${w.name} ${w.evr}`)).toEqual(['w 3', 'x 1.8', 'y 1.4']);
    expect(() => store.copyWinners('p', 'r', 1050)).toThrow(StoreError);
  });

  it('refuse a time older than the current EVR of an open run, not only older than its run', () => {
    const store = memoryStore(REPO_A, REPO_B);
    cleanups.push(() => store.close());
    store.recordWinners('p', [fedora('x', '1')], 100);
    store.recordWinners('p', [fedora('x', '2')], 200);
    expect(() => store.recordWinners('p', [fedora('x', '3')], 150)).toThrow(StoreError);
    expect(store.currentWinners('p').map((w) => [w.evr, w.from])).toEqual([['2', 200]]);
  });

  it('are folded from a schema-12 store by migration 13 (either store)', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'old.db');
    const location = testStoreLocation(file);
    const model = new RowPerEvrModel();
    for (const r of RECORDINGS) model.record(r.profile, r.winners, r.at, r.names);
    const store = Store.open({ path: location });
    store.upsertRepo(REPO_A, 0);
    store.upsertRepo(REPO_B, 0);
    // Back to schema 12: no winner_steps, the model's rows one per EVR (ids in insertion order).
    const insert = 'INSERT INTO winner_tracks (id, profile, name, repo_id, vendor, evr, from_at, to_at) VALUES';
    const stepBack = [
      ...BACK_TO_SCHEMA_13,
      'DROP TABLE winner_steps',
      'DELETE FROM schema_version WHERE version >= 13',
      ...model.rows.map(
        (r) => `${insert} (${r.id}, '${r.profile}', '${r.name}', '${r.repoId}', ${r.vendor === null ? 'NULL' : `'${r.vendor}'`}, '${r.evr}', ${r.from}, ${r.to ?? 'NULL'})`,
      ),
      // What schema 12's writers kept in the hand-over screen for these rows.
      `INSERT INTO winner_handovers (profile, name) SELECT profile, name FROM winner_tracks GROUP BY profile, name
         HAVING count(DISTINCT repo_id) > 1 OR count(DISTINCT coalesce(vendor, '')) > 1`,
    ];
    stepBackAndClose(store, file, stepBack, [`SELECT setval(pg_get_serial_sequence('winner_tracks', 'id'), 100)`]);
    const migrated = Store.open({ path: location });
    cleanups.push(() => migrated.close());
    // One step more than the writers made: y's close and same-holder return at 1000 are one run to
    // the fold (the intervals are the same either way).
    expect(count(migrated, 'winner_tracks')).toBe(model.rows.length - 12);
    expect(count(migrated, 'winner_steps')).toBe(12);
    expectSameAnswers(migrated, model);
    // Recording goes on from the folded runs as from the rows: a step, a hand-over, a close.
    const next: Recording[] = [
      { profile: 'p', at: 1200, winners: [fedora('x', '1.9'), grafana('y', '7'), unbranded('w', '3')] },
      { profile: 'p', at: 1300, winners: [fedora('x', '2.0')] },
    ];
    for (const r of next) {
      expect(migrated.recordWinners(r.profile, r.winners, r.at, r.names)).toEqual(model.record(r.profile, r.winners, r.at, r.names));
      expectSameAnswers(migrated, model);
    }
  });
});
