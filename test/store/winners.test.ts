import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import type { Winner } from '../../src/store/types.js';
import { REPO_A, REPO_B, dumpWithWriters, memoryStore } from '../support/store-builders.js';

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
});
