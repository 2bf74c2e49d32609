/** A lazily filled cache of per-layer derived arrays (masks, values), dropped with the layer object. */
import type { Layer } from './layer.js';

/** A cache of values of type V per layer object, keyed by a string (network, seed, operand…). */
export function layerCache<V>(): <T extends V>(layer: Layer, key: string, make: () => T) => T {
  const cache = new WeakMap<Layer, Map<string, V>>();
  return <T extends V>(layer: Layer, key: string, make: () => T): T => {
    let m = cache.get(layer);
    if (!m) {
      m = new Map();
      cache.set(layer, m);
    }
    const hit = m.get(key);
    if (hit !== undefined) return hit as T;
    const v = make();
    m.set(key, v);
    return v;
  };
}
