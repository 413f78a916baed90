/**
 * Output sanitising, in one place, applied by every renderer to what it is about to emit.
 *
 * Package names, summaries, homepages, HTTP reason phrases and .deb control fields come from
 * whoever answers for a repo. Written raw, they are terminal escape sequences (clear the screen,
 * set the title, write the clipboard with OSC 52), bidi overrides that make a line read other than
 * it is, or live markup in a markdown report. And repo URLs may carry `user:password`. So:
 *
 * - control characters (C0 but the newline and tab of our own layout, DEL, C1) and the bidi
 *   controls and line separators are shown as visible escapes (`\x1b`, `\u202e`);
 * - credentials in URLs are replaced (`https://user:***@host/`);
 * - markdown gets its inline syntax escaped per field; HTML keeps its entity escaping;
 * - JSON keeps every value: the same characters are written as `\uXXXX` escapes, which parse back
 *   to the same strings, so no raw control character reaches a terminal that shows the JSON.
 */

// C0 but tab and newline, DEL, C1, ALM, LRM/RLM, LRE…RLO, LRI…PDI, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// What JSON.stringify leaves raw but a terminal would act on (it escapes C0 itself).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/i;
const EVERY_CREDENTIALS = new RegExp(CREDENTIALS.source, 'gi');

/** `https://user:secret@host/` → `https://user:***@host/`; a bare user (a token) becomes `***`. */
export function redactCredentials(text: string): string {
  // No `@`, no credentials: most texts (every Homepage of a Packages index, ~63k a cold crawl)
  // skip the regular expression, which was ~10 ms of the crawl's main thread.
  if (!text.includes('@')) return text;
  return text.replace(EVERY_CREDENTIALS, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
  });
}

/** `text` without the `user:password@` of any URL in it: what may be stored, shown or logged (the store keys repos by it). */
export function withoutCredentials(text: string): string {
  return text.replace(EVERY_CREDENTIALS, '$1');
}

/** Control characters shown as escapes; newline and tab kept (the renderer's own layout). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_KEEP_LAYOUT, visible);
}

/** A multi-line text document for a terminal, a mail body or a .txt file. */
export function safeText(text: string): string {
  return escapeControls(redactCredentials(text));
}

/** One line (an error on stderr, a stored failure message): newlines become `\x0a` too. */
export function safeLine(text: string): string {
  return redactCredentials(text).replace(UNSAFE_ONE_LINE, visible);
}

/**
 * A value inside a markdown line: controls escaped, inline syntax (emphasis, code, links, tables,
 * HTML) defused. Block syntax cannot start: every line begins with the renderer's own prefix.
 */
export function markdownInline(text: string): string {
  return safeLine(text).replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

/** A value shown as inline code in markdown: a backtick cannot end the span early. */
export function markdownCode(text: string): string {
  return `\`${safeLine(text).replace(/`/g, "'")}\``;
}

/** HTML character data or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A finished HTML document: controls escaped, credentials redacted (its markup is ours). */
export function safeHtmlDocument(html: string): string {
  return safeText(html);
}

/** A value as JSON (pretty-printed, newline-terminated): credentials redacted, no raw controls. */
export function safeJson(value: unknown): string {
  // Every string with credentials in it also shows them in the serialised text (escaping only
  // adds backslashes, which the pattern allows), so a text without any needed no redaction: the
  // common case skips a replacer call per value (~20 ms of an audit's JSON).
  const plain = JSON.stringify(value, null, 2);
  const text = CREDENTIALS.test(plain) ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? redactCredentials(v) : v), 2) : plain;
  return text.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
