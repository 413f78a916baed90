/** Where the repository and the shared reference material (../shared) live, from any test. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const sharedFixtures = path.join(sharedDir, 'fixtures');
export const buildDir = path.join(repoRoot, 'test', '.build');
