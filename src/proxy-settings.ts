/**
 * What a repo's configuration says about proxies, in the terms of the package manager whose
 * configuration it came from. config/ fills it in (apt.conf, dnf.conf and .repo files, repos.yaml);
 * fetch/proxy.ts decides, per request URL and with the environment, whether and where a request
 * goes through a proxy. It lives here, beside the other common types, because both read it.
 */

/**
 * apt's settings (the host's apt sources): `Acquire::http::Proxy`, `Acquire::https::Proxy` (a URL
 * or `DIRECT`) and their per-host forms `Acquire::http(s)::Proxy::<host>`. Unset ones are absent.
 */
export interface AptProxySettings {
  rules: 'apt';
  http?: string;
  https?: string;
  /** `Acquire::http::Proxy::<host>` by lower-case host. */
  httpHosts: ReadonlyMap<string, string>;
  /** `Acquire::https::Proxy::<host>` by lower-case host. */
  httpsHosts: ReadonlyMap<string, string>;
  /** The apt.conf file(s) the proxy settings above were read from, for messages. */
  definedIn: string;
}

/**
 * libcurl's rules, which dnf (through librepo) and repoclash's own repos follow: a configured
 * proxy (dnf's `proxy=`, repos.yaml's `proxy:`) or, without one, the environment.
 */
export interface CurlProxySettings {
  rules: 'curl';
  /** A proxy URL, or `direct` (repos.yaml only); absent: the environment decides. */
  proxy?: string;
  /** dnf's `proxy_username=` / `proxy_password=`: sent to whatever proxy the repo uses. */
  username?: string;
  password?: string;
  /** Where the proxy (or its credentials) was set: `file:line`. */
  definedIn?: string;
}

export type ProxySettings = AptProxySettings | CurlProxySettings;

/** No configured proxy: curl's reading of the environment alone. */
export const ENVIRONMENT_ONLY: CurlProxySettings = { rules: 'curl' };
