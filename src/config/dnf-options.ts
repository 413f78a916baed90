/**
 * How libdnf turns an option's text into a value (OptionBool, OptionNumber, OptionStringList).
 * Each parser returns null for text libdnf rejects; dnf then logs "Invalid configuration value"
 * and keeps the option's previous value, and so does the caller here.
 */

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'false', 'off']);

/** `1/yes/true/on`, `0/no/false/off`, any case; anything else (even empty) is invalid. */
export function parseDnfBool(text: string): boolean | null {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/**
 * An integer the way libdnf reads one (std::stol semantics): leading blanks, a sign, digits;
 * anything after the digits is ignored (`7x` → 7, as dnf 4.14 does). No digits → invalid.
 */
export function parseDnfInt(text: string): number | null {
  const m = /^\s*([+-]?\d+)/.exec(text);
  if (!m) return null;
  const n = Number.parseInt(m[1] as string, 10);
  return Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
}

/**
 * A list option: items separated by spaces, commas or newlines; empty items are dropped (current
 * libdnf; 0.69 kept an empty item for `a,,b`, which names nothing). Tabs do not separate.
 */
export function parseDnfList(text: string): string[] {
  return text.split(/[ ,\n]+/).filter((item) => item !== '');
}

/**
 * Whether setting an "append" list option (excludepkgs, includepkgs) with this text replaces the
 * list instead of adding to it: libdnf replaces when the value is empty or its first item is
 * empty (a leading comma: `excludepkgs=,foo`).
 */
export function replacesAppendList(text: string): boolean {
  return /^ *(,|$)/.test(text.replace(/\n/g, ' '));
}

/** dnf 4's default `installonlypkgs` (libdnf ConfigMain): names or provides, matched as provides. */
export const DNF_DEFAULT_INSTALLONLYPKGS: readonly string[] = [
  'kernel',
  'kernel-PAE',
  'installonlypkg(kernel)',
  'installonlypkg(kernel-module)',
  'installonlypkg(vm)',
  'multiversion(kernel)',
];

/**
 * Whether the crawler keeps a provide of package `pkgName` for dnf's rules: install-only provides
 * (the defaults and the whole `installonlypkg(…)` / `multiversion(…)` families) and plain virtual
 * names (`postgresql-server` provided by postgresql16-server, `runc` by containerd.io), which
 * modular filtering hides when an active module stream ships a package of that name. Capability
 * provides (`perl(…)`, sonames, file paths) and the package's own name are not stored: a repo has
 * hundreds of thousands of them and no rule here reads them.
 */
export function isKeptProvide(name: string, pkgName: string): boolean {
  if (DNF_DEFAULT_INSTALLONLYPKGS.includes(name) || name.startsWith('installonlypkg(') || name.startsWith('multiversion(')) return true;
  return name !== pkgName && !/[()/\s]/.test(name) && !name.includes('.so');
}
