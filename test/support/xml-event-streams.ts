/**
 * Event streams of our tokenizer and of saxes in one comparable shape, for the unit and
 * differential tests. Text is merged across adjacent text events (parsers may split it anywhere)
 * and dropped outside the root element, where only whitespace can occur.
 */
import { SaxesParser } from 'saxes';
import { XmlError } from '../../src/errors.js';
import { XmlTokenizer, type XmlElement, type XmlName } from '../../src/formats/xml/tokenizer.js';

export type XmlEvent =
  | { kind: 'open'; name: string; uri: string; attributes: Array<[string, string]> }
  | { kind: 'close'; name: string }
  | { kind: 'text'; value: string }
  | { kind: 'cdata'; value: string };

export interface Outcome {
  events: XmlEvent[];
  /** The first error, or null when the document was accepted. */
  error: Error | null;
}

class Recorder {
  readonly events: XmlEvent[] = [];
  private depth = 0;

  open(name: string, uri: string, attributes: Array<[string, string]>): void {
    this.depth++;
    this.events.push({ kind: 'open', name, uri, attributes });
  }

  close(name: string): void {
    this.depth--;
    this.events.push({ kind: 'close', name });
  }

  text(value: string): void {
    if (this.depth === 0 || value === '') return;
    const last = this.events[this.events.length - 1];
    if (last?.kind === 'text') last.value += value;
    else this.events.push({ kind: 'text', value });
  }

  cdata(value: string): void {
    this.events.push({ kind: 'cdata', value });
  }
}

/** Runs our tokenizer over the chunks, capturing everything. */
export function tokenize(chunks: Iterable<Uint8Array>): Outcome {
  const recorder = new Recorder();
  const tokenizer = new XmlTokenizer({
    openElement(element: XmlElement) {
      const attributes: Array<[string, string]> = [];
      for (let k = 0; k < element.attributeCount; k++) {
        attributes.push([element.attributeName(k).qname, element.attributeValue(k)]);
      }
      recorder.open(element.name.qname, element.uri, attributes);
    },
    closeElement(name: XmlName) {
      recorder.close(name.qname);
    },
    text: (value) => recorder.text(value),
    cdata: (value) => recorder.cdata(value),
  });
  try {
    for (const chunk of chunks) tokenizer.write(chunk);
    tokenizer.end();
    return { events: recorder.events, error: null };
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    return { events: recorder.events, error: err };
  }
}

/** Runs saxes (namespace-aware) over the chunks, decoding UTF-8 as a stream; stops at its first error. */
export function saxesEvents(chunks: Iterable<Uint8Array>): Outcome {
  const recorder = new Recorder();
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => {
    const attributes: Array<[string, string]> = Object.values(tag.attributes).map((a) => [a.name, a.value]);
    recorder.open(tag.name, tag.uri, attributes);
  });
  parser.on('closetag', (tag) => recorder.close(tag.name));
  parser.on('text', (text) => recorder.text(text));
  parser.on('cdata', (cdata) => recorder.cdata(cdata));
  parser.on('error', (err) => {
    throw err;
  });
  const decoder = new TextDecoder('utf-8');
  try {
    for (const chunk of chunks) parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
    return { events: recorder.events, error: null };
  } catch (err) {
    return { events: recorder.events, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** Splits bytes into chunks of the given size (the last one shorter). */
export function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}
