/**
 * The configuration model: repositories, the profiles (sets of repos enabled together on one kind
 * of host) and upgrade paths (ordered profiles). repos.yaml and the host's own config (yum .repo
 * files, apt sources) both load into these types, so the rest of the pipeline never cares where a
 * repo was defined.
 */
import type { PackageFormat } from '../formats/types.js';
import type { AptPin } from './apt-preferences.js';
import type { ProxySettings } from '../proxy-settings.js';

export type RepoRole = 'distro' | 'upstream' | 'third-party';

/** Where a setting was written, for messages that send the user to the right line. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export interface SigningKey {
  /** Path to an armoured or binary public key / keyring. */
  file?: string;
  /** An http(s) `gpgkey=` URL: fetched once into repoclash's keyring at crawl time (as dnf imports it). */
  url?: string;
  /** An ASCII-armoured key block given inline (deb822 `Signed-By:` as add-apt-repository writes it). */
  armored?: string;
  /** Fingerprints (hex, spaces removed, uppercase) any of which may sign. */
  fingerprints?: string[];
}

/**
 * One `machine` stanza of an apt auth.conf file (netrc format, apt_auth.conf(5)): the machine as
 * written (`[scheme://]host[:port][/path]`), matched per request URL by fetch/credentials.ts.
 */
export interface NetrcStanza {
  machine: string;
  login?: string;
  password?: string;
  /** Its `machine` token's line. */
  line: number;
}

/** One auth.conf file, its stanzas in file order. */
export interface NetrcFile {
  file: string;
  stanzas: NetrcStanza[];
}

/** A login given for the repo itself (dnf `username=`/`password=`, repos.yaml `username` + `password-env`/`password-file`). */
export interface RepoLogin {
  username: string;
  /** The password itself (host config files), or where to read it at crawl time (repos.yaml). */
  password: { value: string } | { env: string } | { file: string };
  definedAt: SourcePosition;
}

/** TLS trust for a repo's https requests (dnf ssl* options, apt Acquire::https::*). */
export interface RepoTls {
  /** PEM file of the CA(s) to trust instead of the system's. */
  caFile?: string;
  /** Verify the server's certificate chain (dnf sslverify, apt Verify-Peer). */
  verifyPeer: boolean;
  /** Verify that the certificate names the host (dnf sslverify, apt Verify-Host). */
  verifyHost: boolean;
  /** Client certificate and key (dnf sslclientcert/sslclientkey, apt SslCert/SslKey). */
  clientCert?: string;
  clientKey?: string;
  definedAt: SourcePosition;
}

/**
 * How a repo's requests authenticate and whom they trust. Never part of what is stored, hashed or
 * printed: the crawl hands it to the HTTP client only (crawl/access.ts).
 */
export interface RepoAccess {
  /** apt: auth.conf, then auth.conf.d/*.conf in name order, as apt reads them. */
  netrc?: NetrcFile[];
  login?: RepoLogin;
  tls?: RepoTls;
}

interface RepoCommon {
  /**
   * Unique id, also the repo's id in the store: the repos.yaml key; for the host's own repos what
   * the repo fetches (see repo-identity.ts), so hosts that share a store never share a history.
   */
  id: string;
  /** The host's name for it (the `[section]` of a .repo file, the derived apt id); shown instead of `id`. */
  label?: string;
  name?: string;
  /** The organisation that publishes the repo: "Fedora Project", "Grafana Labs". */
  vendor: string;
  role: RepoRole;
  enabled: boolean;
  /** null: no signature check configured. */
  signingKey: SigningKey | null;
  /** Reject metadata past its Valid-Until (Debian) — default true, as apt does. */
  checkValidUntil: boolean;
  /** Where this repo was defined. */
  definedAt: SourcePosition;
  /** How its requests reach it: apt.conf / dnf proxy settings, repos.yaml `proxy:`; absent: the environment (curl's rules). */
  proxy?: ProxySettings;
  /** Credentials and TLS trust, when the host config or repos.yaml gives any. */
  access?: RepoAccess;
}

export interface RpmRepoConfig extends RepoCommon {
  format: 'rpm';
  /** Already variable-expanded; tried in order (mirror failover). */
  baseurl: string[];
  metalink?: string;
  mirrorlist?: string;
  /** dnf priority: lower wins; default 99. */
  priority: number;
  /** dnf cost: lower wins among equal EVRs; default 1000. */
  cost: number;
  /** Globs (dnf's fnmatch style) of names dnf must not take from this repo. */
  excludepkgs: string[];
  /** When non-empty, only these globs are taken from this repo. */
  includepkgs: string[];
  /** Verify repomd.xml.asc against signingKey. */
  repoGpgcheck: boolean;
  moduleHotfixes: boolean;
  skipIfUnavailable: boolean;
}

export interface DebRepoConfig extends RepoCommon {
  format: 'deb';
  /** Archive root, e.g. `http://mirror/debian/`. */
  uri: string;
  /** Suite or codename (`bookworm-updates`); for a flat repo the directory (`./`, `sub/`). */
  suite: string;
  /** Empty for a flat repo. */
  components: string[];
  architectures: string[];
  flat: boolean;
  /**
   * An explicit apt pin priority for everything from this repo (what a preferences stanza with
   * `Pin: release …` for it would say); undefined → apt's defaults (500 / 1 / 100 / 990).
   */
  pinPriority?: number;
  /** `trusted=yes` in sources: apt skips signature checks. */
  trusted: boolean;
  /**
   * Set for the host's own apt sources: the vendor is not configured but read from the repo's
   * Release `Origin` when it is crawled (apt's own notion of who publishes it: what `o=` pins and
   * `apt-cache policy` show). `vendor`/`role` above are placeholders until then. `distroId` is
   * the host's os-release ID: a repo whose Origin is that name is the distro's own.
   */
  vendorFromRelease?: { distroId: string | null };
}

export type RepoConfig = RpmRepoConfig | DebRepoConfig;

/** A module's state in `/etc/dnf/modules.d/NAME.module` (libdnf's ModuleState). */
export interface DnfModuleState {
  /** `stream=`; null when empty. */
  stream: string | null;
  /** `state=`: enabled, disabled, or '' (nothing chosen: the default stream applies). */
  state: 'enabled' | 'disabled' | '';
}

/** What a dnf host adds to a profile: the rules that depend on its own configuration and state. */
export interface DnfHostRules {
  /** `installonlypkgs=` of dnf.conf: names or provides appended to dnf's default list. */
  installonlyPkgs: string[];
  /** The module states under /etc/dnf/modules.d, by module name. */
  modules: Map<string, DnfModuleState>;
  /** The platform stream (`el9` of `platform:el9`): dnf.conf `module_platform_id`, else os-release `PLATFORM_ID`. */
  platform: string | null;
  /** The versionlock plugin's lock list, as written (`grafana-0:10.2.3-1.*`, `!foo-2.0*`); empty without the plugin. */
  versionlock: string[];
  /**
   * dnf.conf [main] `exclude=` / `excludepkgs=` (also in every repo's excludepkgs): dnf applies
   * them to the installed packages too, and leaves an installed package they match alone.
   */
  mainExcludes?: string[];
}

export interface ProfileConfig {
  name: string;
  /** Repo ids, in the order the package manager loads them (dnf's tie-breaker). */
  repos: string[];
  format: PackageFormat;
  /** Compatible architectures, most preferred first (rpm: x86_64, noarch; deb: amd64, all). */
  arches: string[];
  /** dnf allow_vendor_change (default true, as in dnf4 and dnf5). */
  allowVendorChange: boolean;
  /** zypper-style vendor stickiness even for new installs. */
  vendorSticky: boolean;
  /** apt: APT::Default-Release (gets priority 990). */
  defaultRelease?: string;
  /** apt hosts (`--system` on a deb host): how apt treats phased updates there. */
  aptPhasing?: AptPhasing;
  /** apt preferences that apply on this host (deb profiles). */
  aptPreferences: AptPin[];
  /** dnf hosts (`--system` on an rpm host): install-only packages and module states. */
  dnf?: DnfHostRules;
  definedAt: SourcePosition;
}

/** How an apt host decides on phased updates (its apt.conf), and who it is. */
export interface AptPhasing {
  /** APT::Machine-ID, else the root's etc/machine-id; null: none (apt then takes every phased update). */
  machineId: string | null;
  /**
   * `draw` (apt's default), `always` (APT::Get::Always-Include-Phased-Updates, or
   * APT::Get::Phase-Policy), `never` (APT::Get::Never-Include-Phased-Updates).
   */
  policy: 'draw' | 'always' | 'never';
}

export interface UpgradePathConfig {
  name: string;
  /** Profile names, oldest release first. */
  profiles: string[];
  definedAt: SourcePosition;
}

export interface EmailConfig {
  host: string;
  port: number;
  /** 'tls' (implicit, port 465), 'starttls' (required), 'none' (plain; loopback only). */
  security: 'tls' | 'starttls' | 'none';
  user?: string;
  /** Name of an environment variable holding the password. */
  passwordEnv?: string;
  /** Path of a file holding the password. */
  passwordFile?: string;
  from: string;
  to: string[];
  /** Extra CA certificate (PEM) to trust, e.g. a self-signed relay. */
  caFile?: string;
}

/** `store:` in repos.yaml: the store's location (overridden by --db) and where its password is. */
export interface StoreConfig {
  /** A file path or a postgres:// URL (no password in it). */
  url: string;
  /** Name of an environment variable holding the password. */
  passwordEnv?: string;
  /** Path of a file holding the password. */
  passwordFile?: string;
}

/** A repos.yaml repo left out because its location needs a host variable this host lacks. */
export interface SkippedRepo {
  id: string;
  /** The variable's name without `$`: `debian_mirror`. */
  variable: string;
  definedAt: SourcePosition;
}

export interface Config {
  /** The file it came from ('(system)' for host imports). */
  file: string;
  repos: Map<string, RepoConfig>;
  /** repos.yaml repos skipped for a missing host variable (never an error: see repos-yaml.ts). */
  skippedRepos?: SkippedRepo[];
  profiles: Map<string, ProfileConfig>;
  upgradePaths: UpgradePathConfig[];
  /** Groups of vendor names that are one organisation ("CentOS" ~ "Red Hat, Inc."). */
  vendorEquivalences: string[][];
  /** distro name → upstream names that are the same software (e.g. golang → go). */
  aliases: Map<string, string[]>;
  email?: EmailConfig;
  store?: StoreConfig;
  /**
   * `upstreams:` — distro package (or source package) name → release feed (`github:owner/repo`,
   * `npm:name`, …), overriding or adding to the automatic mapping. Validated as feed keys.
   */
  upstreams?: Map<string, string>;
  /** `upstream-sources:` — API roots of the release sources, and Anitya's distribution mapping. */
  upstreamSources?: UpstreamSourcesConfig;
}

export interface UpstreamSourcesConfig {
  /** Source kind → API root URL (npm, github, gitlab, pypi, crates, cpan, anitya). */
  urls: Record<string, string>;
  /** Anitya distribution whose package names map unmapped packages (e.g. "Fedora"); off when absent. */
  anityaDistribution?: string;
}
