/**
 * A validator for the subset of JSON Schema 2020-12 that schema/audit.schema.json uses, until ajv
 * is a devDependency. It refuses any keyword it does not implement, so the schema cannot quietly
 * grow past what the tests check.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const KEYWORDS = new Set([
  'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'minItems',
  'minimum', 'exclusiveMinimum', 'minLength', '$ref', 'oneOf', 'format',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

export function validate(root: Schema, value: unknown): string[] {
  const resolve = (ref: string): Schema => {
    const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
    const defs = root.$defs as Record<string, Schema> | undefined;
    const target = m ? defs?.[m[1]!] : undefined;
    if (!target) throw new Error(`unsupported or dangling $ref ${ref}`);
    return target;
  };
  const check = (schema: Schema, v: unknown, at: string, errors: string[]): void => {
    for (const k of Object.keys(schema)) {
      if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`validator does not implement keyword "${k}" (at ${at})`);
    }
    if (schema.$ref !== undefined) check(resolve(schema.$ref as string), v, at, errors);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => typeMatches(v, t))) {
        errors.push(`${at}: expected ${types.join('|')}, got ${typeOf(v)}`);
        return;
      }
    }
    if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
    if (schema.enum !== undefined && !(schema.enum as Json[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      errors.push(`${at}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
    }
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) errors.push(`${at}: ${v} < ${schema.minimum}`);
      if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) errors.push(`${at}: ${v} <= ${schema.exclusiveMinimum}`);
    }
    if (typeof v === 'string') {
      if (typeof schema.minLength === 'number' && v.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
      if (schema.format === 'date-time' && (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) || Number.isNaN(Date.parse(v)))) {
        errors.push(`${at}: not a date-time`);
      }
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
      if (schema.items !== undefined) v.forEach((item, i) => check(schema.items as Schema, item, `${at}[${i}]`, errors));
    }
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
      for (const [k, item] of Object.entries(obj)) {
        if (props[k]) check(props[k]!, item, `${at}.${k}`, errors);
        else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
      }
    }
    if (schema.oneOf !== undefined) {
      const passing = (schema.oneOf as Schema[]).filter((s) => {
        const own: string[] = [];
        check(s, v, at, own);
        return own.length === 0;
      }).length;
      if (passing !== 1) errors.push(`${at}: matches ${passing} of oneOf (need exactly 1)`);
    }
  };
  const errors: string[] = [];
  check(root, value, '$', errors);
  return errors;
}
