/**
 * The host's module state, as libdnf's ModulePersistor reads it: one INI file per module under
 * ROOT/etc/dnf/modules.d (`NAME.module` with a `[NAME]` section: name=, stream=, profiles=,
 * state=). `dnf module enable/disable/reset` write these. A file that does not parse is skipped
 * with a warning (dnf would refuse it; the rest of the audit goes on).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { parseIni } from './ini.js';
import type { DnfModuleState } from './types.js';

export async function readModuleStates(root: string, warn: (message: string) => void): Promise<Map<string, DnfModuleState>> {
  const dir = path.join(root, 'etc/dnf/modules.d');
  const states = new Map<string, DnfModuleState>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.module')).sort();
  } catch {
    return states;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      for (const section of parseIni(await readFile(file, 'utf8'), file).sections) {
        const get = (key: string) => section.entries.find((e) => e.key === key)?.value ?? '';
        const state = get('state');
        if (state !== 'enabled' && state !== 'disabled' && state !== '') {
          warn(`${file}:${section.line}: module ${section.name}: unknown state "${state}"; ignored`);
          continue;
        }
        const stream = get('stream');
        states.set(get('name') || section.name, { stream: stream === '' ? null : stream, state });
      }
    } catch (err) {
      warn(err instanceof ConfigError ? `skipping ${file}: ${err.describe()}` : `skipping ${file}: ${(err as Error).message}`);
    }
  }
  return states;
}

/** `platform:el9` → `el9`; anything else → null. */
export function platformStream(id: string | undefined): string | null {
  const m = /^platform:(.+)$/.exec(id?.trim() ?? '');
  return m ? (m[1] as string) : null;
}
