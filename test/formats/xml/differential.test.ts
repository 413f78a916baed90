/**
 * Differential tests: our tokenizer against saxes (a conforming, namespace-aware SAX parser) on the
 * real captured primary.xml fixtures, on generated documents and on mutated ones. Same event
 * stream (names, namespace URIs, attributes, decoded text, CDATA) and the same accept/reject
 * verdict; where both reject, the same events up to where the first of them stopped.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { XmlTokenizer } from '../../../src/formats/xml/tokenizer.js';
import { chunked, saxesEvents, tokenize, type Outcome, type XmlEvent } from '../../support/xml-event-streams.js';
import { generateDocument, mutate } from '../../support/random-xml-documents.js';
import { seededRandom } from '../../support/seeded-random.js';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const fixtures = path.resolve(repoRoot, 'test', 'fixtures', 'rpm');

function primaryFixtures(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('primary.xml.gz')) found.push(full);
    }
  };
  walk(fixtures);
  return found.sort();
}

/**
 * Feeds both parsers the same chunks in lockstep and compares events as they become final (an
 * event is final once another follows it: text may still grow), so a 50 MB fixture never has its
 * whole event stream in memory. Returns the number of events compared.
 */
function compareStreaming(bytes: Uint8Array, chunkSize: number): number {
  const ours: XmlEvent[] = [];
  const theirs: XmlEvent[] = [];
  const push = (list: XmlEvent[], depth: number, event: XmlEvent): void => {
    const last = list[list.length - 1];
    if (event.kind === 'text') {
      if (depth === 0 || event.value === '') return;
      if (last?.kind === 'text') {
        last.value += event.value;
        return;
      }
    }
    list.push(event);
  };
  let ourDepth = 0;
  const tokenizer = new XmlTokenizer({
    openElement(e) {
      ourDepth++;
      const attributes: Array<[string, string]> = [];
      for (let k = 0; k < e.attributeCount; k++) attributes.push([e.attributeName(k).qname, e.attributeValue(k)]);
      push(ours, ourDepth, { kind: 'open', name: e.name.qname, uri: e.uri, attributes });
    },
    closeElement(name) {
      ourDepth--;
      push(ours, ourDepth, { kind: 'close', name: name.qname });
    },
    text: (value) => push(ours, ourDepth, { kind: 'text', value }),
    cdata: (value) => push(ours, ourDepth, { kind: 'cdata', value }),
  });
  let theirDepth = 0;
  const saxes = new SaxesParser({ xmlns: true });
  saxes.on('opentag', (tag) => {
    theirDepth++;
    push(theirs, theirDepth, { kind: 'open', name: tag.name, uri: tag.uri, attributes: Object.values(tag.attributes).map((a) => [a.name, a.value]) });
  });
  saxes.on('closetag', (tag) => {
    theirDepth--;
    push(theirs, theirDepth, { kind: 'close', name: tag.name });
  });
  saxes.on('text', (value) => push(theirs, theirDepth, { kind: 'text', value }));
  saxes.on('cdata', (value) => push(theirs, theirDepth, { kind: 'cdata', value }));
  saxes.on('error', (err) => {
    throw err;
  });
  const decoder = new TextDecoder();
  let compared = 0;
  const settle = (all: boolean): void => {
    const n = all ? Math.max(ours.length, theirs.length) : Math.min(ours.length, theirs.length) - 1;
    for (let k = 0; k < n; k++) {
      if (!isDeepStrictEqual(ours[k], theirs[k])) {
        throw new Error(`event #${compared + k} differs: ours ${JSON.stringify(ours[k])}, saxes ${JSON.stringify(theirs[k])}`);
      }
    }
    if (n > 0) {
      ours.splice(0, n);
      theirs.splice(0, n);
      compared += n;
    }
  };
  for (const chunk of chunked(bytes, chunkSize)) {
    tokenizer.write(chunk);
    saxes.write(decoder.decode(chunk, { stream: true }));
    settle(false);
  }
  tokenizer.end();
  saxes.write(decoder.decode());
  saxes.close();
  settle(true);
  return compared;
}

/** Both accept with the same events, or both reject with the same events before the first error. */
function expectAgreement(doc: Uint8Array, chunkSize: number, label: string): 'accepted' | 'rejected' {
  const ours = tokenize(chunked(doc, chunkSize));
  const theirs = saxesEvents([doc]);
  const verdict = (o: Outcome): string => (o.error === null ? 'accepted' : `rejected (${o.error.message})`);
  expect(verdict(ours).split(' ')[0], `${label}: ours ${verdict(ours)}, saxes ${verdict(theirs)}\n${new TextDecoder().decode(doc)}`).toBe(
    verdict(theirs).split(' ')[0],
  );
  if (ours.error === null) {
    expect(ours.events, label).toEqual(theirs.events);
    return 'accepted';
  }
  // Parsers notice an error at slightly different points (we see a whole tag at once, saxes a
  // character at a time), and the last event before it may be cut short: compare the rest.
  const common = Math.min(ours.events.length, theirs.events.length) - 1;
  expect(ours.events.slice(0, Math.max(0, common)), label).toEqual(theirs.events.slice(0, Math.max(0, common)));
  return 'rejected';
}

describe('differential: real primary.xml fixtures', () => {
  for (const file of primaryFixtures()) {
    it(`agrees with saxes on ${path.relative(fixtures, file)}`, () => {
      const bytes = gunzipSync(readFileSync(file));
      // An odd chunk size puts boundaries everywhere: inside names, values, UTF-8 sequences.
      const compared = compareStreaming(bytes, 65_521);
      expect(compared).toBeGreaterThan(100);
    });
  }

  it('agrees with saxes on a purldb fixture in 1- to 97-byte chunks', () => {
    const file = primaryFixtures().find((f) => f.includes('purldb'))!;
    const bytes = gunzipSync(readFileSync(file));
    for (const size of [1, 2, 7, 97]) expect(compareStreaming(bytes, size)).toBeGreaterThan(100);
  });
});

describe('differential: generated documents', () => {
  it('agrees with saxes on 300 random well-formed documents', () => {
    const random = seededRandom(0x5eed);
    for (let n = 0; n < 300; n++) {
      const doc = generateDocument(random);
      expect(expectAgreement(doc, 1 + Math.floor(random() * 40), `document #${n}`)).toBe('accepted');
    }
  });
});

describe('differential: mutated documents', () => {
  it('agrees with saxes on accept/reject for 1,500 mutants of generated documents', () => {
    const random = seededRandom(0xbad);
    const verdicts = { accepted: 0, rejected: 0 };
    for (let n = 0; n < 1500; n++) {
      const doc = mutate(generateDocument(random), random, 1 + Math.floor(random() * 3));
      verdicts[expectAgreement(doc, 1 + Math.floor(random() * 64), `mutant #${n}`)]++;
    }
    // The mutations must produce both outcomes, or this test proves little.
    expect(verdicts.rejected).toBeGreaterThan(300);
    expect(verdicts.accepted).toBeGreaterThan(100);
  });

  it('agrees with saxes on accept/reject for 300 mutants of a real primary.xml', () => {
    const file = primaryFixtures().find((f) => f.includes('purldb'))!;
    const original = gunzipSync(readFileSync(file));
    const random = seededRandom(0xf00d);
    const verdicts = { accepted: 0, rejected: 0 };
    for (let n = 0; n < 300; n++) {
      const doc = mutate(original, random, 1);
      verdicts[expectAgreement(doc, 4096, `fixture mutant #${n}`)]++;
    }
    expect(verdicts.rejected).toBeGreaterThan(50);
    expect(verdicts.accepted).toBeGreaterThan(10);
  });
});
