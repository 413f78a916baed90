/**
 * Typed reading of a YAML document with positions: every complaint says file:line:column. The
 * yaml package keeps node ranges; this turns them into the positions users see.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ConfigError } from '../errors.js';

export class YamlFile {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, merge: true, prettyErrors: false });
    const first = this.doc.errors[0];
    if (first) {
      const pos = this.lines.linePos(first.pos[0]);
      throw new ConfigError(first.message.split('\n')[0] ?? 'invalid YAML', { file, line: pos.line, column: pos.col });
    }
  }

  root(): YamlValue {
    return new YamlValue(this, this.doc.contents as Node | null, '(document)');
  }

  position(node: Node | null | undefined): { file: string; line?: number; column?: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file };
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  error(node: Node | null | undefined, message: string): ConfigError {
    return new ConfigError(message, this.position(node));
  }
}

/** One node with a path for messages (`repos.grafana.priority`). */
export class YamlValue {
  readonly node: Node | null;

  constructor(
    readonly yaml: YamlFile,
    node: Node | null,
    readonly path: string,
  ) {
    this.node = isAlias(node) ? ((node.resolve(yaml.doc) as Node | undefined) ?? null) : node;
  }

  /**
   * The map's pairs with YAML merge keys (`<<: *anchor`) applied: keys written here override the
   * merged ones, as YAML 1.1 merge semantics say.
   */
  private pairs(): Array<Pair<Node, Node | null>> {
    if (!isMap(this.node)) return [];
    const own: Array<Pair<Node, Node | null>> = [];
    const merged: Array<Pair<Node, Node | null>> = [];
    for (const pair of this.node.items as Array<Pair<Node, Node | null>>) {
      const isMerge = isScalar(pair.key) && (pair.key.value === '<<' || typeof pair.key.value === 'symbol');
      if (!isMerge) {
        own.push(pair);
        continue;
      }
      const sources = isSeq(pair.value) ? (pair.value.items as Node[]) : [pair.value];
      for (const source of sources) {
        const target = new YamlValue(this.yaml, source ?? null, this.path);
        if (!isMap(target.node)) throw this.yaml.error(pair.key, `${this.path}: "<<" must merge a mapping`);
        merged.push(...target.pairs());
      }
    }
    const ownKeys = new Set(own.map((p) => keyText(p.key)));
    const seen = new Set<string>();
    const result = [...own];
    for (const pair of merged) {
      const key = keyText(pair.key);
      if (ownKeys.has(key) || seen.has(key)) continue;
      seen.add(key);
      result.push(pair);
    }
    return result;
  }

  get present(): boolean {
    return this.node !== null && !(isScalar(this.node) && this.node.value === null);
  }

  fail(message: string): never {
    throw this.yaml.error(this.node, `${this.path}: ${message}`);
  }

  position() {
    return this.yaml.position(this.node);
  }

  /** Map entries in document order; the key node's position is used for errors about the key. */
  entries(): Array<[string, YamlValue]> {
    if (!this.present) return [];
    if (!isMap(this.node)) this.fail('expected a mapping');
    return this.pairs().map((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : this.yaml.error(pair.key, `${this.path}: keys must be plain strings`);
      if (key instanceof ConfigError) throw key;
      const valueNode = pair.value ?? pair.key;
      return [key, new YamlValue(this.yaml, pair.value === null ? null : valueNode, `${this.path}.${key}`)];
    });
  }

  /** Map lookup that rejects keys not in `allowed` (typos are the commonest config bug). */
  fields(allowed: readonly string[]): Map<string, YamlValue> {
    const out = new Map<string, YamlValue>();
    if (!this.present) return out;
    if (!isMap(this.node)) this.fail('expected a mapping');
    for (const pair of this.pairs()) {
      const key = keyText(pair.key);
      if (!allowed.includes(key)) {
        throw this.yaml.error(pair.key, `${this.path}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
      }
      out.set(key, new YamlValue(this.yaml, pair.value ?? null, this.path === '(document)' ? key : `${this.path}.${key}`));
    }
    return out;
  }

  get isList(): boolean {
    return isSeq(this.node);
  }

  items(): YamlValue[] {
    if (!this.present) return [];
    if (!isSeq(this.node)) this.fail('expected a list');
    return (this.node.items as Array<Node | null>).map((n, i) => new YamlValue(this.yaml, n, `${this.path}[${i}]`));
  }

  string(): string {
    if (!isScalar(this.node) || this.node.value === null || typeof this.node.value === 'object') this.fail('expected a string');
    return String(this.node.value);
  }

  /** A string or a list of strings. */
  strings(): string[] {
    if (!this.present) return [];
    if (isSeq(this.node)) return this.items().map((v) => v.string());
    return [this.string()];
  }

  integer(min = -Infinity, max = Infinity): number {
    const v = isScalar(this.node) ? this.node.value : undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) this.fail('expected a whole number');
    if (n < min || n > max) this.fail(`expected a number from ${min} to ${max}`);
    return n;
  }

  boolean(): boolean {
    const v = isScalar(this.node) ? this.node.value : undefined;
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === '1' || v === 'yes') return true;
    if (v === 0 || v === '0' || v === 'no') return false;
    this.fail('expected true or false');
  }

  oneOf<T extends string>(choices: readonly T[]): T {
    const s = this.string();
    if (!(choices as readonly string[]).includes(s)) this.fail(`expected one of ${choices.join(', ')}, got "${s}"`);
    return s as T;
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : '';
}
