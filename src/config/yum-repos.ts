/**
 * Import the host's dnf/yum repository configuration as repoclash repos plus one profile,
 * "system", so `repoclash host` / `crawl --system` can reason about the repos this machine uses.
 *
 * What is read, all under `root` (dnf 4.14 was the oracle; test/config/yum-repos.test.ts compares
 * with it):
 * - `[main]` of etc/dnf/dnf.conf, or etc/yum.conf when there is no dnf.conf (main values are not
 *   variable-expanded: dnf reads them before it knows the variables). Repo sections in that file
 *   are loaded before any .repo file, as dnf does.
 * - every `*.repo` (not hidden files) in the reposdirs — `reposdir` from [main], default
 *   /etc/yum.repos.d, /etc/yum/repos.d, /etc/distro.repos.d — all files of all dirs sorted
 *   together by path components, then sections in file order. That is dnf's load order, its
 *   final tie-breaker among repos of equal priority and cost.
 * - variables: see dnf-vars.ts; releasever detection: see os-release.ts.
 * - the versionlock plugin's lock list (dnf.conf `plugins`, `pluginconfpath`): see dnf-versionlock-list.ts.
 *
 * Per repo, as dnf resolves it: the id (section name) is variable-expanded and must use only
 * `A-Za-z0-9-_.:`; a repeated id keeps the first definition; `[main]` in a .repo file is skipped;
 * enabled, repo_gpgcheck and skip_if_unavailable default to [main]'s values (dnf defaults:
 * true, false, false; gpgcheck, about package signatures, is not modelled); priority 99; cost 1000; exclude/excludepkgs/includepkgs
 * accumulate in key order (an empty value or leading comma resets). An invalid value (enabled=2,
 * priority=abc) is a warning and the option keeps its default, as in dnf.
 *
 * What repoclash adds: [main]'s exclude/excludepkgs are appended to every repo's excludepkgs
 * (dnf applies both filters); [main]'s includepkgs is copied to repos without their own (when both
 * exist, dnf's filter is their intersection, which a glob list cannot express: the repo's list is
 * kept and a warning says so). The first `file://` gpgkey becomes signingKey.file under root.
 * Vendor and role: see yum-vendor.ts. The profile lists the enabled repos only.
 *
 * A .repo file that does not parse throws ConfigError (file:line); with `strict: false` it is
 * skipped with a warning instead, as dnf does. A dnf.conf that does not parse always throws
 * (dnf refuses to run).
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { dnfDirEntries, readIfExists } from './config-files.js';
import { parseDnfBool, parseDnfInt, parseDnfList, replacesAppendList } from './dnf-options.js';
import { readVersionlockList } from './dnf-versionlock-list.js';
import { platformStream, readModuleStates } from './dnf-modules-state.js';
import { basearchOf, combineDnfVars, readVarsDirs, rpmArchFromMachine, substituteDnfVars, varsFromEnv, type DnfVars } from './dnf-vars.js';
import { parseIni, type IniComment, type IniDocument, type IniEntry, type IniSection } from './ini.js';
import { readOsRelease, releaseverFrom, type OsRelease } from './os-release.js';
import type { ProfileConfig, RepoAccess, RpmRepoConfig, SigningKey, SourcePosition } from './types.js';
import type { CurlProxySettings } from '../proxy-settings.js';
import { deriveVendorAndRole, hintsAboveHeaders, hintsFromComments, type RepoHints } from './yum-vendor.js';

/** The [main] settings repoclash cares about, after defaults. */
export interface DnfMainConfig {
  /** The file read (path on disk, under root), or null when neither dnf.conf nor yum.conf exists. */
  file: string | null;
  /** As configured (paths on the host, not prefixed with root). */
  reposdir: string[];
  varsdir: string[];
  /** Global exclude/excludepkgs: applies to every repo. */
  excludepkgs: string[];
  /** Global includepkgs. */
  includepkgs: string[];
  allowVendorChange: boolean;
  best: boolean;
  /** `installonlypkgs=`: appended to dnf's default list. */
  installonlyPkgs: string[];
  /** `module_platform_id=` (e.g. "platform:el9"); undefined: os-release's PLATFORM_ID. */
  modulePlatformId?: string;
  /** `plugins=`: whether dnf loads plugins (versionlock) at all. */
  plugins: boolean;
  /** `pluginconfpath=`, host paths: where plugin configurations (versionlock.conf) are read. */
  pluginconfpath: string[];
  /** Login and TLS options repo sections inherit (libdnf's OptionChild of [main]). */
  access: DnfAccessOptions;
  /** Defaults that repo sections inherit. */
  enabled: boolean;
  repoGpgcheck: boolean;
  skipIfUnavailable: boolean;
  /** `proxy=`, `proxy_username=`, `proxy_password=` as set, each with its line (repos inherit them). */
  proxy: DnfProxyOptions;
}

/** dnf's proxy options of one section, those it sets. */
interface DnfProxyOptions {
  proxy?: SetOption;
  username?: SetOption;
  password?: SetOption;
}

interface SetOption {
  value: string;
  at: string;
}

export interface LoadYumReposOptions {
  /** Install root; default '/'. */
  root?: string;
  /** For DNF_VAR_* and DNF0…DNF9; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Like --releasever; default: a releasever variable, else detected from os-release. */
  releasever?: string;
  /** rpm arch (x86_64, aarch64, i686…); default: this machine's (`uname -m`). */
  arch?: string;
  /** Replace [main]'s reposdir (host paths, resolved under root). */
  reposdirs?: string[];
  /** Default true: a .repo file that does not parse throws. false: skip it with a warning. */
  strict?: boolean;
}

export interface YumReposResult {
  /** Every repo dnf would load, enabled or not, in load order. */
  repos: RpmRepoConfig[];
  main: DnfMainConfig;
  profile: ProfileConfig;
  /** The variables used for expansion (after precedence). */
  vars: Map<string, string>;
  warnings: string[];
}

/** libdnf's login and TLS options, each with where it was set (a repo's overrides [main]'s). */
export interface DnfAccessOptions {
  username?: { value: string; at: SourcePosition };
  password?: { value: string; at: SourcePosition };
  sslcacert?: { value: string; at: SourcePosition };
  sslverify?: { value: boolean; at: SourcePosition };
  sslclientcert?: { value: string; at: SourcePosition };
  sslclientkey?: { value: string; at: SourcePosition };
}

const ACCESS_KEYS = ['username', 'password', 'sslcacert', 'sslverify', 'sslclientcert', 'sslclientkey'] as const;

/** Read one login / TLS option into `into`; false when `key` is not one of them. */
function readAccessOption(into: DnfAccessOptions, key: string, text: string, at: SourcePosition, warn: (message: string) => void): boolean {
  if (!(ACCESS_KEYS as readonly string[]).includes(key)) return false;
  if (key === 'sslverify') {
    const value = parseDnfBool(text);
    if (value === null) warn(`invalid value sslverify=${text}: not a boolean; ignored`);
    else into.sslverify = { value, at };
  } else {
    into[key as Exclude<(typeof ACCESS_KEYS)[number], 'sslverify'>] = { value: text, at };
  }
  return true;
}

/**
 * What libdnf hands librepo: `username` (when not empty) with `password` as the login, sent to
 * the repo's own locations only (crawl/access.ts); `sslcacert`, `sslclientcert`/`sslclientkey`
 * (paths read under root) and `sslverify` (peer and host together). undefined: nothing set.
 */
function dnfRepoAccess(options: DnfAccessOptions, root: string): RepoAccess | undefined {
  const access: RepoAccess = {};
  if (options.username && options.username.value !== '') {
    access.login = { username: options.username.value, password: { value: options.password?.value ?? '' }, definedAt: options.username.at };
  }
  const verify = options.sslverify?.value ?? true;
  const files = { caFile: options.sslcacert, clientCert: options.sslclientcert, clientKey: options.sslclientkey };
  if (!verify || Object.values(files).some((f) => f !== undefined && f.value !== '')) {
    const definedAt = (!verify ? options.sslverify?.at : undefined) ?? options.sslcacert?.at ?? options.sslclientcert?.at ?? options.sslclientkey!.at;
    access.tls = { verifyPeer: verify, verifyHost: verify, definedAt };
    for (const [name, option] of Object.entries(files)) if (option !== undefined && option.value !== '') access.tls[name as keyof typeof files] = path.join(root, option.value);
  }
  return access.login || access.tls ? access : undefined;
}

const DEFAULT_REPOSDIRS = ['/etc/yum.repos.d', '/etc/yum/repos.d', '/etc/distro.repos.d'];
const DEFAULT_VARSDIRS = ['/etc/yum/vars', '/etc/dnf/vars'];
const REPO_ID = /^[A-Za-z0-9\-_.:]+$/;

/**
 * Architectures a host of `arch` takes packages for, most preferred first: libsolv's arch policy
 * as dnf sets it (hawkey's `Sack(arch).list_arches()`), native arch, its older sub-arches, then
 * the multilib arches (i686 on x86_64, s390 on s390x, ppc on ppc64), then noarch. The multilib
 * builds matter to installed packages: an installed glibc.i686 is upgraded by dnf to the i686
 * build an x86_64 repo carries, never to another arch. For "which repo wins NAME" they do not
 * compete with a native build (libsolv keeps the best-scored real arch), only stand in for a
 * name that has no native build, which `dnf install NAME` then installs as i686.
 */
export function rpmCompatibleArches(arch: string): string[] {
  const compatible: Record<string, string[]> = {
    x86_64: ['x86_64', 'i686', 'i586', 'i486', 'i386'],
    i686: ['i686', 'i586', 'i486', 'i386'],
    i586: ['i586', 'i486', 'i386'],
    i486: ['i486', 'i386'],
    athlon: ['athlon', 'i686', 'i586', 'i486', 'i386'],
    armv7hl: ['armv7hl', 'armv6hl'],
    armv7hnl: ['armv7hnl', 'armv7hl', 'armv6hl'],
    s390x: ['s390x', 's390'],
    ppc64: ['ppc64', 'ppc'],
  };
  return [...(compatible[arch] ?? [arch]), 'noarch'];
}

/** dnf sorts all .repo paths by their components, with the `.repo` suffix removed. */
function compareRepoPaths(a: string, b: string): number {
  const pa = a.slice(0, -'.repo'.length).split(path.sep);
  const pb = b.slice(0, -'.repo'.length).split(path.sep);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

async function listRepoFiles(root: string, reposdirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of reposdirs) {
    const abs = path.join(root, dir);
    const names = await dnfDirEntries(abs);
    for (const name of names) {
      // glob('*.repo') skips hidden files.
      if (!name.endsWith('.repo') || name.startsWith('.')) continue;
      const file = path.join(abs, name);
      try {
        if ((await stat(file)).isFile()) files.push(file);
      } catch {
        // Vanished or a dangling link: dnf would only warn.
      }
    }
  }
  return files.sort(compareRepoPaths);
}

type Warn = (message: string, where?: { file: string; line?: number }) => void;

/** Read one `key` as dnf's value text: a value of `None` means empty. */
function valueText(entry: IniEntry, vars: DnfVars | null): string {
  const expanded = vars ? substituteDnfVars(entry.value, vars) : entry.value;
  return expanded === 'None' ? '' : expanded;
}

/** Accumulate an append-list option (excludepkgs, includepkgs) the way libdnf does. */
function appendList(current: string[], text: string): string[] {
  const items = parseDnfList(text);
  return replacesAppendList(text) ? items : [...current, ...items];
}

function readMain(section: IniSection | undefined, file: string | null, warn: Warn): DnfMainConfig {
  const main: DnfMainConfig = {
    file,
    reposdir: [...DEFAULT_REPOSDIRS],
    varsdir: [...DEFAULT_VARSDIRS],
    excludepkgs: [],
    includepkgs: [],
    allowVendorChange: true,
    best: false,
    installonlyPkgs: [],
    plugins: true,
    pluginconfpath: ['/etc/dnf/plugins'],
    access: {},
    enabled: true,
    repoGpgcheck: false,
    skipIfUnavailable: false,
    proxy: {},
  };
  if (!section || file === null) return main;
  const bools = {
    allow_vendor_change: 'allowVendorChange',
    best: 'best',
    enabled: 'enabled',
    plugins: 'plugins',
    repo_gpgcheck: 'repoGpgcheck',
    skip_if_unavailable: 'skipIfUnavailable',
  } as const satisfies Record<string, keyof DnfMainConfig>;
  for (const entry of section.entries) {
    const text = valueText(entry, null);
    if (Object.hasOwn(bools, entry.key)) {
      const value = parseDnfBool(text);
      if (value === null) warn(`invalid value ${entry.key}=${text}: not a boolean; keeping the default`, { file, line: entry.line });
      else main[bools[entry.key as keyof typeof bools]] = value;
    } else if (entry.key === 'reposdir') {
      main.reposdir = parseDnfList(text);
    } else if (entry.key === 'varsdir') {
      main.varsdir = parseDnfList(text);
    } else if (entry.key === 'pluginconfpath') {
      main.pluginconfpath = parseDnfList(text);
    } else if (entry.key === 'exclude' || entry.key === 'excludepkgs') {
      main.excludepkgs = appendList(main.excludepkgs, text);
    } else if (entry.key === 'includepkgs') {
      main.includepkgs = appendList(main.includepkgs, text);
    } else if (entry.key === 'installonlypkgs') {
      main.installonlyPkgs = appendList(main.installonlyPkgs, text);
    } else if (entry.key === 'module_platform_id' && text !== '') {
      main.modulePlatformId = text;
    } else {
      readProxyOption(main.proxy, entry.key, text, `${file}:${entry.line}`);
      readAccessOption(main.access, entry.key, text, { file, line: entry.line }, (message) => warn(message, { file, line: entry.line }));
    }
  }
  return main;
}

interface RepoContext {
  root: string;
  file: string;
  vars: DnfVars;
  main: DnfMainConfig;
  fileHints: RepoHints;
  os: OsRelease | null;
  warn: Warn;
}

function keyFromFileUrl(url: string, root: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  try {
    return path.join(root, decodeURIComponent(new URL(url).pathname));
  } catch {
    return undefined;
  }
}

const PROXY_OPTION_NAMES = { proxy: 'proxy', proxy_username: 'username', proxy_password: 'password' } as const;

/** Record `key=text` in `options` when it is one of dnf's proxy options. */
function readProxyOption(options: DnfProxyOptions, key: string, text: string, at: string): void {
  if (Object.hasOwn(PROXY_OPTION_NAMES, key)) options[PROXY_OPTION_NAMES[key as keyof typeof PROXY_OPTION_NAMES]] = { value: text, at };
}

/**
 * A repo's proxy as libdnf hands it to librepo: the repo's own options, else [main]'s. An empty
 * `proxy=` or `_none_` in the repo drops [main]'s proxy (librepo is then given none, so curl's
 * environment variables apply again, as dnf.conf(5) says); the username and password go with
 * whatever proxy is used. Nothing set anywhere: undefined (the environment alone).
 */
function repoProxy(main: DnfProxyOptions, repo: DnfProxyOptions): CurlProxySettings | undefined {
  const proxy = repo.proxy ?? main.proxy;
  const username = repo.username ?? main.username;
  const password = repo.password ?? main.password;
  const url = proxy === undefined || proxy.value === '' || proxy.value === '_none_' ? undefined : proxy.value;
  if (url === undefined && !username?.value) return undefined;
  const definedIn = url !== undefined ? proxy!.at : username!.at;
  return {
    rules: 'curl',
    ...(url !== undefined ? { proxy: url } : {}),
    ...(username?.value ? { username: username.value, password: password?.value ?? '' } : {}),
    definedIn,
  };
}

/** Build the repo `id` (its section name, expanded and checked) from its section. */
function buildRepo(id: string, section: IniSection, ctx: RepoContext): RpmRepoConfig {
  const { file, warn, main } = ctx;
  let name: string | undefined;
  let enabled = main.enabled;
  let repoGpgcheck = main.repoGpgcheck;
  let skipIfUnavailable = main.skipIfUnavailable;
  let moduleHotfixes = false;
  let baseurl: string[] = [];
  let metalink: string | undefined;
  let mirrorlist: string | undefined;
  let gpgkey: string[] = [];
  let priority = 99;
  let cost = 1000;
  let excludepkgs: string[] = [];
  let includepkgs: string[] = [];
  const proxyOptions: DnfProxyOptions = {};
  const access: DnfAccessOptions = { ...main.access };

  for (const entry of section.entries) {
    const text = valueText(entry, ctx.vars);
    const where = { file, line: entry.line };
    const bool = (): boolean | null => {
      const value = parseDnfBool(text);
      if (value === null) warn(`repo ${id}: invalid value ${entry.key}=${text}: not a boolean; ignored`, where);
      return value;
    };
    const int = (): number | null => {
      const value = parseDnfInt(text);
      if (value === null) warn(`repo ${id}: invalid value ${entry.key}=${text}: not a number; ignored`, where);
      return value;
    };
    switch (entry.key) {
      case 'name':
        name = text;
        break;
      case 'enabled':
        enabled = bool() ?? enabled;
        break;
      case 'repo_gpgcheck':
        repoGpgcheck = bool() ?? repoGpgcheck;
        break;
      case 'skip_if_unavailable':
        skipIfUnavailable = bool() ?? skipIfUnavailable;
        break;
      case 'module_hotfixes':
        moduleHotfixes = bool() ?? moduleHotfixes;
        break;
      case 'baseurl':
        baseurl = parseDnfList(text);
        break;
      case 'metalink':
        metalink = text === '' ? undefined : text;
        break;
      case 'mirrorlist':
        mirrorlist = text === '' ? undefined : text;
        break;
      case 'gpgkey':
        gpgkey = parseDnfList(text);
        break;
      case 'priority':
        priority = int() ?? priority;
        break;
      case 'cost':
        cost = int() ?? cost;
        break;
      case 'exclude':
      case 'excludepkgs':
        excludepkgs = appendList(excludepkgs, text);
        break;
      case 'includepkgs':
        includepkgs = appendList(includepkgs, text);
        break;
      default:
        readProxyOption(proxyOptions, entry.key, text, `${file}:${entry.line}`);
        // Login and TLS options; the rest repoclash does not model (metadata_expire, type…).
        readAccessOption(access, entry.key, text, where, (message) => warn(`repo ${id}: ${message}`, where));
        break;
    }
  }

  if (baseurl.length === 0 && metalink === undefined && mirrorlist === undefined) {
    warn(`repo ${id}: no baseurl, metalink or mirrorlist; it cannot be crawled`, { file, line: section.line });
  }
  if (main.includepkgs.length > 0) {
    if (includepkgs.length === 0) includepkgs = [...main.includepkgs];
    else warn(`repo ${id}: has its own includepkgs and [main] has some too; using the repo's (dnf applies both)`, { file, line: section.line });
  }
  const localKeys = gpgkey.map((k) => keyFromFileUrl(k, ctx.root)).filter((k): k is string => k !== undefined);
  let signingKey: SigningKey | null = null;
  // dnf imports an https gpgkey on first use; repoclash does too, at crawl time (crawl/keys.ts).
  const remoteKey = gpgkey.find((k) => /^https?:\/\//.test(k));
  if (localKeys[0] !== undefined) signingKey = { file: localKeys[0] };
  else if (remoteKey !== undefined) signingKey = { url: remoteKey };
  if (localKeys.length > 1) warn(`repo ${id}: ${localKeys.length} local gpgkeys; only the first is used (${localKeys[0]})`, { file, line: section.line });
  if (repoGpgcheck && enabled && signingKey === null) {
    warn(`repo ${id}: repo_gpgcheck is on but no gpgkey is configured; repomd signatures cannot be checked`, { file, line: section.line });
  }

  const sectionHints = hintsFromComments(section.comments, (message, line) => warn(`repo ${id}: ${message}`, { file, line }));
  const { vendor, role } = deriveVendorAndRole({
    id,
    urls: [...baseurl, ...(metalink ? [metalink] : []), ...(mirrorlist ? [mirrorlist] : [])],
    sectionHints,
    fileHints: ctx.fileHints,
    os: ctx.os,
  });

  const repo: RpmRepoConfig = {
    format: 'rpm',
    id,
    name: name ?? id,
    vendor,
    role,
    enabled,
    signingKey,
    checkValidUntil: true,
    definedAt: { file, line: section.line },
    baseurl,
    priority,
    cost,
    excludepkgs: [...new Set([...main.excludepkgs, ...excludepkgs])],
    includepkgs,
    repoGpgcheck,
    moduleHotfixes,
    skipIfUnavailable,
  };
  if (metalink !== undefined) repo.metalink = metalink;
  if (mirrorlist !== undefined) repo.mirrorlist = mirrorlist;
  const proxy = repoProxy(main.proxy, proxyOptions);
  if (proxy !== undefined) repo.proxy = proxy;
  const repoAccess = dnfRepoAccess(access, ctx.root);
  if (repoAccess) repo.access = repoAccess;
  if (enabled && access.password && !access.username?.value) {
    warn(`repo ${id}: password= without username= is not used (dnf sends a login only with a username)`, access.password.at);
  }
  return repo;
}

function fileHintsOf(comments: readonly IniComment[], file: string, warn: Warn): RepoHints {
  return hintsFromComments(comments, (message, line) => warn(message, { file, line }));
}

/** Read the host's dnf configuration under `root` (see the file comment). */
export async function loadYumRepos(options: LoadYumReposOptions = {}): Promise<YumReposResult> {
  const root = path.resolve(options.root ?? '/');
  const strict = options.strict ?? true;
  const warnings: string[] = [];
  const warn: Warn = (message, where) => {
    if (!where) warnings.push(message);
    else warnings.push(`${where.file}${where.line !== undefined ? `:${where.line}` : ''}: ${message}`);
  };

  // [main]
  let mainDoc: IniDocument | null = null;
  let mainFile: string | null = null;
  for (const candidate of ['etc/dnf/dnf.conf', 'etc/yum.conf']) {
    const file = path.join(root, candidate);
    const text = await readIfExists(file);
    if (text === null) continue;
    mainDoc = parseIni(text, file);
    mainFile = file;
    break;
  }
  const main = readMain(mainDoc?.sections.find((s) => s.name === 'main'), mainFile, warn);

  // Variables
  const arch = options.arch ?? rpmArchFromMachine(os.machine());
  if (basearchOf(arch) === undefined) {
    if (options.arch !== undefined) throw new UsageError(`unknown rpm architecture "${arch}"`);
    warn(`this machine's architecture "${arch}" is unknown to dnf; $basearch stays unexpanded`);
  }
  const osRelease = await readOsRelease(root);
  const detected = osRelease ? releaseverFrom(osRelease) : undefined;
  const combined = combineDnfVars({
    env: varsFromEnv(options.env ?? process.env),
    files: await readVarsDirs(root, main.varsdir),
    ...(options.releasever !== undefined ? { releasever: options.releasever } : {}),
    ...(detected !== undefined ? { detectedReleasever: detected } : {}),
    arch,
  });
  const vars = combined.vars;
  for (const w of combined.warnings) warn(w);
  if (!vars.has('releasever')) warn('cannot detect the release version (no os-release VERSION_ID); $releasever stays unexpanded');

  // Repos: dnf.conf's own repo sections first, then the .repo files.
  const sources: { file: string; doc: IniDocument }[] = [];
  if (mainDoc && mainFile) sources.push({ file: mainFile, doc: mainDoc });
  for (const file of await listRepoFiles(root, options.reposdirs ?? main.reposdir)) {
    const text = await readIfExists(file);
    if (text === null) continue;
    try {
      sources.push({ file, doc: parseIni(text, file) });
    } catch (err) {
      if (strict || !(err instanceof ConfigError)) throw err;
      warn(`skipping this file: ${err.describe()}`, { file });
    }
  }

  const repos: RpmRepoConfig[] = [];
  const seen = new Map<string, RpmRepoConfig>();
  for (const { file, doc } of sources) {
    const ctx: RepoContext = { root, file, vars, main, os: osRelease, warn, fileHints: fileHintsOf(doc.headerComments, file, warn) };
    for (const { line, nextSection } of hintsAboveHeaders(doc)) {
      warn(`this repoclash hint is directly above [${nextSection}] but applies to the section before it; hints go below a section's header`, { file, line });
    }
    for (const section of doc.sections) {
      if (section.name === 'main') continue;
      const id = substituteDnfVars(section.name, vars);
      if (!REPO_ID.test(id)) {
        warn(`skipping repo [${section.name}]: bad id "${id}" (allowed: letters, digits, - _ . :)`, { file, line: section.line });
        continue;
      }
      const first = seen.get(id);
      if (first) {
        warn(`repo ${id} is defined again; keeping the first definition (${first.definedAt.file}:${first.definedAt.line})`, { file, line: section.line });
        continue;
      }
      const repo = buildRepo(id, section, ctx);
      seen.set(id, repo);
      repos.push(repo);
    }
  }

  const profile: ProfileConfig = {
    name: 'system',
    repos: repos.filter((r) => r.enabled).map((r) => r.id),
    format: 'rpm',
    arches: rpmCompatibleArches(arch),
    allowVendorChange: main.allowVendorChange,
    vendorSticky: false,
    aptPreferences: [],
    dnf: {
      installonlyPkgs: main.installonlyPkgs,
      modules: await readModuleStates(root, (message) => warn(message)),
      platform: platformStream(main.modulePlatformId ?? osRelease?.platformId),
      versionlock: await readVersionlockList(root, main, warn),
      mainExcludes: main.excludepkgs,
    },
    definedAt: { file: mainFile ?? path.join(root, 'etc/yum.repos.d') },
  };
  return { repos, main, profile, vars, warnings };
}
