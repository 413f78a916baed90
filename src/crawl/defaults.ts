/** The crawl's defaults that --help shows: a leaf module, so registering the options loads no crawler. */

/** Repos fetched at once. */
export const DEFAULT_CONCURRENCY = 8;
