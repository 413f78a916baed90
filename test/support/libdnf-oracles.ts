/**
 * Run the Python oracles next to this file with the system interpreter (/usr/bin/python3 has
 * python3-dnf and python3-libdnf; the pyenv python3 on PATH does not).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execTool } from './exec.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export type LibdnfIniResult =
  | { ok: true; sections: [name: string, pairs: [key: string, value: string][]][] }
  | { ok: false; line: number | null; message: string };

/** libdnf's ConfigParser on each file. */
export async function libdnfParseIni(files: readonly string[]): Promise<LibdnfIniResult[]> {
  const { stdout } = await execTool(PYTHON, [path.join(here, 'libdnf-ini.py'), ...files]);
  return JSON.parse(stdout) as LibdnfIniResult[];
}

/** libdnf's ConfigParser.substitute on each text. */
export async function libdnfSubstitute(vars: Record<string, string>, texts: readonly string[]): Promise<string[]> {
  const { stdout } = await execTool(PYTHON, [path.join(here, 'libdnf-substitute.py')], {
    input: JSON.stringify({ vars, texts }),
  });
  return JSON.parse(stdout) as string[];
}

export interface DnfRepoDump {
  id: string;
  name: string;
  enabled: boolean;
  baseurl: string[];
  metalink: string | null;
  mirrorlist: string | null;
  priority: number;
  cost: number;
  excludepkgs: string[];
  includepkgs: string[];
  gpgcheck: boolean;
  repo_gpgcheck: boolean;
  gpgkey: string[];
  module_hotfixes: boolean;
  skip_if_unavailable: boolean;
  repofile: string;
}

export interface DnfDump {
  main: {
    reposdir: string[];
    excludepkgs: string[];
    includepkgs: string[];
    allow_vendor_change: boolean;
    best: boolean;
    skip_if_unavailable: boolean;
    substitutions: Record<string, string>;
  };
  repos: DnfRepoDump[];
}

/** What the real dnf 4 CLI resolves from the config under `root` (no network). */
export async function dnfDumpRepos(root: string, args: readonly string[], env: Record<string, string> = {}): Promise<DnfDump> {
  const { stdout } = await execTool(PYTHON, [path.join(here, 'dump-dnf-repos.py'), root, ...args], { env });
  return JSON.parse(stdout) as DnfDump;
}
