/**
 * Technology scaling of dynamic energy from a table's node and voltage to a
 * design's. First-order (guess-level) rule: switched capacitance scales with
 * feature size and energy with CV², so E ∝ node · Vdd². It is a documented
 * approximation, not a fitted model; designs at a table's own node are unaffected.
 */
import type { Sourced } from './tables/provenance.js';

/** Target technology. */
export interface Technology {
  nodeNm: number;
  vdd: number;
}

/** Factor that scales an energy measured at (`fromNm`, `fromVdd`) to `to`. */
export function scaleFactor(fromNm: number, fromVdd: number, to: Technology): number {
  return (to.nodeNm / fromNm) * (to.vdd / fromVdd) ** 2;
}

/** A sourced energy scaled to `to`. */
export function scaled(entry: Sourced, to: Technology): number {
  return entry.value * scaleFactor(entry.nodeNm, entry.vdd, to);
}
