/** The analysis defaults that --help shows: a leaf module, so registering the options loads no analysis. */

/** The observed ping-pong window in days. */
export const DEFAULT_WINDOW_DAYS = 90;
