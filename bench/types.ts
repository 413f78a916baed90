/** One row of the `npm run bench` table. */
export interface BenchRow {
  /** What was measured, e.g. "primary.xml parse (repoclash)". */
  name: string;
  value: number;
  unit: string;
  /** Input size, peer comparison, goal, or why a row was skipped. */
  note?: string;
}

/** A benchmark module's default export. */
export type Bench = () => Promise<BenchRow[]>;
