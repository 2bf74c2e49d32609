/**
 * The one place energy is computed: action counts × per-action energies, plus
 * static power × time. Kinds only count; this prices.
 */
import type { ActionCount } from '../kinds/kind.js';
import { staticEnergyPj, type Picojoules, type Seconds } from '../core/units.js';
import { actionPj, type ComponentSpec } from './components.js';
import type { Technology } from './scale.js';

/** Energy of a layer or run, by component. */
export interface EnergyBreakdown {
  /** Dynamic energy per component (pJ). */
  dynamicPj: Record<string, Picojoules>;
  /** Static energy (pJ). */
  staticPj: Picojoules;
  /** Dynamic + static (pJ). */
  totalPj: Picojoules;
}

/** Prices `actions` against `components` at `tech`; adds `staticPowerMw` over `seconds`. */
export function price(
  actions: readonly ActionCount[],
  components: readonly ComponentSpec[],
  tech: Technology,
  staticPowerMw: number,
  seconds: Seconds,
): EnergyBreakdown {
  const byName = new Map(components.map((c) => [c.name, c]));
  const dynamicPj: Record<string, number> = {};
  for (const c of components) dynamicPj[c.name] = 0;
  for (const a of actions) {
    const comp = byName.get(a.component);
    if (!comp) throw new Error(`action on undeclared component "${a.component}"`);
    dynamicPj[a.component]! += a.count * actionPj(comp, a, tech) * (a.energyScale ?? 1);
  }
  const staticPj = staticEnergyPj(staticPowerMw, seconds);
  const totalPj = Object.values(dynamicPj).reduce((s, v) => s + v, 0) + staticPj;
  return { dynamicPj, staticPj, totalPj };
}
