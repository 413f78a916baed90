/** The one interface every release source implements, and what it gets to work with. */
import type { JsonClient } from '../json-client.js';
import type { FeedOutcome, FeedRef, SourceKind } from '../types.js';

export interface SourceContext {
  json: JsonClient;
  /** The service's API root for this source, no trailing slash. */
  baseUrl: string;
  /** Pages followed at most for paginated APIs. */
  maxPages: number;
  /** Request headers to add (GitHub's token); never logged or stored. */
  authHeaders: Readonly<Record<string, string>>;
}

export interface ReleaseSource {
  readonly kind: SourceKind;
  /** The project's releases; `{ found: false }` when the source has no such project (HTTP 404). */
  releases(ref: FeedRef, ctx: SourceContext): Promise<FeedOutcome>;
}
