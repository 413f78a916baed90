/** Child for lock.test.ts: take the crawl lock for argv[2], say so, then hang until killed. */
import { acquireCrawlLock } from '../../src/store/lock.js';

await acquireCrawlLock(process.argv[2]!, { wait: false });
process.stdout.write('locked\n');
setInterval(() => {}, 60_000);
