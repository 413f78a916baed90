/**
 * Ask real dnf 4 what it would do, offline, in a private installroot: a private reposdir and
 * dnf.conf, repos on file:// or the loopback server, installed packages seeded with rpm --root.
 */
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execTool, type ExecResult } from './exec.js';

export interface DnfRepo {
  id: string;
  /** One URL or a list (dnf tries them in order). */
  baseurl: string | string[];
  /** dnf default 99; lower wins. */
  priority?: number;
  /** dnf default 1000; lower wins on equal EVR. */
  cost?: number;
  excludepkgs?: string[];
  includepkgs?: string[];
  module_hotfixes?: boolean;
  /** Any other repo option, written verbatim as `key=value`. */
  extra?: Record<string, string>;
}

export interface DnfContext {
  installroot: string;
  /**
   * Written into one .repo file in this order (dnf's tie-break after cost is load order). Empty
   * with `ownRepoFiles`: the installroot's own etc/yum.repos.d is used as it stands.
   */
  repos: DnfRepo[];
  /**
   * Use the .repo files already in ROOT/etc/yum.repos.d (as a vendor ships them) with their own
   * `enabled=` flags, instead of writing `repos`.
   */
  ownRepoFiles?: boolean;
  /** Extra `--setopt=k=v`. */
  setopts?: Record<string, string>;
  /** `allow_vendor_change` (dnf4 default true). Left unset = dnf's default. */
  allowVendorChange?: boolean;
  /** Default "40". */
  releasever?: string;
  /** `--forcearch`, e.g. "x86_64"; default: the host's arch. */
  forcearch?: string;
  /** Load dnf plugins (versionlock etc.). Default false: host plugins must not leak into tests. */
  plugins?: boolean;
  /** More `[main]` lines for ROOT/etc/dnf/dnf.conf (e.g. installonlypkgs, obsoletes): what repoclash reads too. */
  mainOptions?: Record<string, string>;
}

export interface RunDnfOptions extends DnfContext {
  args: string[];
  /** Answer prompts: 'no' adds --assumeno (show the transaction, change nothing). Default 'no'. */
  assume?: 'yes' | 'no';
  /** Merged over process.env; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

const hookScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dnf-plan-hook.py');

function repoFileText(repos: DnfRepo[]): string {
  return repos
    .map((r) => {
      const lines = [`[${r.id}]`, `name=${r.id}`, `baseurl=${[r.baseurl].flat().join(' ')}`, 'enabled=1', 'gpgcheck=0', 'repo_gpgcheck=0'];
      if (r.priority !== undefined) lines.push(`priority=${r.priority}`);
      if (r.cost !== undefined) lines.push(`cost=${r.cost}`);
      if (r.excludepkgs?.length) lines.push(`excludepkgs=${r.excludepkgs.join(',')}`);
      if (r.includepkgs?.length) lines.push(`includepkgs=${r.includepkgs.join(',')}`);
      if (r.module_hotfixes !== undefined) lines.push(`module_hotfixes=${r.module_hotfixes ? 1 : 0}`);
      for (const [k, v] of Object.entries(r.extra ?? {})) lines.push(`${k}=${v}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** Fedora's shipped dnf.conf, except that unreachable repos fail loudly and metadata never goes stale. */
function dnfConfText(ctx: DnfContext): string {
  const main: Record<string, string> = {
    gpgcheck: '0',
    installonly_limit: '3',
    clean_requirements_on_remove: 'True',
    best: 'False',
    skip_if_unavailable: 'False',
    install_weak_deps: 'False',
    // Tests rebuild repos between runs in the same installroot: always revalidate repomd.xml.
    metadata_expire: '0',
  };
  if (ctx.allowVendorChange !== undefined) main['allow_vendor_change'] = ctx.allowVendorChange ? 'True' : 'False';
  Object.assign(main, ctx.mainOptions ?? {});
  return ['[main]', ...Object.entries(main).map(([k, v]) => `${k}=${v}`)].join('\n') + '\n';
}

async function writeDnfConfig(ctx: DnfContext): Promise<{ reposdir: string; config: string }> {
  const reposdir = path.join(ctx.installroot, 'etc', 'yum.repos.d');
  const config = path.join(ctx.installroot, 'etc', 'dnf', 'dnf.conf');
  await mkdir(reposdir, { recursive: true });
  await mkdir(path.dirname(config), { recursive: true });
  if (!ctx.ownRepoFiles) {
    // The repo set is whatever this call says: forget repos from earlier calls.
    for (const name of await readdir(reposdir)) if (name.endsWith('.repo')) await unlink(path.join(reposdir, name));
    await writeFile(path.join(reposdir, 'repoclash-test.repo'), repoFileText(ctx.repos));
  }
  await writeFile(config, dnfConfText(ctx));
  return { reposdir, config };
}

async function dnfArgv(opts: RunDnfOptions): Promise<string[]> {
  const { reposdir, config } = await writeDnfConfig(opts);
  const argv = [
    `--installroot=${opts.installroot}`,
    `--config=${config}`,
    `--setopt=reposdir=${reposdir}`,
    `--releasever=${opts.releasever ?? '40'}`,
    '--nogpgcheck',
    ...(opts.ownRepoFiles ? [] : ['--disablerepo=*', ...opts.repos.map((r) => `--enablerepo=${r.id}`)]),
    opts.assume === 'yes' ? '--assumeyes' : '--assumeno',
  ];
  if (!opts.plugins) argv.push('--noplugins');
  if (opts.forcearch) argv.push(`--forcearch=${opts.forcearch}`);
  for (const [k, v] of Object.entries(opts.setopts ?? {})) argv.push(`--setopt=${k}=${v}`);
  return [...argv, ...opts.args];
}

/** Run /usr/bin/dnf against the private config. Never rejects on a non-zero exit. */
export async function runDnf(opts: RunDnfOptions): Promise<ExecResult> {
  return execTool('/usr/bin/dnf', await dnfArgv(opts), { allowFailure: true, env: opts.env });
}

/** Create the installroot's rpmdb and register packages as installed (headers only, no payload). */
export async function seedInstalled(installroot: string, rpmPaths: string[]): Promise<void> {
  await mkdir(installroot, { recursive: true });
  // rpm's %_dbpath is ~/.rpmdb on Debian: rpm and dnf agree as long as they share $HOME.
  await execTool('rpm', ['--root', installroot, '--initdb']);
  if (rpmPaths.length === 0) return;
  await execTool('rpm', ['--root', installroot, '-i', '--justdb', '--nodeps', '--nosignature', '--noscripts', '--notriggers', ...rpmPaths]);
}

export type DnfPlanAction = 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'remove' | 'obsolete';

export interface DnfPlanItem {
  action: DnfPlanAction;
  name: string;
  arch: string;
  /** dnf's EVR spelling: epoch shown only when non-zero ("1:9.0.0-1.fc40"). */
  toEvr: string;
  /** The installed EVR being replaced (upgrade/downgrade/reinstall/obsolete). */
  fromEvr?: string;
  /** Repo the new package comes from ("@System" for removals). */
  repo: string;
  vendor: string;
  fromVendor?: string;
}

/** An installed package the transaction removes because another package obsoletes it. */
export interface DnfObsoleted {
  name: string;
  arch: string;
  evr: string;
  vendor: string;
  /** Names of the packages that obsolete it. */
  replacedBy: string[];
}

export interface DnfPlan {
  items: DnfPlanItem[];
  obsoleted: DnfObsoleted[];
  result: ExecResult;
}

interface RawTsItem {
  action: string;
  name: string;
  arch: string;
  evr: string;
  repo: string;
  vendor: string;
  replacedBy?: string[];
}

const forwardActions = new Set(['install', 'upgrade', 'downgrade', 'reinstall', 'obsolete', 'remove']);
const replacedActions = new Set(['upgraded', 'downgraded', 'reinstalled', 'obsoleted']);

/** Pair each incoming package with the installed one it replaces (same name, same arch if possible). */
export function pairTransaction(raw: RawTsItem[]): DnfPlanItem[] {
  const replaced = raw.filter((t) => replacedActions.has(t.action));
  const used = new Set<RawTsItem>();
  const items: DnfPlanItem[] = [];
  for (const t of raw) {
    if (!forwardActions.has(t.action)) continue;
    const item: DnfPlanItem = { action: t.action as DnfPlanAction, name: t.name, arch: t.arch, toEvr: t.evr, repo: t.repo, vendor: t.vendor };
    if (t.action !== 'install' && t.action !== 'remove') {
      const candidates = replaced.filter((r) => !used.has(r) && r.name === t.name);
      const old = candidates.find((r) => r.arch === t.arch) ?? candidates[0];
      if (old) {
        used.add(old);
        item.fromEvr = old.evr;
        item.fromVendor = old.vendor;
      }
    }
    items.push(item);
  }
  return items.sort((a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch));
}

/**
 * What `dnf --assumeno upgrade|distro-sync [names]` would do. Runs the real dnf CLI through a
 * small hook that dumps the resolved transaction as JSON (see dnf-plan-hook.py). An empty plan
 * means dnf said "Nothing to do"; a failed resolution rejects with dnf's output.
 */
export async function dnfUpgradePlan(ctx: DnfContext & { command?: 'upgrade' | 'distro-sync' | 'install'; names?: string[] }): Promise<DnfPlan> {
  await mkdir(ctx.installroot, { recursive: true });
  const planPath = path.join(ctx.installroot, 'repoclash-dnf-plan.json');
  await rm(planPath, { force: true });
  const argv = await dnfArgv({ ...ctx, assume: 'no', args: [ctx.command ?? 'upgrade', ...(ctx.names ?? [])] });
  const result = await execTool('/usr/bin/python3', [hookScript, ...argv], { allowFailure: true, env: { REPOCLASH_DNF_PLAN: planPath } });
  let raw: RawTsItem[] = [];
  try {
    raw = JSON.parse(await readFile(planPath, 'utf8')) as RawTsItem[];
  } catch {
    // No table rendered: either nothing to do (exit 0) or dnf failed before resolving.
    if (result.code !== 0) throw new Error(`dnf ${ctx.command ?? 'upgrade'} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  }
  const obsoleted = raw
    .filter((t) => t.action === 'obsoleted')
    .map((t) => ({ name: t.name, arch: t.arch, evr: t.evr, vendor: t.vendor, replacedBy: t.replacedBy ?? [] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { items: pairTransaction(raw), obsoleted, result };
}

export interface DnfQueryRow {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  repo: string;
  vendor: string;
}

export interface RepoqueryOptions {
  names?: string[];
  /** `--upgrades`: only versions that would upgrade an installed package. */
  upgrades?: boolean;
  /** `--latest-limit N`. */
  latestLimit?: number;
  /** `--installed`. */
  installed?: boolean;
  extraArgs?: string[];
}

const QF_FIELDS = ['name', 'epoch', 'version', 'release', 'arch', 'repoid', 'vendor'] as const;

export async function dnfRepoquery(ctx: DnfContext, q: RepoqueryOptions = {}): Promise<DnfQueryRow[]> {
  const args = ['repoquery', '--quiet', '--qf', QF_FIELDS.map((f) => `%{${f}}`).join('\t')];
  if (q.upgrades) args.push('--upgrades');
  if (q.installed) args.push('--installed');
  if (q.latestLimit !== undefined) args.push(`--latest-limit=${q.latestLimit}`);
  args.push(...(q.extraArgs ?? []), ...(q.names ?? []));
  const result = await runDnf({ ...ctx, args });
  if (result.code !== 0) throw new Error(`dnf repoquery failed (${result.code}):\n${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((line) => {
      const [name = '', epoch = '0', version = '', release = '', arch = '', repo = '', vendor = ''] = line.split('\t');
      return { name, epoch: Number(epoch), version, release, arch, repo, vendor: vendor === '(none)' ? '' : vendor };
    });
}
