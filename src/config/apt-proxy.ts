/**
 * apt's proxy options, as its http method reads them (apt-transport-http(1)):
 * `Acquire::http::Proxy` and `Acquire::https::Proxy` (a URL or `DIRECT`), and per host
 * `Acquire::http::Proxy::<host>` / `Acquire::https::Proxy::<host>`. How they combine with the
 * environment is fetch/proxy.ts's job. `Acquire::http::Proxy-Auto-Detect` (and the older
 * `ProxyAutoDetect`) names a program apt runs per host: repoclash runs no program from a config
 * file, so a host that relies on it gets the other settings only.
 */
import path from 'node:path';
import type { AptProxySettings } from '../proxy-settings.js';
import { loadAptConfEntries } from './apt-conf.js';

/** The proxy settings of the root's apt.conf and apt.conf.d (all empty when none is set); `entries` when already read. */
export async function aptProxySettings(root = '/', entries?: ReadonlyMap<string, { value: string; file: string }>): Promise<AptProxySettings> {
  entries ??= await loadAptConfEntries(root);
  const settings: AptProxySettings = { rules: 'apt', httpHosts: new Map(), httpsHosts: new Map(), definedIn: path.join(root, 'etc/apt/apt.conf') };
  const files = new Set<string>();
  for (const scope of ['http', 'https'] as const) {
    const prefix = `acquire::${scope}::proxy`;
    const hosts = scope === 'http' ? (settings.httpHosts as Map<string, string>) : (settings.httpsHosts as Map<string, string>);
    for (const [key, { value, file }] of entries) {
      if (key === prefix) settings[scope] = value;
      else if (key.startsWith(`${prefix}::`)) hosts.set(key.slice(prefix.length + 2), value);
      else continue;
      files.add(file);
    }
  }
  if (files.size > 0) settings.definedIn = [...files].join(', ');
  return settings;
}
