/**
 * Ask real apt what it would do, offline, in a private root selected with APT_CONFIG: its own
 * sources, preferences, lists, cache and dpkg status file. Nothing touches the host's apt state.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execTool, type ExecResult } from './exec.js';

export interface DpkgStatusEntry {
  name: string;
  version: string;
  /** Default "all". */
  arch?: string;
  /** Default "install ok installed". */
  status?: string;
  maintainer?: string;
  source?: string;
  extraFields?: Record<string, string>;
}

export interface AptRootOptions {
  /** APT::Architecture; default "amd64". */
  arch?: string;
  /** Each entry is either one-line `deb …` text (→ sources.list) or deb822 text with `Types:` (→ a .sources file). */
  sources: string[];
  /** Contents of etc/apt/preferences. */
  preferences?: string;
  status?: DpkgStatusEntry[];
  /** Keyrings trusted for every source (copied to trusted.gpg.d); prefer `signed-by=` per source. */
  trustedKeyrings?: string[];
}

export interface AptRoot {
  dir: string;
  configPath: string;
  env: Record<string, string>;
}

export function dpkgStatusText(entries: DpkgStatusEntry[]): string {
  return entries
    .map((e) => {
      const fields: [string, string | undefined][] = [
        ['Package', e.name],
        ['Status', e.status ?? 'install ok installed'],
        ['Priority', 'optional'],
        ['Architecture', e.arch ?? 'all'],
        ['Source', e.source],
        ['Version', e.version],
        ['Maintainer', e.maintainer ?? 'repoclash tests <repoclash-test@example.invalid>'],
        ...Object.entries(e.extraFields ?? {}),
        ['Description', `${e.name} (seeded as installed)`],
      ];
      return fields
        .filter((f): f is [string, string] => f[1] !== undefined)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
    })
    .join('\n\n')
    .concat(entries.length ? '\n' : '');
}

function aptConfText(dir: string, arch: string): string {
  const d = (p: string) => JSON.stringify(path.join(dir, p) + '/');
  return [
    `Dir ${JSON.stringify(dir + '/')};`,
    `Dir::State ${d('state')};`,
    `Dir::State::status ${JSON.stringify(path.join(dir, 'state', 'dpkg-status'))};`,
    `Dir::Cache ${d('cache')};`,
    `Dir::Etc ${d('etc')};`,
    `Dir::Etc::main "apt.conf";`,
    `Dir::Etc::parts ${d('etc/apt.conf.d')};`,
    `Dir::Etc::sourcelist "sources.list";`,
    `Dir::Etc::sourceparts ${d('etc/sources.list.d')};`,
    `Dir::Etc::preferences "preferences";`,
    `Dir::Etc::preferencesparts ${d('etc/preferences.d')};`,
    `Dir::Etc::trusted "trusted.gpg";`,
    `Dir::Etc::trustedparts ${d('etc/trusted.gpg.d')};`,
    `Dir::Log ${d('log')};`,
    `APT::Architecture "${arch}";`,
    `APT::Architectures { "${arch}"; };`,
    `Acquire::Languages "none";`,
    `Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";`,
    `Acquire::http::Proxy "DIRECT";`,
    `Acquire::https::Proxy "DIRECT";`,
    `Acquire::Retries "0";`,
    `Acquire::http::Timeout "10";`,
    // Runs as root in CI; the _apt sandbox user may not read the test's temp dirs.
    `APT::Sandbox::User "root";`,
    // A private root: never wait on or take the host's locks.
    `Debug::NoLocking "true";`,
    `DPkg::Lock::Timeout "0";`,
    '',
  ].join('\n');
}

export async function makeAptRoot(dir: string, opts: AptRootOptions): Promise<AptRoot> {
  const arch = opts.arch ?? 'amd64';
  await rm(dir, { recursive: true, force: true });
  for (const sub of ['state/lists/partial', 'cache/archives/partial', 'etc/apt.conf.d', 'etc/sources.list.d', 'etc/preferences.d', 'etc/trusted.gpg.d', 'log']) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const configPath = path.join(dir, 'apt.conf');
  await writeFile(configPath, aptConfText(dir, arch));
  await writeFile(path.join(dir, 'etc', 'apt.conf'), '');
  const oneLine = opts.sources.filter((s) => !/^Types:/m.test(s));
  const deb822 = opts.sources.filter((s) => /^Types:/m.test(s));
  await writeFile(path.join(dir, 'etc', 'sources.list'), oneLine.map((s) => s.trim() + '\n').join(''));
  for (const [i, text] of deb822.entries()) await writeFile(path.join(dir, 'etc', 'sources.list.d', `test-${i}.sources`), text.trim() + '\n');
  if (opts.preferences !== undefined) await writeFile(path.join(dir, 'etc', 'preferences'), opts.preferences);
  for (const [i, keyring] of (opts.trustedKeyrings ?? []).entries()) {
    await execTool('cp', [keyring, path.join(dir, 'etc', 'trusted.gpg.d', `test-${i}${keyring.endsWith('.asc') ? '.asc' : '.gpg'}`)]);
  }
  await writeFile(path.join(dir, 'state', 'dpkg-status'), dpkgStatusText(opts.status ?? []));
  return { dir, configPath, env: { APT_CONFIG: configPath } };
}

/** One-line source entry: `deb [signed-by=… trusted=yes] URI SUITE COMPONENT…`. */
export function debSourceLine(o: { uri: string; suite: string; components?: string[]; signedBy?: string; trusted?: boolean }): string {
  const opts = [o.signedBy ? `signed-by=${o.signedBy}` : '', o.trusted ? 'trusted=yes' : ''].filter(Boolean).join(' ');
  return ['deb', opts ? `[${opts}]` : '', o.uri, o.suite, ...(o.components ?? [])].filter(Boolean).join(' ');
}

export function aptGet(root: AptRoot, args: string[]): Promise<ExecResult> {
  return execTool('apt-get', args, { env: root.env, allowFailure: true });
}

export function aptCache(root: AptRoot, args: string[]): Promise<ExecResult> {
  return execTool('apt-cache', args, { env: root.env, allowFailure: true });
}

/** `apt-get update`, rejecting with apt's output on failure or on any W:/E: line about a source. */
export async function aptUpdate(root: AptRoot): Promise<ExecResult> {
  const r = await aptGet(root, ['update']);
  if (r.code !== 0 || /^E: /m.test(r.stderr)) throw new Error(`apt-get update failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

export interface AptPolicySource {
  priority: number;
  /** e.g. "http://127.0.0.1:PORT stable/main amd64 Packages" or "/…/dpkg-status". */
  source: string;
}

export interface AptPolicyVersion {
  version: string;
  priority: number;
  installed: boolean;
  sources: AptPolicySource[];
}

export interface AptPolicy {
  installed: string | null;
  candidate: string | null;
  versions: AptPolicyVersion[];
}

/** Parse the output of `apt-cache policy NAME` for one package. */
export function parseAptPolicy(text: string): AptPolicy {
  const none = (v: string | undefined): string | null => (v === undefined || v === '(none)' ? null : v);
  const installed = none(/^\s+Installed: (\S+)/m.exec(text)?.[1]);
  const candidate = none(/^\s+Candidate: (\S+)/m.exec(text)?.[1]);
  const versions: AptPolicyVersion[] = [];
  const table = text.split(/^\s+Version table:\s*$/m)[1] ?? '';
  for (const line of table.split('\n')) {
    // Version lines: " *** 1.0-1 500" or "     1.0-1 500"; source lines: "        500 URI SUITE/COMP ARCH Packages".
    const ver = /^ (\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line);
    if (ver?.[2] && ver[3]) {
      versions.push({ version: ver[2], priority: Number(ver[3]), installed: ver[1] === '***', sources: [] });
      continue;
    }
    const src = /^ {6,}(-?\d+) (.+)$/.exec(line);
    const current = versions[versions.length - 1];
    if (src?.[1] && src[2] && current) current.sources.push({ priority: Number(src[1]), source: src[2].trim() });
  }
  return { installed, candidate, versions };
}

export async function aptPolicy(root: AptRoot, name: string): Promise<AptPolicy> {
  const r = await aptCache(root, ['policy', name]);
  if (r.code !== 0) throw new Error(`apt-cache policy ${name} failed (${r.code}):\n${r.stderr}`);
  return parseAptPolicy(r.stdout);
}

export interface AptPlanItem {
  action: 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'remove';
  name: string;
  /** Installed version (absent for fresh installs). */
  fromVersion?: string;
  /** New version (absent for removals). */
  toVersion?: string;
  /** "Origin:Suite" labels apt prints, e.g. ["Grafana:stable"]. */
  releases: string[];
  arch?: string;
}

export interface AptPlan {
  items: AptPlanItem[];
  /** Names apt reports as "kept back". */
  keptBack: string[];
  result: ExecResult;
}

interface RawInst {
  name: string;
  fromVersion?: string;
  toVersion: string;
  releases: string[];
  arch: string;
}

/** Parse `Inst`/`Remv` lines of `apt-get -s`; versions are classified afterwards with dpkg. */
export function parseAptSimulation(stdout: string): { inst: RawInst[]; remv: AptPlanItem[]; keptBack: string[] } {
  const inst: RawInst[] = [];
  const remv: AptPlanItem[] = [];
  for (const line of stdout.split('\n')) {
    // Inst NAME [OLD] (NEW ORIGIN:SUITE[, ORIGIN:SUITE…] [ARCH]) [extra]
    const i = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+) (.*) \[([^\]]+)\]\)/.exec(line);
    if (i?.[1] && i[3] && i[5] !== undefined) {
      inst.push({
        name: i[1],
        ...(i[2] ? { fromVersion: i[2] } : {}),
        toVersion: i[3],
        releases: (i[4] ?? '').split(', ').map((s) => s.trim()).filter(Boolean),
        arch: i[5],
      });
      continue;
    }
    const r = /^Remv (\S+)(?: \[(\S+)\])?/.exec(line);
    if (r?.[1]) remv.push({ action: 'remove', name: r[1], ...(r[2] ? { fromVersion: r[2] } : {}), releases: [] });
  }
  const kept = /The following packages have been kept back:\n((?: .*\n?)*)/.exec(stdout)?.[1] ?? '';
  return { inst, remv, keptBack: kept.split(/\s+/).filter(Boolean) };
}

async function dpkgCompare(a: string, op: 'lt' | 'gt', b: string): Promise<boolean> {
  return (await execTool('dpkg', ['--compare-versions', a, op, b], { allowFailure: true })).code === 0;
}

/** What `apt-get -s upgrade` (or `dist-upgrade` with full) would do. */
export async function aptUpgradePlan(root: AptRoot, opts: { full?: boolean } = {}): Promise<AptPlan> {
  const result = await aptGet(root, ['-s', '-q', opts.full ? 'dist-upgrade' : 'upgrade']);
  if (result.code !== 0) throw new Error(`apt-get -s ${opts.full ? 'dist-upgrade' : 'upgrade'} failed (${result.code}):\n${result.stderr}`);
  const { inst, remv, keptBack } = parseAptSimulation(result.stdout);
  const items: AptPlanItem[] = [...remv];
  for (const i of inst) {
    let action: AptPlanItem['action'] = 'install';
    if (i.fromVersion !== undefined) {
      if (await dpkgCompare(i.toVersion, 'gt', i.fromVersion)) action = 'upgrade';
      else if (await dpkgCompare(i.toVersion, 'lt', i.fromVersion)) action = 'downgrade';
      else action = 'reinstall';
    }
    items.push({ action, name: i.name, ...(i.fromVersion ? { fromVersion: i.fromVersion } : {}), toVersion: i.toVersion, releases: i.releases, arch: i.arch });
  }
  return { items: items.sort((a, b) => a.name.localeCompare(b.name)), keptBack, result };
}

/** A Debian host's files under its root, as `repoclash host --root` and aptConfigForRoot read them. */
export interface DebHostRoot {
  /** One-line `deb …` entries → ROOT/etc/apt/sources.list. */
  sources: string[];
  /** The repos' signing keyring → ROOT/etc/apt/trusted.gpg.d/test.gpg. */
  keyring: string;
  /** → ROOT/var/lib/dpkg/status. */
  installed: DpkgStatusEntry[];
  /** → ROOT/etc/apt/preferences. */
  preferences?: string;
  /** Any other file by its path under ROOT: sources.list.d/…, preferences.d/…, apt.conf.d/…, os-release. */
  files?: Record<string, string>;
}

/** Write a Debian host's root (its apt and dpkg directories, sources, key, status, other files). */
export async function writeDebHostRoot(root: string, host: DebHostRoot): Promise<void> {
  for (const d of ['etc/apt/sources.list.d', 'etc/apt/preferences.d', 'etc/apt/apt.conf.d', 'etc/apt/trusted.gpg.d', 'var/lib/dpkg']) await mkdir(path.join(root, d), { recursive: true });
  await writeFile(path.join(root, 'etc/apt/sources.list'), host.sources.map((line) => line + '\n').join(''));
  await copyFile(host.keyring, path.join(root, 'etc/apt/trusted.gpg.d/test.gpg'));
  await writeFile(path.join(root, 'var/lib/dpkg/status'), dpkgStatusText(host.installed));
  if (host.preferences !== undefined) await writeFile(path.join(root, 'etc/apt/preferences'), host.preferences);
  for (const [file, text] of Object.entries(host.files ?? {})) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

/**
 * Real apt reading a host root as `repoclash host --root ROOT` does: sources, preferences, apt.conf.d,
 * trusted keys and the dpkg status file all under ROOT/etc/apt and ROOT/var/lib/dpkg; lists and
 * cache in `stateDir`. apt has no --root for the paths inside `Signed-By:`, so a source file that
 * names one is given to apt (only) with the path moved under ROOT — what apt in a chroot would read.
 * sources.list.d is copied when this is called: call it again after changing it.
 */
export async function aptConfigForRoot(root: string, stateDir: string, opts: { arch?: string; proxiesFromRoot?: boolean } = {}): Promise<AptRoot> {
  for (const d of ['lists/partial', 'cache/archives/partial', 'log', 'sourceparts']) await mkdir(path.join(stateDir, d), { recursive: true });
  const etc = path.join(root, 'etc/apt');
  for (const d of ['sources.list.d', 'preferences.d', 'trusted.gpg.d', 'apt.conf.d']) await mkdir(path.join(etc, d), { recursive: true });
  const sourceparts = path.join(stateDir, 'sourceparts');
  for (const name of await readdir(path.join(etc, 'sources.list.d'))) {
    const text = await readFile(path.join(etc, 'sources.list.d', name), 'utf8');
    await writeFile(path.join(sourceparts, name), text.replace(/(signed-by[=:][ \t]*)(\/[^\s\]]+)/gi, (_m, key: string, p: string) => `${key}${path.join(root, p)}`));
  }
  const q = (p: string) => JSON.stringify(p);
  const arch = opts.arch ?? 'amd64';
  const conf = [
    `Dir::State ${q(stateDir + '/')};`,
    `Dir::State::lists ${q(path.join(stateDir, 'lists') + '/')};`,
    `Dir::State::status ${q(path.join(root, 'var/lib/dpkg/status'))};`,
    `Dir::Cache ${q(path.join(stateDir, 'cache') + '/')};`,
    `Dir::Etc ${q(etc + '/')};`,
    `Dir::Etc::parts ${q(path.join(etc, 'apt.conf.d') + '/')};`,
    `Dir::Etc::sourceparts ${q(sourceparts + '/')};`,
    `Dir::Log ${q(path.join(stateDir, 'log') + '/')};`,
    // The machine is the root's (phased updates are drawn per machine-id); a root without one
    // has none, as repoclash reads it.
    `Dir::Etc::machine-id ${q(path.join(root, 'etc/machine-id'))};`,
    `APT::Architecture "${arch}";`,
    `APT::Architectures { "${arch}"; };`,
    'Acquire::Languages "none";',
    // DIRECT unless the test is about proxies: then apt takes them from the root and the environment.
    ...(opts.proxiesFromRoot ? [] : ['Acquire::http::Proxy "DIRECT";']),
    'Acquire::Retries "0";',
    'APT::Sandbox::User "root";',
    'Debug::NoLocking "true";',
    '',
  ].join('\n');
  const configPath = path.join(stateDir, 'apt.conf');
  await writeFile(configPath, conf);
  return { dir: stateDir, configPath, env: { APT_CONFIG: configPath } };
}
