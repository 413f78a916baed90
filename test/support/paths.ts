/** Where the repository and its test fixtures (test/fixtures, see its README) live, from any test. */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const buildDir = path.join(repoRoot, 'test', '.build');

/**
 * Arguments that run the CLI from source in a child process, from any working directory
 * (`--import tsx` alone resolves tsx from the cwd).
 */
export const cliArgs = ['--import', pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, path.join(repoRoot, 'src/cli/bin.ts')];
