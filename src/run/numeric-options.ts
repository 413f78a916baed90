/**
 * Every numeric command-line option is parsed here, once: a value that is not a plain number in the
 * option's range is a usage error naming the option and what was given (exit 2), never NaN or a
 * negative timeout handed on to the HTTP client or the analysis.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';

export interface NumberRule {
  /** Whole numbers only. */
  integer: boolean;
  min: number;
  max: number;
  /** How the error message describes a valid value: "a positive number of seconds". */
  what: string;
}

/** Request timeouts: fractions allowed; at most a day (Node's timers overflow past ~24.8 days). */
export const SECONDS: NumberRule = { integer: false, min: Number.MIN_VALUE, max: 86_400, what: 'a positive number of seconds (at most 86400)' };
/** Repos fetched at once. */
export const CONCURRENCY: NumberRule = { integer: true, min: 1, max: 64, what: 'a whole number from 1 to 64' };
/** Retries per request. */
export const RETRIES: NumberRule = { integer: true, min: 0, max: 20, what: 'a whole number from 0 to 20' };
/** Analysis windows in days. */
export const DAYS: NumberRule = { integer: true, min: 1, max: 36_500, what: 'a positive whole number of days' };

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** `text` as a number obeying `rule`, or a UsageError: `--timeout must be …, got "-5"`. */
export function parseNumberOption(flag: string, text: string, rule: NumberRule): number {
  // Plain digits only: Number() would accept '', ' 5', '0x10', '1e3' and 'Infinity'.
  const value = (rule.integer ? INTEGER : DECIMAL).test(text) ? Number(text) : NaN;
  if (!(value >= rule.min && value <= rule.max)) throw new UsageError(`${flag} must be ${rule.what}, got ${JSON.stringify(text)}`);
  return value;
}

/** A commander option whose value is parsed by parseNumberOption; the default is a number too. */
export function numberOption(flags: string, description: string, rule: NumberRule, defaultValue?: number): Option {
  const option = new Option(flags, description);
  if (defaultValue !== undefined) option.default(defaultValue);
  return option.argParser((text: string) => parseNumberOption(option.long ?? flags, text, rule));
}

