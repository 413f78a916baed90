/**
 * What `apt-get upgrade` keeps back. apt-get upgrade (apt 2.6: APT::Upgrade with
 * FORBID_INSTALL_NEW_PACKAGES | FORBID_REMOVE_PACKAGES, i.e. pkgAllUpgradeNoNewPackages) marks
 * every installed package's candidate for installation WITHOUT its dependencies, then
 * pkgProblemResolver::ResolveByKeep un-marks ("keeps back") whatever that leaves broken:
 * - a candidate whose Depends / Pre-Depends no package of the resulting system satisfies (by name,
 *   or by a Provides of an installed or upgraded package): the package it needs is not installed,
 *   and upgrade installs nothing new;
 * - a candidate that Conflicts with / Breaks a package of the resulting system: upgrade removes
 *   nothing (NodeSource's nodejs Conflicts with Debian's npm);
 * - a candidate that leaves an installed package broken (its Depends no longer met, or its own
 *   Conflicts / Breaks now hit the new version): the upgrade that breaks it is kept back.
 * Keeping one package back can break another's upgrade, so this runs to a fixed point. An upgrade
 * that fixes another's problem in the same run (the broken package upgraded too) is no problem.
 * `apt-get dist-upgrade` / `full-upgrade` may install and remove, so it keeps back only what
 * that cannot mend: a Depends no candidate meets (an installed package at a version that does not
 * satisfy it, a name whose candidate does not), and what a held package blocks.
 *
 * Before all that, both commands hold back a phased update this machine is not in the phase of
 * (apt-phasing.ts): the package stays as if held, unless the move passes a security update.
 *
 * Pure: relations come in as the Packages / dpkg status text (null: unknown, so never a reason).
 */
import { compareDebVersions } from '../../formats/deb/version.js';
import { parseRelationField } from '../../formats/deb/relations.js';
import type { Relation } from '../../formats/types.js';
import type { DebRelationFields, StoredDebRelations } from '../../store/index.js';
import type { AptPhasing } from '../../config/types.js';
import type { Candidate, Resolution } from '../types.js';
import { ignoresPhasedVersion, phasingDraw } from './apt-phasing.js';

/** One version's relations as apt reads them: Pre-Depends count as Depends. */
interface AptRelations {
  depends: Relation[][];
  conflicts: Relation[];
  breaks: Relation[];
  provides: Relation[];
}

/** Parse the stored text; null when a field does not parse (then nothing is concluded from it). */
function aptRelationsOf(fields: DebRelationFields): AptRelations | null {
  try {
    const group = (text: string | null) => (text === null ? [] : parseRelationField(text));
    return {
      depends: [...group(fields.preDepends), ...group(fields.depends)],
      conflicts: group(fields.conflicts).flat(),
      breaks: group(fields.breaks).flat(),
      provides: group(fields.provides).flat(),
    };
  } catch {
    return null;
  }
}

/** `pkg:any`, `pkg:native`, `pkg:amd64`: the name apt looks up (one architecture modelled). */
function bareName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

function versionSatisfies(have: string, rel: Relation): boolean {
  if (rel.flags === undefined || rel.version === undefined) return true;
  const c = compareDebVersions(have, rel.version);
  switch (rel.flags) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
    default:
      return false;
  }
}

function relationText(rel: Relation): string {
  return rel.flags !== undefined && rel.version !== undefined ? `${rel.name} (${rel.flags} ${rel.version})` : rel.name;
}

/** One installed package: its installed version, and the version `apt-get upgrade` would install. */
interface UpgradeUnit {
  key: string;
  name: string;
  /** dpkg's selection is hold: no apt command changes or removes it. */
  held: boolean;
  installed: { evr: string; relations: AptRelations | null };
  target: { evr: string; relations: AptRelations | null } | null;
}

interface StateEntry {
  unit: UpgradeUnit;
  evr: string;
  relations: AptRelations | null;
  changed: boolean;
}

/** A system: every installed package at one version, looked up by name and by what it provides. */
class SystemState {
  private readonly byName = new Map<string, StateEntry[]>();
  private readonly providers = new Map<string, Array<{ entry: StateEntry; version: string | undefined }>>();

  constructor(readonly entries: readonly StateEntry[]) {
    for (const e of entries) {
      const list = this.byName.get(e.unit.name);
      if (list) list.push(e);
      else this.byName.set(e.unit.name, [e]);
      for (const p of e.relations?.provides ?? []) {
        const name = bareName(p.name);
        const provided = this.providers.get(name) ?? [];
        provided.push({ entry: e, version: p.flags === '=' ? p.version : undefined });
        this.providers.set(name, provided);
      }
    }
  }

  /** Packages matching one relation entry: real ones by name and version, virtual ones by Provides. */
  matches(rel: Relation): StateEntry[] {
    const name = bareName(rel.name);
    const out = (this.byName.get(name) ?? []).filter((e) => versionSatisfies(e.evr, rel));
    for (const p of this.providers.get(name) ?? []) {
      // An unversioned Provides satisfies only unversioned relations (dpkg and apt alike).
      const ok = rel.flags === undefined || (p.version !== undefined && versionSatisfies(p.version, rel));
      if (ok && !out.includes(p.entry)) out.push(p.entry);
    }
    return out;
  }

  nameOf(rel: Relation): StateEntry[] {
    return this.byName.get(bareName(rel.name)) ?? [];
  }
}

function staying(unit: UpgradeUnit): StateEntry {
  return { unit, evr: unit.installed.evr, relations: unit.installed.relations, changed: false };
}

function installedState(units: readonly UpgradeUnit[]): SystemState {
  return new SystemState(units.map(staying));
}

function stateWith(units: readonly UpgradeUnit[], kept: ReadonlyMap<string, string>): SystemState {
  return new SystemState(
    units.map((unit) => (unit.target === null || kept.has(unit.key) ? staying(unit) : { unit, evr: unit.target.evr, relations: unit.target.relations, changed: true })),
  );
}

function installedText(entries: readonly StateEntry[]): string {
  return entries.map((e) => `${e.unit.name} ${e.evr}`).join(', ');
}

/**
 * Which problems keep an upgrade back: `apt-get upgrade` installs and removes nothing, so any;
 * `full-upgrade` may install and remove, so only those a held package causes (it is neither
 * upgraded nor removed to make room).
 */
type Strictness = 'upgrade' | 'full-upgrade';

/**
 * The version full-upgrade would install of a name no installed package has: its candidate; null
 * when apt has none (every version pinned away); undefined for a name the profile does not ship as
 * a package (perhaps a virtual one some package provides: then it is taken as installable).
 */
export type CandidateOf = (name: string) => string | null | undefined;

/**
 * Whether full-upgrade can meet a Depends alternative the resulting system does not: by installing
 * the candidate of a name that is not installed. It installs candidates only, so an installed
 * package whose full-upgrade version does not satisfy it (held or not: apt never moves it to
 * another version than its candidate) cannot.
 */
function fullUpgradeCanMeet(rel: Relation, state: SystemState, candidateOf: CandidateOf): boolean {
  if (state.nameOf(rel).length > 0) return false;
  const candidate = candidateOf(bareName(rel.name));
  return candidate === undefined || (candidate !== null && versionSatisfies(candidate, rel));
}

/** Why the entry's new version cannot be installed without installing or removing something. */
function forwardProblem(e: StateEntry, state: SystemState, strictness: Strictness, candidateOf: CandidateOf): string | null {
  const rels = e.relations;
  if (rels === null) return null;
  for (const group of rels.depends) {
    if (group.some((rel) => state.matches(rel).length > 0)) continue;
    const present = group.flatMap((rel) => state.nameOf(rel));
    // full-upgrade installs what a Depends needs, when some alternative's candidate meets it.
    if (strictness === 'full-upgrade' && group.some((rel) => fullUpgradeCanMeet(rel, state, candidateOf))) continue;
    const text = group.map(relationText).join(' | ');
    const heldOnly = present.length > 0 && present.every((x) => x.unit.held);
    const why = strictness === 'upgrade' ? 'upgrade installs no new packages' : heldOnly ? 'it is held' : 'full-upgrade installs only candidates, and none satisfies it';
    return `${e.unit.name} ${e.evr} Depends: ${text}, ${present.length > 0 ? `but ${installedText(present)} would be there` : 'which is not installed'} (${why})`;
  }
  for (const [field, list] of [['Conflicts', rels.conflicts], ['Breaks', rels.breaks]] as const) {
    for (const rel of list) {
      // A package never conflicts with itself (nor with what it provides).
      const hits = state.matches(rel).filter((h) => h.unit.name !== e.unit.name && (strictness === 'upgrade' || h.unit.held));
      if (hits.length > 0) return `${e.unit.name} ${e.evr} ${field}: ${relationText(rel)}, and ${installedText(hits)} would stay installed (${strictness === 'upgrade' ? 'upgrade removes nothing' : 'it is held'})`;
    }
  }
  return null;
}

/**
 * The upgrades that leave this (unchanged) package broken although it was fine before: its
 * Depends no longer met, or its Conflicts / Breaks now hitting a new version.
 */
function reverseProblems(e: StateEntry, before: SystemState, after: SystemState): Array<{ culprit: StateEntry; why: string }> {
  const rels = e.relations;
  if (rels === null) return [];
  const out: Array<{ culprit: StateEntry; why: string }> = [];
  for (const group of rels.depends) {
    if (group.some((rel) => after.matches(rel).length > 0)) continue;
    const satisfiedBefore = group.flatMap((rel) => before.matches(rel));
    if (satisfiedBefore.length === 0) continue;
    const text = group.map(relationText).join(' | ');
    for (const old of satisfiedBefore) {
      const now = after.entries.find((x) => x.unit === old.unit)!;
      if (now.changed) out.push({ culprit: now, why: `installed ${e.unit.name} ${e.evr} Depends: ${text}, which ${now.unit.name} ${now.evr} would no longer satisfy` });
    }
  }
  for (const [field, list] of [['Conflicts', rels.conflicts], ['Breaks', rels.breaks]] as const) {
    for (const rel of list) {
      const hitBefore = new Set(before.matches(rel).map((h) => h.unit));
      for (const hit of after.matches(rel)) {
        // Broken before the upgrade too: not this upgrade's doing.
        if (!hit.changed || hit.unit.name === e.unit.name || hitBefore.has(hit.unit)) continue;
        out.push({ culprit: hit, why: `installed ${e.unit.name} ${e.evr} ${field}: ${relationText(rel)}` });
      }
    }
  }
  return out;
}

/** The upgrades `apt-get upgrade` (or full-upgrade) keeps back, by unit key, with why. */
function keptBackUpgrades(units: readonly UpgradeUnit[], strictness: Strictness = 'upgrade', candidateOf: CandidateOf = () => undefined): Map<string, string> {
  const kept = new Map<string, string>();
  const before = installedState(units);
  for (;;) {
    const state = stateWith(units, kept);
    const newly = new Map<string, string>();
    for (const e of state.entries) {
      if (e.changed) {
        const why = forwardProblem(e, state, strictness, candidateOf);
        if (why !== null) newly.set(e.unit.key, why);
      } else if (strictness === 'upgrade' || e.unit.held) {
        for (const p of reverseProblems(e, before, state)) if (!newly.has(p.culprit.unit.key)) newly.set(p.culprit.unit.key, p.why);
      }
    }
    if (newly.size === 0) return kept;
    for (const [key, why] of newly) kept.set(key, why);
  }
}

/** Relations of a version, looked up by repo, name, arch and version (see relationsKey). */
type RelationsLookup = (c: { repoId: string; name: string; arch: string; evr: string }) => AptRelations | null;

function relationsKey(c: { repoId: string; name: string; arch: string; evr: string }): string {
  return `${c.repoId}\t${c.name}\t${c.arch}\t${c.evr}`;
}

const MOVES = new Set(['upgrade', 'vendor-change', 'downgrade']);

/**
 * Apply apt-get upgrade's keeping back to the resolutions of an apt host: a kept-back package's
 * upgrade action becomes `kept-back` (it stays), with the move it would have made and why. The
 * full-upgrade verdict (syncAction) is kept back only for what a held package blocks (full-upgrade
 * installs and removes whatever else it needs). `installedRelations` gives the installed
 * versions' relations (the dpkg status, else the repos' copy of that version).
 */
function applyAptKeptBack(
  resolutions: readonly Resolution[],
  targetRelations: RelationsLookup,
  installedRelations: (r: Resolution) => AptRelations | null,
  phasedOut: ReadonlyMap<string, string> = new Map(),
): Resolution[] {
  const unitsFor = (column: 'upgrade' | 'sync'): UpgradeUnit[] => {
    const units: UpgradeUnit[] = [];
    for (const r of resolutions) {
      if (!r.installed) continue;
      const key = `${r.name}\t${r.arch}`;
      const [action, target] = column === 'upgrade' ? [r.upgradeAction, r.upgradeTo] : [r.syncAction, r.syncTo];
      // A phased-out package stays put and, like a held one, is neither upgraded nor removed to
      // make room (apt marks it kept and protects it from the resolver).
      const phased = phasedOut.has(key);
      const to: Candidate | null | undefined = MOVES.has(action ?? '') && !phased ? target : null;
      units.push({
        key,
        name: r.name,
        held: r.installed.held === true || phased,
        installed: { evr: r.installed.evr, relations: installedRelations(r) },
        target: to ? { evr: to.evr, relations: targetRelations(to) } : null,
      });
    }
    return units;
  };
  const kept = keptBackUpgrades(unitsFor('upgrade'));
  // What full-upgrade could install: the candidates of the names nothing installed has.
  const candidates = new Map(resolutions.filter((r) => !r.installed).map((r) => [r.name, r.winner?.evr ?? null]));
  const keptInSync = keptBackUpgrades(unitsFor('sync'), 'full-upgrade', (name) => candidates.get(name));
  if (kept.size === 0 && keptInSync.size === 0 && phasedOut.size === 0) return [...resolutions];
  return resolutions.map((r) => {
    if (!r.installed) return r;
    const key = `${r.name}\t${r.arch}`;
    let out = r;
    const phasedWhy = phasedOut.get(key);
    if (phasedWhy !== undefined) {
      if (r.upgradeTo && MOVES.has(r.upgradeAction ?? '')) out = { ...out, upgradeAction: 'kept-back', upgradeTo: null, keptBack: { wouldBe: r.upgradeAction!, to: r.upgradeTo, because: phasedWhy } };
      if (r.syncTo && MOVES.has(r.syncAction ?? '')) out = { ...out, syncAction: 'kept-back', syncTo: null, keptBack: out.keptBack ?? { wouldBe: r.syncAction!, to: r.syncTo, because: phasedWhy } };
      return out;
    }
    // apt's kept-back list is of upgrades: a downgrade (pin ≥ 1000) it cannot make is simply not
    // made, and not listed, so it stays where it is (`none`, which the host reads as stranded).
    const why = kept.get(key);
    if (why !== undefined && r.upgradeTo) {
      out = r.upgradeAction === 'downgrade' ? { ...out, upgradeAction: 'none', upgradeTo: null } : { ...out, upgradeAction: 'kept-back', upgradeTo: null, keptBack: { wouldBe: r.upgradeAction!, to: r.upgradeTo, because: why } };
    }
    const syncWhy = keptInSync.get(key);
    if (syncWhy !== undefined && r.syncTo) {
      out = r.syncAction === 'downgrade' ? { ...out, syncAction: 'none', syncTo: null } : { ...out, syncAction: 'kept-back', syncTo: null, keptBack: out.keptBack ?? { wouldBe: r.syncAction!, to: r.syncTo, because: syncWhy } };
    }
    return out;
  });
}

/**
 * applyAptKeptBack with the relations the store holds for the installed names' current versions.
 * The installed version's relations come from the dpkg status when it was read, else from a repo
 * carrying that version. A note says how many upgrades could not be checked because their
 * relations were stored before repoclash kept them (never guessed: such an upgrade stands).
 */
export function keepBackWithStoredRelations(
  resolutions: readonly Resolution[],
  stored: readonly StoredDebRelations[],
  phasing?: { host: AptPhasing; archiveOf: (repoId: string) => string | null },
): { resolutions: Resolution[]; notes: string[] } {
  const exact = new Map<string, StoredDebRelations>();
  const anyRepo = new Map<string, DebRelationFields>();
  for (const s of stored) {
    exact.set(relationsKey(s), s);
    if (s.fields !== null) anyRepo.set(`${s.name}\t${s.arch}\t${s.evr}`, s.fields);
  }
  const parsed = new Map<DebRelationFields, AptRelations | null>();
  const parse = (fields: DebRelationFields | null | undefined): AptRelations | null => {
    if (!fields) return null;
    if (!parsed.has(fields)) parsed.set(fields, aptRelationsOf(fields));
    return parsed.get(fields)!;
  };
  const phasedOut = phasing ? phasedOutUpgrades(resolutions, exact, phasing.host, phasing.archiveOf) : new Map<string, string>();
  const unknown = new Set<string>();
  const out = applyAptKeptBack(
    resolutions,
    (c) => {
      const s = exact.get(relationsKey(c));
      if (!s || s.fields === null) unknown.add(`${c.name} ${c.evr}`);
      return parse(s?.fields);
    },
    (r) => parse(r.installed!.relations ?? anyRepo.get(`${r.installed!.name}\t${r.installed!.arch}\t${r.installed!.evr}`)),
    phasedOut,
  );
  const notes =
    unknown.size === 0
      ? []
      : [
          `apt-get upgrade's kept-back check skipped ${unknown.size} new version${unknown.size === 1 ? '' : 's'} (${[...unknown].sort().slice(0, 5).join(', ')}${unknown.size > 5 ? ', …' : ''}): ` +
            'the store has no Depends/Conflicts/Breaks for them yet (stored before repoclash kept them; the repo\'s next changed crawl adds them)',
        ];
  return { resolutions: out, notes };
}

/**
 * The installed packages whose move apt leaves aside on this machine because the version it would
 * move to is phased (apt 2.6's upgrade and full-upgrade: a candidate with a Phased-Update-Percentage
 * below 100, this machine's draw above it, and no security update on the way), by unit key, with why.
 */
function phasedOutUpgrades(
  resolutions: readonly Resolution[],
  stored: ReadonlyMap<string, StoredDebRelations>,
  host: AptPhasing,
  archiveOf: (repoId: string) => string | null,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resolutions) {
    if (!r.installed) continue;
    const to = MOVES.has(r.upgradeAction ?? '') ? r.upgradeTo : MOVES.has(r.syncAction ?? '') ? r.syncTo : null;
    if (!to) continue;
    const row = stored.get(relationsKey(to));
    const percentage = row?.fields?.phasedUpdatePercentage ?? null;
    if (row === undefined || percentage === null || percentage >= 100) continue;
    const phased = { percentage, source: row.sourceName ?? to.name, sourceVersion: row.fields?.phasedSourceVersion ?? to.evr };
    if (!ignoresPhasedVersion(phased, host)) continue;
    if (passesSecurityUpdate(r, to.evr, archiveOf)) continue;
    const share =
      host.policy === 'never'
        ? 'APT::Get::Never-Include-Phased-Updates is set'
        : `this machine's draw is ${phasingDraw(phased.source, phased.sourceVersion, host.machineId!)}`;
    out.set(`${r.name}\t${r.arch}`, `${to.name} ${to.evr} is a phased update (${percentage}% of machines so far) and ${share}`);
  }
  return out;
}

/**
 * apt's exception to phasing: a version between the installed one and the phased candidate
 * (both excluded) comes from an archive whose Suite ends in `-security`, so the move carries a
 * security fix.
 */
function passesSecurityUpdate(r: Resolution, candidateEvr: string, archiveOf: (repoId: string) => string | null): boolean {
  const installed = r.installed!.evr;
  return r.ranked.some(({ candidate }) => {
    if (compareDebVersions(candidate.evr, candidateEvr) >= 0 || compareDebVersions(candidate.evr, installed) <= 0) return false;
    return archiveOf(candidate.repoId)?.endsWith('-security') === true;
  });
}
