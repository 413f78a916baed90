/**
 * dnf repo variables: the expansion rules and where the values come from.
 *
 * Expansion follows current libdnf's ConfigParser::substitute (read from its source):
 * - `$name` and `${name}`; a name is the longest run of ASCII letters, digits and `_`.
 *   An unknown variable is left exactly as written (`$nope`, `${nope}`), so is a lone `$` and `$$`.
 * - `${name:-word}`: word when name is unset or empty, else the value.
 *   `${name:+word}`: word when name is set and non-empty, else nothing.
 *   word is itself expanded and may nest (`${a:-${b:-x}}`), up to 32 levels.
 *   `${name:x…}` with another mode character is left as written; a word without its closing
 *   `}` leaves the whole rest of the text as written (later variables included).
 * - `\x` yields `x` unexpanded (so `\$basearch` is the literal text `$basearch`).
 * - `releasever_major` / `releasever_minor`, when not set explicitly, are the parts of releasever
 *   before / after its first `.` (`9.4` → `9` / `4`; `40` → `40` / empty).
 * dnf 4.14 (libdnf 0.69, installed here) predates `${name:-word}`, `${name:+word}`, the releasever
 * parts and `\` escapes (it leaves `${…:…}` and the parts as written, and keeps a `\` while
 * expanding what follows it). Plain `$name` / `${name}` agree in both.
 *
 * Where values come from, lowest precedence first (dnf 4's Cli._read_conf_file order):
 *  1. environment: `DNF_VAR_name` → `name`, and `DNF0` … `DNF9` under their own names;
 *  2. variable files: each file in the varsdirs (default /etc/yum/vars then /etc/dnf/vars, so
 *     /etc/dnf/vars wins), file name = variable name, first line = value;
 *  3. releasever: the explicit option, else a `releasever` from 1–2 (e.g. a RHEL host pinning
 *     a minor release with /etc/dnf/vars/releasever), else the detected one;
 *  4. arch and basearch: the explicit option or the detected machine arch. As dnf.conf(5) says,
 *     neither can be overridden by env or files (dnf 4.14 in fact lets a vars file replace
 *     basearch; we follow the documented rule and report the attempt as a warning).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { dnfDirEntries } from './config-files.js';

export type DnfVars = ReadonlyMap<string, string>;

const MAX_DEPTH = 32;

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

function splitReleasever(releasever: string): [major: string, minor: string] {
  const dot = releasever.indexOf('.');
  return dot < 0 ? [releasever, ''] : [releasever.slice(0, dot), releasever.slice(dot + 1)];
}

function lookup(name: string, vars: DnfVars): string | undefined {
  const value = vars.get(name);
  if (value !== undefined) return value;
  if (name === 'releasever_major' || name === 'releasever_minor') {
    const releasever = vars.get('releasever');
    if (releasever === undefined) return undefined;
    const [major, minor] = splitReleasever(releasever);
    return name === 'releasever_major' ? major : minor;
  }
  return undefined;
}

/**
 * Expand `text` from position 0. At depth > 0 we are inside a `${name:±word}` word: a `}` ends it.
 * Returns the expansion and how many characters of `text` it consumed, or null at depth > 0 when
 * the word never closes (the caller then leaves the whole expression as written).
 */
function expand(text: string, vars: DnfVars, depth: number): { out: string; consumed: number } | null {
  if (depth > MAX_DEPTH) return null;
  let out = '';
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos] as string;
    if (ch === '}' && depth > 0) return { out, consumed: pos };
    if (ch === '\\') {
      // A trailing backslash stays; otherwise the next character is taken literally.
      if (pos + 1 >= text.length) {
        out += text.slice(pos);
        pos = text.length;
        break;
      }
      out += text[pos + 1];
      pos += 2;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      pos++;
      continue;
    }
    const braces = text[pos + 1] === '{';
    const nameStart = pos + (braces ? 2 : 1);
    let nameEnd = nameStart;
    while (isNameChar(text[nameEnd])) nameEnd++;
    const value = lookup(text.slice(nameStart, nameEnd), vars);

    if (!braces) {
      out += value ?? text.slice(pos, nameEnd);
      // `$` followed by a non-name character: keep the `$`, go on after it.
      pos = nameEnd === nameStart ? pos + 1 : nameEnd;
      continue;
    }
    const after = text[nameEnd];
    if (after === '}') {
      out += value ?? text.slice(pos, nameEnd + 1);
      pos = nameEnd + 1;
      continue;
    }
    if (after === ':') {
      // libdnf expands the word before looking at the mode; an unterminated word (or nesting too
      // deep) leaves everything from here on as written.
      const wordStart = nameEnd + 2;
      const word = wordStart < text.length ? expand(text.slice(wordStart), vars, depth + 1) : null;
      if (word === null) {
        if (depth > 0) return null;
        return { out: out + text.slice(pos), consumed: text.length };
      }
      const mode = text[nameEnd + 1];
      if (mode === '-' || mode === '+') {
        const unsetOrEmpty = value === undefined || value === '';
        if (mode === '-') out += unsetOrEmpty ? word.out : value;
        else out += unsetOrEmpty ? '' : word.out;
        pos = wordStart + word.consumed + 1;
        continue;
      }
      // Unknown mode (`${name:x…}`): keep `${name:` and go on scanning after the `:`.
      out += text.slice(pos, nameEnd + 1);
      pos = nameEnd + 1;
      continue;
    }
    // `${name` followed by anything else: keep it literally and go on after the name.
    out += text.slice(pos, nameEnd);
    pos = nameEnd;
  }
  if (depth > 0) return null;
  return { out, consumed: text.length };
}

/** Expand dnf variables in one config value (see the file comment for the rules). */
export function substituteDnfVars(text: string, vars: DnfVars): string {
  return (expand(text, vars, 0) as { out: string }).out;
}

/** dnf's arch → basearch table (dnf.rpm._BASEARCH_MAP). */
const BASEARCH_OF: Readonly<Record<string, readonly string[]>> = {
  aarch64: ['aarch64'],
  alpha: ['alpha', 'alphaev4', 'alphaev45', 'alphaev5', 'alphaev56', 'alphaev6', 'alphaev67', 'alphaev68', 'alphaev7', 'alphapca56'],
  arm: ['armv5tejl', 'armv5tel', 'armv5tl', 'armv6l', 'armv7l', 'armv8l'],
  armhfp: ['armv6hl', 'armv7hl', 'armv7hnl', 'armv8hl'],
  i386: ['i386', 'athlon', 'geode', 'i486', 'i586', 'i686'],
  ia64: ['ia64'],
  loongarch64: ['loongarch64'],
  mips: ['mips'],
  mipsel: ['mipsel'],
  mips64: ['mips64'],
  mips64el: ['mips64el'],
  noarch: ['noarch'],
  ppc: ['ppc'],
  ppc64: ['ppc64', 'ppc64iseries', 'ppc64p7', 'ppc64pseries'],
  ppc64le: ['ppc64le'],
  riscv32: ['riscv32'],
  riscv64: ['riscv64'],
  riscv128: ['riscv128'],
  s390: ['s390'],
  s390x: ['s390x'],
  sh3: ['sh3'],
  sh4: ['sh4', 'sh4a'],
  sparc: ['sparc', 'sparc64', 'sparc64v', 'sparcv8', 'sparcv9', 'sparcv9v'],
  x86_64: ['x86_64', 'amd64', 'ia32e'],
};

const BASEARCH_BY_ARCH: ReadonlyMap<string, string> = new Map(
  Object.entries(BASEARCH_OF).flatMap(([base, arches]) => arches.map((a) => [a, base] as const)),
);

/** basearch for an rpm arch (`i686` → `i386`, `armv7hl` → `armhfp`), undefined if dnf does not know it. */
export function basearchOf(arch: string): string | undefined {
  return BASEARCH_BY_ARCH.get(arch);
}

/**
 * The rpm arch for a `uname -m` machine name. Only 32-bit ARM differs: the kernel says `armv7l`,
 * and rpm/hawkey call a hard-float userland `armv7hl` (the only 32-bit ARM Fedora ever shipped).
 */
export function rpmArchFromMachine(machine: string): string {
  if (machine === 'armv7l' || machine === 'armv6l' || machine === 'armv8l') return machine.replace(/l$/, 'hl');
  return machine;
}

/** `DNF_VAR_name` and `DNF0`…`DNF9` from an environment, as dnf's Substitutions reads them. */
export function varsFromEnv(env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (/^DNF_VAR_[A-Za-z0-9_]+$/.test(key)) vars.set(key.slice('DNF_VAR_'.length), value);
    else if (/^DNF[0-9]$/.test(key)) vars.set(key, value);
  }
  return vars;
}

/**
 * Variables from files under `root`: every regular file in each dir (later dirs override earlier),
 * name = file name, value = its first line without the newline. Missing dirs are skipped.
 */
export async function readVarsDirs(root: string, dirs: readonly string[]): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  for (const dir of dirs) {
    const abs = path.join(root, dir);
    const names = await dnfDirEntries(abs);
    // dnf takes os.listdir order; sorting only matters if a dir held two files of one name (never).
    for (const name of names.sort()) {
      const file = path.join(abs, name);
      try {
        if (!(await stat(file)).isFile()) continue;
        const text = await readFile(file, 'utf8');
        const newline = text.indexOf('\n');
        vars.set(name, newline < 0 ? text : text.slice(0, newline));
      } catch {
        // Unreadable: dnf skips it too.
      }
    }
  }
  return vars;
}

export interface DnfVarSources {
  env: ReadonlyMap<string, string>;
  files: ReadonlyMap<string, string>;
  /** The --releasever equivalent. */
  releasever?: string;
  /** Used only when neither env nor files set releasever. */
  detectedReleasever?: string;
  arch: string;
}

/** Combine the sources in dnf's precedence (see the file comment). */
export function combineDnfVars(src: DnfVarSources): { vars: Map<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  const vars = new Map<string, string>();
  for (const [origin, source] of [['environment', src.env], ['vars file', src.files]] as const) {
    for (const [name, value] of source) {
      if (name === 'arch' || name === 'basearch') {
        warnings.push(`ignoring ${origin} variable ${name}=${value}: arch and basearch cannot be overridden`);
        continue;
      }
      vars.set(name, value);
    }
  }
  const releasever = src.releasever ?? vars.get('releasever') ?? src.detectedReleasever;
  if (releasever === undefined) vars.delete('releasever');
  else vars.set('releasever', releasever);
  const basearch = basearchOf(src.arch);
  vars.set('arch', src.arch);
  if (basearch !== undefined) vars.set('basearch', basearch);
  return { vars, warnings };
}
