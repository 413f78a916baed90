/**
 * Which proxy, if any, one request goes through: the repo's proxy settings (in its package
 * manager's terms, src/proxy-settings.ts), the environment and the request URL in, a route out.
 * Pure, so the rules can be checked against apt and curl case by case.
 *
 * apt (methods/http.cc, 2.6): for an https URL the `Acquire::https::…` option is looked up first,
 * then `Acquire::http::…`. A per-host `Proxy::<host>` wins over the default `Proxy` (`DIRECT`: no
 * proxy); without either, `http_proxy` (and for https, `https_proxy` when set); finally, when
 * `no_proxy` is set and one of its comma-separated entries is a suffix of the host (plain string
 * suffix, no `*`), the request goes direct whatever was configured. apt reads only the lower-case
 * variables. `Acquire::http::Proxy-Auto-Detect` runs a program: repoclash does not run it.
 *
 * curl (dnf through librepo, and repoclash's own repos): a configured proxy, else `http_proxy`
 * for http (never `HTTP_PROXY`: a CGI header could set it), `https_proxy` or `HTTPS_PROXY` for
 * https, then `all_proxy` / `ALL_PROXY`; `no_proxy` (else `NO_PROXY`) bypasses any of them:
 * `*` alone matches every host, an entry matches the host itself and its subdomains (a leading
 * dot is ignored), an IPv4 entry may be a CIDR range.
 */
import type { AptProxySettings, CurlProxySettings, ProxySettings } from '../proxy-settings.js';
import { withoutCredentials } from '../sanitize.js';

/** The environment variables apt and curl read for proxies, as this process has them. */
export interface ProxyEnvironment {
  readonly [name: string]: string | undefined;
}

const ENVIRONMENT_NAMES = ['http_proxy', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'] as const;

/** The proxy variables of `env` (a snapshot: a run decides with the environment it started with). */
export function proxyEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): ProxyEnvironment {
  const picked: Record<string, string> = {};
  for (const name of ENVIRONMENT_NAMES) if (env[name] !== undefined) picked[name] = env[name]!;
  return picked;
}

export type ProxyRoute =
  | { kind: 'direct' }
  /** `url` may carry credentials (for the proxy only); `shown` never does. */
  | { kind: 'proxy'; url: URL; shown: string; from: string }
  /** A setting that names no usable proxy (a socks5h:// one, a typo): the request fails with this message. */
  | { kind: 'unusable'; message: string };

const DIRECT: ProxyRoute = { kind: 'direct' };

export function selectProxy(settings: ProxySettings, env: ProxyEnvironment, url: URL): ProxyRoute {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return DIRECT;
  return settings.rules === 'apt' ? aptRoute(settings, env, url) : curlRoute(settings, env, url);
}

/** A proxy as the user may see it: scheme, host and port, never credentials. */
export function describeRoute(route: ProxyRoute): string {
  return route.kind === 'proxy' ? `proxy ${route.shown} (from ${route.from})` : route.kind === 'direct' ? 'direct' : route.message;
}

function aptRoute(settings: AptProxySettings, env: ProxyEnvironment, url: URL): ProxyRoute {
  const host = bareHost(url);
  const tls = url.protocol === 'https:';
  const scopes = tls ? (['https', 'http'] as const) : (['http'] as const);
  let value: { text: string; from: string } | null = null;
  for (const scope of scopes) {
    const perHost = (scope === 'https' ? settings.httpsHosts : settings.httpHosts).get(host);
    if (perHost) {
      value = { text: perHost, from: `Acquire::${scope}::Proxy::${host} in ${settings.definedIn}` };
      break;
    }
  }
  if (value === null) {
    for (const scope of scopes) {
      const general = settings[scope];
      if (general) {
        value = { text: general, from: `Acquire::${scope}::Proxy in ${settings.definedIn}` };
        break;
      }
    }
  }
  if (value === null) {
    const httpsVar = tls ? env.https_proxy : undefined;
    if (httpsVar !== undefined) value = { text: httpsVar, from: 'https_proxy' };
    else if (env.http_proxy !== undefined) value = { text: env.http_proxy, from: 'http_proxy' };
  }
  if (env.no_proxy !== undefined && aptDomainListMatches(host, env.no_proxy)) return DIRECT;
  if (value === null || value.text === '' || value.text === 'DIRECT') return DIRECT;
  return proxyRoute(value.text, value.from, 80, null);
}

/** apt's CheckDomainList: does any comma-separated entry end the host (case-insensitive, no trimming)? */
export function aptDomainListMatches(host: string, list: string): boolean {
  const lower = host.toLowerCase();
  return list.split(',').some((entry) => entry !== '' && lower.endsWith(entry.toLowerCase()));
}

function curlRoute(settings: CurlProxySettings, env: ProxyEnvironment, url: URL): ProxyRoute {
  if (settings.proxy === 'direct') return DIRECT;
  const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
  if (noProxy !== undefined && curlNoProxyMatches(bareHost(url), noProxy)) return DIRECT;
  let value: { text: string; from: string } | null = settings.proxy ? { text: settings.proxy, from: settings.definedIn ?? 'the configuration' } : null;
  if (value === null) {
    const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] : ['http_proxy', 'all_proxy', 'ALL_PROXY'];
    const name = names.find((n) => nonEmpty(env[n]) !== undefined);
    if (name !== undefined) value = { text: env[name]!, from: name };
  }
  if (value === null) return DIRECT;
  const credentials = settings.username ? { username: settings.username, password: settings.password ?? '' } : null;
  // curl's default proxy port is 1080, whatever the scheme-less or http:// URL says nothing about.
  return proxyRoute(value.text, value.from, 1080, credentials);
}

/** curl's no_proxy rules (lib/noproxy.c): `*`, host names with their subdomains, IPv4 CIDR. */
export function curlNoProxyMatches(host: string, list: string): boolean {
  const entries = list.split(/[\s,]+/).filter((e) => e !== '');
  if (list.trim() === '*') return true;
  const name = host.toLowerCase().replace(/\.$/, '');
  const ipv4 = parseIpv4(name);
  for (const raw of entries) {
    const entry = raw.toLowerCase().replace(/^\./, '').replace(/\.$/, '');
    if (entry === '') continue;
    if (ipv4 !== null) {
      const [net, bits] = entry.split('/');
      const network = parseIpv4(net!);
      const prefix = bits === undefined ? 32 : Number(bits);
      if (network === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) continue;
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      if (((ipv4 & mask) >>> 0) === ((network & mask) >>> 0)) return true;
    } else if (name === entry || name.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/**
 * A proxy setting's text as a route. A value without a scheme is an http proxy (as curl reads
 * it); a port left out is the package manager's default (`defaultHttpPort`; 443 for https).
 * Credentials come from the URL, or from `credentials` (dnf's proxy_username / proxy_password).
 */
function proxyRoute(text: string, from: string, defaultHttpPort: number, credentials: { username: string; password: string } | null): ProxyRoute {
  const trimmed = text.trim();
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { kind: 'unusable', message: `the proxy set by ${from} is not a URL: ${withoutCredentials(trimmed)}` };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return { kind: 'unusable', message: `the proxy set by ${from} is not an http:// or https:// proxy (repoclash supports no other): ${withoutCredentials(trimmed)}` };
  }
  if (url.port === '') url.port = String(url.protocol === 'https:' ? 443 : defaultHttpPort);
  if (credentials !== null) {
    url.username = encodeURIComponent(credentials.username);
    url.password = encodeURIComponent(credentials.password);
  }
  return { kind: 'proxy', url, shown: `${url.protocol}//${url.host}`, from };
}

/** The host as apt and curl compare it: lower-case, IPv6 without brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
