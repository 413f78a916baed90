/**
 * The versionlock plugin's lock list (dnf-plugins-core), as dnf loads it on this host: the plugin
 * counts as installed when its configuration `versionlock.conf` is in one of dnf's
 * `pluginconfpath` directories (the plugin's package ships that file), and as enabled unless that
 * file's `[main] enabled` is false or dnf.conf says `plugins=0`. Its `locklist=` names the list
 * (read under the root, like every host file); the list's lines are kept as written, without `#`
 * comments and blank lines. What the patterns do is a resolver rule (analysis/resolve/dnf-versionlock.ts).
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readIfExists } from './config-files.js';
import { parseDnfBool } from './dnf-options.js';
import { parseIni } from './ini.js';

export interface VersionlockSettings {
  /** dnf.conf `plugins` (default true). */
  plugins: boolean;
  /** dnf.conf `pluginconfpath` (default /etc/dnf/plugins), host paths. */
  pluginconfpath: readonly string[];
}

/** The lock list's patterns; empty when the plugin is off, absent or has no list. */
export async function readVersionlockList(root: string, settings: VersionlockSettings, warn: (message: string, where?: { file: string; line?: number }) => void): Promise<string[]> {
  if (!settings.plugins) return [];
  // Python's ConfigParser reads every pluginconfpath's versionlock.conf, later ones overriding.
  let found = false;
  let enabled = true;
  let locklist: string | null = null;
  for (const dir of settings.pluginconfpath) {
    const file = path.join(root, dir, 'versionlock.conf');
    const text = await readIfExists(file);
    if (text === null) continue;
    let main;
    try {
      main = parseIni(text, file).sections.find((s) => s.name === 'main');
    } catch (err) {
      warn(`skipping this file: ${err instanceof ConfigError ? err.describe() : (err as Error).message}`, { file });
      continue;
    }
    found = true;
    for (const entry of main?.entries ?? []) {
      if (entry.key === 'enabled') enabled = parseDnfBool(entry.value) ?? enabled;
      else if (entry.key === 'locklist') locklist = entry.value;
    }
  }
  if (!found || !enabled || locklist === null || locklist === '') return [];
  const listFile = path.join(root, locklist);
  const text = await readIfExists(listFile);
  if (text === null) {
    warn('the versionlock plugin is enabled but its lock list does not exist (dnf stops with "Unable to read version lock configuration"); no locks applied', { file: listFile });
    return [];
  }
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#') && line.trim() !== '')
    .map((line) => line.trim());
}
