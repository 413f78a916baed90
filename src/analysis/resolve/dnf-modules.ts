/**
 * dnf's modular filtering (libdnf setModuleExcludes, EL 8/9), as a pure function of the enabled
 * repos' modules.yaml, the host's module states (/etc/dnf/modules.d) and its platform:
 *
 * - A module's active stream: the one `state=enabled` names; else, unless `state=disabled`, the
 *   default stream from the repos' modulemd-defaults. A stream whose builds all require another
 *   platform than the host's (`requires: platform: [el9]`) cannot be activated.
 * - Every package (NEVRA) an active stream's builds list is visible.
 * - A package listed by an inactive stream is hidden.
 * - A package whose name, or one of whose provides, is the name of a binary package of an active
 *   stream is hidden too, unless the active stream lists it: an enabled or default stream hides
 *   the non-modular packages of its names from every other repo — except from repos with
 *   `module_hotfixes=1`, which modular filtering never touches.
 *
 * Not modelled: module-to-module requires (a stream needing another module's stream), demodularized
 * rpms, modulemd-obsoletes, and /etc/dnf/modules.defaults.d. Provides are known only as far as the
 * crawler keeps them (plain virtual names; see isKeptProvide).
 */
import type { DnfHostRules, RpmRepoConfig } from '../../config/types.js';
import type { ModuleStream } from '../../formats/rpm/modules.js';
import { parseNevra } from '../../formats/rpm/version.js';
import type { DnfRepoFacts } from '../../store/index.js';

export interface ModularCandidate {
  repoId: string;
  name: string;
  arch: string;
  epoch: number;
  version: string;
  release: string;
}

/** Why a candidate is hidden, or null when modular filtering leaves it visible. */
export type ModularFilter = (c: ModularCandidate, provides: readonly string[]) => string | null;

const nevraKey = (p: { name: string; epoch: number; version: string; release: string; arch: string }) => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;

/** Does a build's `requires: platform:` allow this host's platform stream? */
function platformAllows(build: ModuleStream, platform: string | null): boolean {
  if (build.requiresPlatform.length === 0) return true;
  if (platform === null) return false;
  // Any one dependencies entry may be satisfied; inside it, "-x" excludes x, an empty list is any.
  return build.requiresPlatform.some((streams) => {
    const positive = streams.filter((s) => !s.startsWith('-'));
    if (streams.includes(`-${platform}`)) return false;
    return positive.length === 0 || positive.includes(platform);
  });
}

/** The stream dnf activates for each module, with how it was chosen. */
function activeStreams(streams: readonly ModuleStream[], defaults: ReadonlyMap<string, string>, rules: DnfHostRules | undefined): Map<string, { stream: string; how: 'enabled' | 'default' }> {
  const out = new Map<string, { stream: string; how: 'enabled' | 'default' }>();
  for (const name of new Set(streams.map((s) => s.name))) {
    const state = rules?.modules.get(name);
    if (state?.state === 'disabled') continue;
    const chosen = state?.state === 'enabled' && state.stream !== null ? { stream: state.stream, how: 'enabled' as const } : defaults.has(name) ? { stream: defaults.get(name)!, how: 'default' as const } : null;
    if (chosen === null) continue;
    const builds = streams.filter((s) => s.name === name && s.stream === chosen.stream);
    if (builds.some((b) => platformAllows(b, rules?.platform ?? null))) out.set(name, chosen);
  }
  return out;
}

/**
 * The filter for one profile: `repos` are its enabled rpm repos (their modules count, and their
 * module_hotfixes flag exempts their packages), `facts` the repos' dnf facts.
 */
export function modularFilter(repos: ReadonlyMap<string, RpmRepoConfig>, facts: ReadonlyMap<string, DnfRepoFacts> | undefined, rules: DnfHostRules | undefined): ModularFilter | null {
  const streams: ModuleStream[] = [];
  const defaults = new Map<string, string>();
  for (const id of repos.keys()) {
    const modules = facts?.get(id)?.modules;
    if (!modules) continue;
    streams.push(...modules.streams);
    for (const d of modules.defaults) if (d.stream !== null && !defaults.has(d.module)) defaults.set(d.module, d.stream);
  }
  if (streams.length === 0) return null;

  const active = activeStreams(streams, defaults, rules);
  /** NEVRA → the stream (name:stream) that lists it; separately for active and inactive streams. */
  const included = new Map<string, string>();
  const excluded = new Map<string, string>();
  /** Binary package name → the active stream shipping it. */
  const activeNames = new Map<string, string>();
  for (const build of streams) {
    const chosen = active.get(build.name);
    const isActive = chosen !== undefined && chosen.stream === build.stream;
    const label = `${build.name}:${build.stream}`;
    for (const artifact of build.artifacts) {
      let nevra;
      try {
        nevra = parseNevra(artifact);
      } catch {
        continue; // an artifact dnf cannot parse matches nothing there either
      }
      const key = nevraKey(nevra);
      if (isActive) {
        included.set(key, label);
        if (nevra.arch !== 'src' && nevra.arch !== 'nosrc' && !activeNames.has(nevra.name)) activeNames.set(nevra.name, label);
      } else if (!excluded.has(key)) {
        excluded.set(key, label);
      }
    }
  }
  const how = (label: string) => active.get(label.slice(0, label.indexOf(':')))?.how ?? 'default';

  return (c, provides) => {
    if (repos.get(c.repoId)?.moduleHotfixes) return null;
    const key = nevraKey(c);
    if (included.has(key)) return null;
    const inactive = excluded.get(key);
    if (inactive !== undefined) return `modular filtering: part of module stream ${inactive}, which is not enabled`;
    const owner = activeNames.get(c.name) ?? provides.map((p) => activeNames.get(p)).find((l) => l !== undefined);
    if (owner !== undefined) return `modular filtering: module stream ${owner} (${how(owner)}) hides the other packages of its names`;
    return null;
  };
}
