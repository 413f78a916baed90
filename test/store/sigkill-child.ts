/**
 * Child for sigkill.test.ts: streams a big update of repo "fedora" into the store at argv[2] and
 * announces its progress so the parent can SIGKILL it at a chosen point:
 *   argv[3] = "staging": prints "staging" once 20,000 records are staged, keeps streaming slowly;
 *   argv[3] = "commit":  stages argv[4] records and commits; a TEMP trigger on version_tracks
 *   prints "mid-commit" from inside the commit transaction after 50,000 inserted rows (the vanished
 *   versions are already closed by then) and blocks there, so the kill deterministically lands
 *   inside the transaction.
 */
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { synthetic } from '../support/store-builders.js';

const [file, mode, countText] = process.argv.slice(2) as [string, 'staging' | 'commit', string | undefined];
const count = Number(countText ?? 200_000);
const store = SqliteStore.open({ path: file });
// A small page cache makes the commit spill pages to the WAL before it ends: the case to prove safe.
if (mode === 'commit') store.db.pragma('cache_size = 64');
const update = store.beginRepoUpdate(
  { repoId: 'fedora', fetchedAt: Date.now(), revision: 'new', metadataTime: null, indexChecksum: `new-${mode}` },
  2000,
);
let n = 0;
for (const record of synthetic(count, 1)) {
  update.add(record);
  n++;
  if (mode === 'staging' && n === 20_000) process.stdout.write('staging\n');
  if (mode === 'staging' && n > 20_000 && n % 2000 === 0) await sleep(5);
}
if (mode === 'commit') {
  let inserted = 0;
  store.db.function('mid_commit_probe', () => {
    if (++inserted === 50_000) {
      writeSync(1, 'mid-commit\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); // hold the transaction open
    }
    return 0;
  });
  store.db.exec('CREATE TEMP TRIGGER mid_commit AFTER INSERT ON main.version_tracks BEGIN SELECT mid_commit_probe(); END');
}
process.stdout.write('committing\n');
update.commit();
process.stdout.write('committed\n');
setInterval(() => {}, 60_000);
