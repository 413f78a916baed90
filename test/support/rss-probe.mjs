// Preloaded into a CLI child by test/support/cli.ts when a test measures memory: at exit, write the
// process's peak resident set size (bytes) to $REPOCLASH_TEST_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.REPOCLASH_TEST_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
