/**
 * An on-chip buffer that keeps whole fibers (rows of B, rows of A, columns of
 * B) and evicts the least recently used: Gamma's FiberCache, ExTensor's
 * last-level buffer, SpArch's row prefetcher. Accesses come in the engine's
 * task order, so the bytes it fetches from DRAM do not depend on timing.
 * A fiber larger than the whole buffer is streamed past it (always a miss).
 */
export class FiberLru {
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly resident: Uint8Array;
  private head = -1;
  private tail = -1;
  private used = 0;
  /** Accesses, and those that missed. */
  accesses = 0;
  misses = 0;

  /**
   * @param capacityBytes buffer capacity (bytes)
   * @param fiberBytes size of each fiber (bytes), indexed by fiber id
   */
  constructor(
    private readonly capacityBytes: number,
    private readonly fiberBytes: Float64Array,
  ) {
    const n = fiberBytes.length;
    this.prev = new Int32Array(n).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    this.resident = new Uint8Array(n);
  }

  private unlink(f: number): void {
    const p = this.prev[f]!;
    const n = this.next[f]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.prev[f] = -1;
    this.next[f] = -1;
  }

  private pushFront(f: number): void {
    this.next[f] = this.head;
    this.prev[f] = -1;
    if (this.head >= 0) this.prev[this.head] = f;
    this.head = f;
    if (this.tail < 0) this.tail = f;
  }

  /** Touches fiber `f`; returns the bytes fetched from DRAM (0 on a hit). */
  access(f: number): number {
    this.accesses++;
    const size = this.fiberBytes[f]!;
    if (this.resident[f] === 1) {
      this.unlink(f);
      this.pushFront(f);
      return 0;
    }
    this.misses++;
    if (size > this.capacityBytes) return size;
    while (this.used + size > this.capacityBytes && this.tail >= 0) {
      const victim = this.tail;
      this.unlink(victim);
      this.resident[victim] = 0;
      this.used -= this.fiberBytes[victim]!;
    }
    this.resident[f] = 1;
    this.used += size;
    this.pushFront(f);
    return size;
  }
}
