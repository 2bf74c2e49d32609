/**
 * The registered architecture kinds. Explicit list, no import side effects:
 * adding a kind means adding its definition here.
 */
import type { CommonParams, KindDefinition } from './kind.js';
import { systolic } from './systolic/index.js';
import { sparseRow } from './sparse-row/index.js';
import { sparseInner } from './sparse-inner/index.js';
import { sparseOuter } from './sparse-outer/index.js';
import { multiPrecision } from './multi-precision/index.js';
import { bitfusion } from './bitfusion/index.js';
import { gpuSm } from './gpu-sm/index.js';

const kinds: readonly KindDefinition<CommonParams>[] = [
  systolic as unknown as KindDefinition<CommonParams>,
  multiPrecision as unknown as KindDefinition<CommonParams>,
  bitfusion as unknown as KindDefinition<CommonParams>,
  sparseInner as unknown as KindDefinition<CommonParams>,
  sparseRow as unknown as KindDefinition<CommonParams>,
  sparseOuter as unknown as KindDefinition<CommonParams>,
  gpuSm as unknown as KindDefinition<CommonParams>,
];

/** Every registered kind, in a stable order. */
export function allKinds(): readonly KindDefinition<CommonParams>[] {
  return kinds;
}

/** The kind named `name`, or undefined. */
export function findKind(name: string): KindDefinition<CommonParams> | undefined {
  return kinds.find((k) => k.kind === name);
}
