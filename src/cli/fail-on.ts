/** `--fail-on KINDS` of the commands that take a list of kinds (host, fleet): checked against the known ones. */
import { UsageError } from '../errors.js';

export function failOnKinds<K extends string>(given: readonly string[] | undefined, known: readonly K[], defaults: readonly K[]): K[] {
  if (!given || given.length === 0) return [...defaults];
  for (const k of given) if (!known.includes(k as K)) throw new UsageError(`--fail-on: unknown kind "${k}" (known: ${known.join(', ')})`);
  return given as K[];
}
