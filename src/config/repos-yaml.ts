/**
 * repos.yaml → Config. Validation is strict (unknown keys are errors: a typo in `excludepkgs`
 * silently changes who wins) and every message carries file:line:column.
 *
 * Variables: `$name` / `${name}` / `${name:-default}` in locations are expanded from, in order of
 * precedence, the repo's `vars`, the top-level `vars`, and the host variables the caller passes
 * (`debian_mirror` and `debian_security_mirror` come from the host's apt sources, so the shipped
 * file never names a mirror).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { PackageFormat } from '../formats/types.js';
import type {
  Config,
  DebRepoConfig,
  EmailConfig,
  StoreConfig,
  ProfileConfig,
  RepoAccess,
  RepoConfig,
  RepoRole,
  RpmRepoConfig,
  SigningKey,
  SkippedRepo,
  UpgradePathConfig,
  UpstreamSourcesConfig,
} from './types.js';
import { parsePreferences, type AptPin } from './apt-preferences.js';
import { YamlFile, type YamlValue } from './yaml-walk.js';
import type { CurlProxySettings } from '../proxy-settings.js';
import { withoutCredentials } from '../sanitize.js';

export type Variables = Record<string, string>;

export interface LoadOptions {
  /** Variables supplied by the host (lowest precedence). */
  hostVars?: Variables;
}

/**
 * Variables only a host can supply (read from its apt sources). A repo whose location needs one
 * this host lacks is not an error: an RPM host has no Debian mirror, and the shipped repos.yaml
 * must still load there. Such repos are skipped and listed in `Config.skippedRepos`.
 */
export const HOST_VARIABLE_NAMES: readonly string[] = ['debian_mirror', 'debian_security_mirror'];

/** Thrown inside readRepo when a location needs a host variable this host does not have. */
class MissingHostVariable extends Error {
  constructor(readonly variable: string) {
    super(`needs $${variable}`);
  }
}

const TOP_KEYS = ['version', 'vars', 'repos', 'profiles', 'upgrade-paths', 'vendor-equivalences', 'aliases', 'report', 'upstreams', 'upstream-sources', 'store', 'proxy'] as const;
const UPSTREAM_SOURCE_KEYS = ['npm', 'github', 'gitlab', 'pypi', 'crates', 'cpan', 'anitya', 'anitya-distribution'];
/** `github:owner/repo`, `gitlab:host/group/project`, `npm:name`, `pypi:name`, `crates:name`, `cpan:Dist`, `anitya:ID|Distro/name`. */
const FEED_KEY = /^(?:github:[^/\s]+\/[^/\s]+|gitlab:[^/\s]+(?:\/[^/\s]+){2,}|(?:npm|pypi|crates|cpan|anitya):\S+)$/;
const COMMON_REPO_KEYS = ['name', 'vendor', 'role', 'format', 'enabled', 'vars', 'signing-key', 'check-valid-until', 'proxy', 'username', 'password-env', 'password-file', 'password', 'ca-file'];
const RPM_KEYS = [...COMMON_REPO_KEYS, 'baseurl', 'metalink', 'mirrorlist', 'priority', 'cost', 'excludepkgs', 'includepkgs', 'repo-gpgcheck', 'module-hotfixes', 'skip-if-unavailable'];
const DEB_KEYS = [...COMMON_REPO_KEYS, 'uri', 'suite', 'components', 'architectures', 'flat', 'pin-priority', 'trusted'];
const PROFILE_KEYS = ['repos', 'arch', 'allow-vendor-change', 'vendor-sticky', 'default-release', 'apt-preferences'];
const ROLES: readonly RepoRole[] = ['distro', 'upstream', 'third-party'];
const FORMATS: readonly PackageFormat[] = ['rpm', 'deb'];

export function loadConfigFile(file: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read: ${(err as NodeJS.ErrnoException).message}`, { file });
  }
  return parseConfig(text, file, options);
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const yaml = new YamlFile(file, text);
  const top = yaml.root().fields(TOP_KEYS);
  const version = top.get('version');
  if (version?.present && version.integer() !== 1) version.fail('only version 1 is understood');
  const globalVars = readVars(top.get('vars'));

  const repos = new Map<string, RepoConfig>();
  const skippedRepos: SkippedRepo[] = [];
  const topProxy = readProxy(top.get('proxy'));
  for (const [id, value] of top.get('repos')?.entries() ?? []) {
    if (!/^[A-Za-z0-9._:-]+$/.test(id)) value.fail('repo ids may use letters, digits, ".", "_", ":" and "-"');
    try {
      repos.set(id, readRepo(id, value, { ...options.hostVars, ...globalVars }, topProxy));
    } catch (err) {
      if (!(err instanceof MissingHostVariable)) throw err;
      skippedRepos.push({ id, variable: err.variable, definedAt: value.position() });
    }
  }
  if (repos.size === 0 && skippedRepos.length === 0) (top.get('repos') ?? yaml.root()).fail('no repos defined');
  const skippedIds = new Set(skippedRepos.map((r) => r.id));

  const profiles = new Map<string, ProfileConfig>();
  const skippedProfiles = new Set<string>();
  for (const [name, value] of top.get('profiles')?.entries() ?? []) {
    const profile = readProfile(name, value, repos, skippedIds);
    // A profile made only of skipped repos is skipped with them (and any upgrade path through it).
    if (profile) profiles.set(name, profile);
    else skippedProfiles.add(name);
  }

  const upgradePaths: UpgradePathConfig[] = [];
  for (const [name, value] of top.get('upgrade-paths')?.entries() ?? []) {
    const names = value.strings();
    value.items().forEach((item, i) => {
      if (!profiles.has(names[i]!) && !skippedProfiles.has(names[i]!)) item.fail(`unknown profile "${names[i]}"`);
    });
    if (names.length < 2) value.fail('an upgrade path needs at least two profiles, oldest first');
    if (names.some((n) => skippedProfiles.has(n))) continue;
    upgradePaths.push({ name, profiles: names, definedAt: value.position() });
  }

  const vendorEquivalences = (top.get('vendor-equivalences')?.items() ?? []).map((group) => {
    const names = group.strings();
    if (names.length < 2) group.fail('a vendor equivalence lists at least two vendor names');
    return names;
  });

  const aliases = new Map<string, string[]>();
  for (const [name, value] of top.get('aliases')?.entries() ?? []) aliases.set(name, value.strings());

  const upstreams = new Map<string, string>();
  for (const [name, value] of top.get('upstreams')?.entries() ?? []) {
    const feed = value.string().trim();
    if (!FEED_KEY.test(feed)) value.fail(`"${feed}" is not a release feed (github:OWNER/REPO, gitlab:HOST/GROUP/PROJECT, npm:NAME, pypi:NAME, crates:NAME, cpan:DIST, anitya:ID)`);
    upstreams.set(name, feed);
  }
  const sourcesNode = top.get('upstream-sources');
  const upstreamSources: UpstreamSourcesConfig = { urls: {} };
  if (sourcesNode?.present) {
    const f = sourcesNode.fields(UPSTREAM_SOURCE_KEYS);
    for (const key of UPSTREAM_SOURCE_KEYS) {
      const v = f.get(key);
      if (!v?.present) continue;
      if (key === 'anitya-distribution') upstreamSources.anityaDistribution = v.string();
      else {
        const url = expandVariables(v, { ...options.hostVars, ...globalVars }).replace(/\/+$/, '');
        checkUrl(v, url);
        upstreamSources.urls[key] = url;
      }
    }
  }

  const report = top.get('report')?.fields(['email']);
  const emailNode = report?.get('email');
  const email = emailNode?.present ? readEmail(emailNode) : undefined;

  const storeNode = top.get('store');
  const store = storeNode?.present ? readStore(storeNode) : undefined;

  return { file, repos, skippedRepos, profiles, upgradePaths, vendorEquivalences, aliases, upstreams, upstreamSources, ...(email ? { email } : {}), ...(store ? { store } : {}) };
}

/** One note for all skipped repos: which variable they need and where it would come from. */
export function describeSkippedRepos(skipped: readonly SkippedRepo[]): string | null {
  if (skipped.length === 0) return null;
  const variables = [...new Set(skipped.map((r) => `$${r.variable}`))].join(', ');
  const file = skipped[0]!.definedAt.file;
  return `${file}: skipped ${skipped.length} repo${skipped.length === 1 ? '' : 's'} that need${skipped.length === 1 ? 's' : ''} ${variables}, which this host's apt sources do not provide (no Debian archive configured): ${skipped.map((r) => r.id).join(', ')}`;
}

function readVars(value: YamlValue | undefined): Variables {
  const vars: Variables = {};
  for (const [k, v] of value?.entries() ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) v.fail('variable names are letters, digits and "_"');
    vars[k] = v.string();
  }
  return vars;
}

/**
 * `proxy:` (top level, or a repo's own, which wins): an http:// or https:// proxy URL, or `direct`.
 * It takes the place dnf's `proxy=` has: without it the environment decides, by curl's rules.
 */
function readProxy(value: YamlValue | undefined): CurlProxySettings | undefined {
  if (!value?.present) return undefined;
  const text = value.string().trim();
  const at = value.position();
  const definedIn = `${at.file}:${at.line}`;
  if (text === 'direct') return { rules: 'curl', proxy: 'direct', definedIn };
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || (url.pathname !== '/' && url.pathname !== '')) {
    value.fail(`"${withoutCredentials(text)}" is not a proxy: an http:// or https:// URL (http://HOST:PORT), or direct`);
  }
  return { rules: 'curl', proxy: text, definedIn };
}

function readRepo(id: string, value: YamlValue, inherited: Variables, topProxy: CurlProxySettings | undefined): RepoConfig {
  // Read `format` first: it decides which keys are allowed.
  const format = value.entries().find(([key]) => key === 'format')?.[1];
  if (!format?.present) value.fail('"format" (rpm or deb) is required');
  const kind = format.oneOf(FORMATS);
  const f = value.fields(kind === 'rpm' ? RPM_KEYS : DEB_KEYS);
  const vars = { ...inherited, ...readVars(f.get('vars')) };
  const expand = (v: YamlValue) => expandVariables(v, vars);
  const required = (key: string) => {
    const v = f.get(key);
    if (!v?.present) value.fail(`"${key}" is required`);
    return v;
  };
  const common = {
    id,
    ...(f.get('name')?.present ? { name: f.get('name')!.string() } : {}),
    vendor: required('vendor').string(),
    role: required('role').oneOf(ROLES),
    enabled: f.get('enabled')?.present ? f.get('enabled')!.boolean() : true,
    signingKey: readSigningKey(f.get('signing-key')),
    checkValidUntil: f.get('check-valid-until')?.present ? f.get('check-valid-until')!.boolean() : true,
    definedAt: value.position(),
    ...proxyEntry(readProxy(f.get('proxy')) ?? topProxy),
    ...readRepoAccess(value, f),
  };
  if (kind === 'rpm') {
    const baseurlValue = f.get('baseurl');
    const baseurl = (baseurlValue?.isList ? baseurlValue.items() : baseurlValue?.present ? [baseurlValue] : []).map(expand);
    const metalink = f.get('metalink')?.present ? expand(f.get('metalink')!) : undefined;
    const mirrorlist = f.get('mirrorlist')?.present ? expand(f.get('mirrorlist')!) : undefined;
    if (baseurl.length === 0 && !metalink && !mirrorlist) value.fail('an rpm repo needs baseurl, metalink or mirrorlist');
    for (const url of baseurl) checkUrl(f.get('baseurl')!, url);
    const repo: RpmRepoConfig = {
      ...common,
      format: 'rpm',
      baseurl,
      ...(metalink ? { metalink } : {}),
      ...(mirrorlist ? { mirrorlist } : {}),
      priority: f.get('priority')?.present ? f.get('priority')!.integer(1, 99999) : 99,
      cost: f.get('cost')?.present ? f.get('cost')!.integer(0, 1_000_000) : 1000,
      excludepkgs: globList(f.get('excludepkgs')),
      includepkgs: globList(f.get('includepkgs')),
      repoGpgcheck: f.get('repo-gpgcheck')?.present ? f.get('repo-gpgcheck')!.boolean() : false,
      moduleHotfixes: f.get('module-hotfixes')?.present ? f.get('module-hotfixes')!.boolean() : false,
      skipIfUnavailable: f.get('skip-if-unavailable')?.present ? f.get('skip-if-unavailable')!.boolean() : false,
    };
    if (repo.repoGpgcheck && !repo.signingKey) f.get('repo-gpgcheck')!.fail('repo-gpgcheck needs a signing-key');
    return repo;
  }
  const uriValue = required('uri');
  const uri = expand(uriValue);
  checkUrl(uriValue, uri);
  const flat = f.get('flat')?.present ? f.get('flat')!.boolean() : false;
  const components = f.get('components')?.strings() ?? [];
  if (!flat && components.length === 0) value.fail('a deb repo needs components (or flat: true)');
  if (flat && components.length > 0) f.get('components')!.fail('a flat repo has no components');
  const repo: DebRepoConfig = {
    ...common,
    format: 'deb',
    uri: uri.endsWith('/') ? uri : `${uri}/`,
    suite: flat ? (f.get('suite')?.present ? expand(f.get('suite')!) : './') : expand(required('suite')),
    components,
    architectures: f.get('architectures')?.strings() ?? ['amd64'],
    flat,
    ...(f.get('pin-priority')?.present ? { pinPriority: f.get('pin-priority')!.integer(-32768, 32767) } : {}),
    trusted: f.get('trusted')?.present ? f.get('trusted')!.boolean() : false,
  };
  return repo;
}

function proxyEntry(proxy: CurlProxySettings | undefined): { proxy?: CurlProxySettings } {
  return proxy ? { proxy } : {};
}

/**
 * `username` with `password-env` or `password-file` (the password is read when the repo is crawled,
 * never written in repos.yaml), and `ca-file` (a PEM CA to trust for this repo's https instead of
 * the system's; relative to repos.yaml). Sent only to the repo's own locations (crawl/access.ts).
 */
function readRepoAccess(value: YamlValue, f: Map<string, YamlValue>): { access?: RepoAccess } {
  if (f.has('password')) f.get('password')!.fail('never put a password in repos.yaml: use password-env or password-file');
  const user = f.get('username');
  const passwordEnv = f.get('password-env');
  const passwordFile = f.get('password-file');
  if (!user?.present && (passwordEnv?.present || passwordFile?.present)) value.fail('password-env / password-file need a username');
  if (passwordEnv?.present && passwordFile?.present) passwordFile.fail('give password-env or password-file, not both');
  const access: RepoAccess = {};
  if (user?.present) {
    if (!passwordEnv?.present && !passwordFile?.present) user.fail('a username needs password-env or password-file');
    access.login = {
      username: user.string(),
      password: passwordEnv?.present ? { env: passwordEnv.string() } : { file: passwordFile!.string() },
      definedAt: user.position(),
    };
  }
  const caFile = f.get('ca-file');
  if (caFile?.present) access.tls = { caFile: caFile.string(), verifyPeer: true, verifyHost: true, definedAt: caFile.position() };
  return access.login || access.tls ? { access } : {};
}

function readSigningKey(value: YamlValue | undefined): SigningKey | null {
  if (!value?.present) return null;
  const f = value.fields(['file', 'fingerprint']);
  const key: SigningKey = {};
  if (f.get('file')?.present) key.file = f.get('file')!.string();
  if (f.get('fingerprint')?.present) {
    key.fingerprints = f.get('fingerprint')!.strings().map((s) => s.replace(/\s+/g, '').toUpperCase());
    for (const fp of key.fingerprints) if (!/^[0-9A-F]{16,64}$/.test(fp)) f.get('fingerprint')!.fail(`"${fp}" is not a hex fingerprint`);
  }
  if (!key.file && !key.fingerprints) value.fail('signing-key needs file or fingerprint');
  return key;
}

/** The profile, or null when every repo it names was skipped for a missing host variable. */
function readProfile(name: string, value: YamlValue, repos: Map<string, RepoConfig>, skippedIds: ReadonlySet<string>): ProfileConfig | null {
  const f = value.fields(PROFILE_KEYS);
  const repoList = f.get('repos');
  if (!repoList?.present) value.fail('"repos" is required');
  const allIds = repoList.strings();
  const allItems: YamlValue[] = repoList.items();
  const kept = allIds.map((id, i) => ({ id, item: allItems[i]! })).filter(({ id }) => !skippedIds.has(id));
  if (kept.length === 0 && allIds.length > 0) return null;
  const ids = kept.map((k) => k.id);
  const items = kept.map((k) => k.item);
  let format: PackageFormat | undefined;
  for (let i = 0; i < items.length; i++) {
    const item: YamlValue = items[i]!;
    const repo = repos.get(ids[i]!);
    if (!repo) throw item.yaml.error(item.node, `${item.path}: unknown repo "${ids[i]}"`);
    format ??= repo.format;
    if (repo.format !== format) throw item.yaml.error(item.node, `${item.path}: profile mixes ${format} and ${repo.format} repos`);
  }
  if (!format) throw repoList.yaml.error(repoList.node, `${repoList.path}: a profile needs at least one repo`);
  const arch = f.get('arch')?.present ? f.get('arch')!.string() : format === 'rpm' ? 'x86_64' : 'amd64';
  const prefs = f.get('apt-preferences');
  let aptPreferences: AptPin[] = [];
  if (prefs?.present) {
    if (format !== 'deb') prefs.fail('apt-preferences apply to deb profiles only');
    // A block scalar's text starts on the line after its `|` indicator.
    const offset = prefs.position().line ?? 0;
    aptPreferences = parsePreferences(prefs.string(), prefs.position().file).map((pin) => ({ ...pin, line: pin.line + offset }));
  }
  return {
    name,
    repos: ids,
    format,
    arches: compatibleArches(format, arch),
    allowVendorChange: f.get('allow-vendor-change')?.present ? f.get('allow-vendor-change')!.boolean() : true,
    vendorSticky: f.get('vendor-sticky')?.present ? f.get('vendor-sticky')!.boolean() : false,
    ...(f.get('default-release')?.present ? { defaultRelease: f.get('default-release')!.string() } : {}),
    aptPreferences,
    definedAt: value.position(),
  };
}

/** `store:` — where the store is (a file path or a postgres:// URL); a password only by reference, as for email. */
function readStore(value: YamlValue): StoreConfig {
  const f = value.fields(['url', 'password-env', 'password-file', 'password']);
  if (f.has('password')) f.get('password')!.fail('never put a password in repos.yaml: use password-env or password-file');
  const url = f.get('url');
  if (!url?.present) value.fail('"url" is required');
  return {
    url: url.string(),
    ...(f.get('password-env')?.present ? { passwordEnv: f.get('password-env')!.string() } : {}),
    ...(f.get('password-file')?.present ? { passwordFile: f.get('password-file')!.string() } : {}),
  };
}

function readEmail(value: YamlValue): EmailConfig {
  const f = value.fields(['host', 'port', 'security', 'user', 'password-env', 'password-file', 'from', 'to', 'ca-file', 'password']);
  if (f.has('password')) f.get('password')!.fail('never put a password in repos.yaml: use password-env or password-file');
  const need = (k: string) => {
    const v = f.get(k);
    if (!v?.present) value.fail(`"${k}" is required`);
    return v;
  };
  const security = f.get('security')?.present ? f.get('security')!.oneOf(['tls', 'starttls', 'none'] as const) : 'starttls';
  return {
    host: need('host').string(),
    port: f.get('port')?.present ? f.get('port')!.integer(1, 65535) : security === 'tls' ? 465 : 587,
    security,
    ...(f.get('user')?.present ? { user: f.get('user')!.string() } : {}),
    ...(f.get('password-env')?.present ? { passwordEnv: f.get('password-env')!.string() } : {}),
    ...(f.get('password-file')?.present ? { passwordFile: f.get('password-file')!.string() } : {}),
    ...(f.get('ca-file')?.present ? { caFile: f.get('ca-file')!.string() } : {}),
    from: need('from').string(),
    to: need('to').strings(),
  };
}

/** Architectures a host of `arch` installs from, most preferred first. */
export function compatibleArches(format: PackageFormat, arch: string): string[] {
  if (format === 'deb') return arch === 'all' ? ['all'] : [arch, 'all'];
  const multilib: Record<string, string[]> = {
    x86_64: ['x86_64', 'noarch'],
    aarch64: ['aarch64', 'noarch'],
    i686: ['i686', 'i586', 'i486', 'i386', 'noarch'],
    ppc64le: ['ppc64le', 'noarch'],
    s390x: ['s390x', 'noarch'],
  };
  return multilib[arch] ?? [arch, 'noarch'];
}

function globList(value: YamlValue | undefined): string[] {
  // dnf accepts comma- or space-separated lists in one string, and we accept YAML lists too.
  return (value?.strings() ?? []).flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
}

function checkUrl(value: YamlValue, url: string): void {
  if (!/^(https?|file):\/\//.test(url)) value.fail(`"${url}" is not an http(s):// or file:// URL`);
}

/** `$var`, `${var}`, `${var:-default}`; an unknown variable is an error here (unlike dnf) so typos show. */
function expandVariables(value: YamlValue, vars: Variables): string {
  const text = value.string();
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    if (HOST_VARIABLE_NAMES.includes(name)) throw new MissingHostVariable(name);
    value.fail(`unknown variable $${name}`);
  });
}
