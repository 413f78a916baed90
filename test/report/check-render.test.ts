/** XML escaping for the JUnit output: whatever package metadata holds must stay well-formed XML. */
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { xmlEscape } from '../../src/report/check-render.js';

function roundTrip(value: string): string {
  const parser = new SaxesParser();
  let attr = '';
  let text = '';
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => (attr = String(t.attributes.a)));
  parser.on('text', (t) => (text += t));
  parser.write(`<x a="${xmlEscape(value)}">${xmlEscape(value)}</x>`).close();
  // Attribute and character data carry the same characters.
  expect(text).toBe(attr);
  return text;
}

describe('xmlEscape', () => {
  it('round-trips the special characters through a conforming parser', () => {
    expect(roundTrip(`a & b <c> "d" 'e' ]]> f`)).toBe(`a & b <c> "d" 'e' ]]> f`);
  });

  it('replaces characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE) with U+FFFD', () => {
    expect(roundTrip('bell\u0007 nul\u0000 lone\ud800 ok\u{1f600} nonchar\ufffe')).toBe('bell\ufffd nul\ufffd lone\ufffd ok\u{1f600} nonchar\ufffd');
  });
});
