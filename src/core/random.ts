/**
 * Deterministic pseudo-randomness: a string hash to derive seeds from names,
 * and a small seeded generator. Everything the simulator draws at random (masks,
 * precision maps) is seeded by a hash of what it belongs to, so results never
 * depend on the order things are computed in.
 */

/** Murmur3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a (32-bit) over the UTF-16 code units of `text`, finalized with fmix32. Unsigned. */
export function hash32(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * Hash of a tuple of parts. Each part is length-prefixed, so `('ab', 'c')` and
 * `('a', 'bc')` differ. Numbers are hashed by their decimal text.
 */
export function hashParts(...parts: readonly (string | number)[]): number {
  let text = '';
  for (const p of parts) {
    const s = String(p);
    text += `${s.length}:${s};`;
  }
  return hash32(text);
}

/** One step of splitmix32 from `state`: returns the next state and a well-mixed output. */
export function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  return { state: next, value: fmix32(next) };
}

const TWO32 = 4294967296;
const INV32 = 1 / TWO32;
const TWO16 = 65536;
const INV16 = 1 / TWO16;

/** xoshiro128** (Blackman & Vigna), seeded through splitmix32. Period 2^128 − 1. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the four state words from a 32-bit seed via splitmix32. */
  constructor(seed: number) {
    let st = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(st);
      st = r.state;
      words.push(r.value);
    }
    // `| 0` keeps the fields int32 (unsigned values above 2^31 would make V8 store them as doubles).
    this.s0 = (words[0] ?? 0) | 0;
    this.s1 = (words[1] ?? 0) | 0;
    this.s2 = (words[2] ?? 0) | 0;
    this.s3 = (words[3] ?? 0) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / TWO32;
  }

  /** Uniform integer in [0, n), without bias (Lemire's multiply-and-reject); `n` must be an integer in [1, 2^32]. */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO32) || Math.floor(n) !== n) throw new RangeError(`Rng.int: bad bound ${n}`);
    if (n <= 0x200000) {
      // x·n < 2^53: the product is exact in one double.
      for (;;) {
        const m = this.nextU32() * n;
        const hi = Math.floor(m * INV32);
        const lo = m - hi * TWO32;
        if (lo >= n || lo >= (TWO32 - n) % n) return hi;
      }
    }
    for (;;) {
      // The 64-bit product x·n as hi·2^32 + lo, exactly, from 16-bit halves of x.
      const x = this.nextU32();
      const p0 = (x & 0xffff) * n;
      const p0h = Math.floor(p0 * INV16);
      const t = (x >>> 16) * n + p0h;
      const hi = Math.floor(t * INV16);
      const lo = (t - hi * TWO16) * TWO16 + (p0 - p0h * TWO16);
      if (lo >= n || lo >= (TWO32 - n) % n) return hi;
    }
  }

  /** Fills out[start, end) with successive {@link nextU32} values (the same sequence, faster in bulk). */
  fillU32(out: Uint32Array, start = 0, end = out.length): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = start; i < end; i++) {
      const m = Math.imul(s1, 5);
      out[i] = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

/** A generator seeded by the hash of `parts` (see {@link hashParts}). */
export function rngFor(...parts: readonly (string | number)[]): Rng {
  return new Rng(hashParts(...parts));
}
