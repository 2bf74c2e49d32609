/** A number taken from (or derived from) a published table, with where it came from. */
export interface Sourced {
  value: number;
  /** Unit of `value`. */
  unit: string;
  /** Process node the number was measured or modeled at, in nm. */
  nodeNm: number;
  /** Supply voltage of that measurement, in V. */
  vdd: number;
  /** Citation: paper, table, repository file. */
  source: string;
  /** Q quoted, D derived from quoted numbers (formula in `source`), U unverified recollection (a guess). */
  status: 'Q' | 'D' | 'U';
}
