/** The afterAll of a test file that worked in its own directory with servers, browsers or gpg keys. */
import { rm } from 'node:fs/promises';

/** Something beforeAll started: a server or a browser (close), a throwaway gpg key (dispose). */
export type Started = { close(): Promise<unknown> } | { dispose(): Promise<unknown> };

/**
 * Stop what was started, in the order given, then remove the work directory. A resource or
 * directory that beforeAll never got to (it failed first) is `undefined` and skipped.
 */
export async function tearDown(work: string | undefined, ...started: Array<Started | undefined>): Promise<void> {
  for (const resource of started) {
    if (!resource) continue;
    if ('close' in resource) await resource.close();
    else await resource.dispose();
  }
  if (work) await rm(work, { recursive: true, force: true });
}
