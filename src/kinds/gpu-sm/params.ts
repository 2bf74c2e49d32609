/**
 * Parameters of the `gpu-sm` kind: a GPU of identical streaming multiprocessors
 * (SMs) — warp schedulers, FP32 lanes, tensor cores per number format, register
 * file, shared memory/L1 (the read-only data path is the unified L1 on Volta and
 * later) — sharing an L2 cache and DRAM, with a board power limit that lowers the
 * SM clock (DVFS), the kernel efficiencies fitted on real hardware, and the
 * algorithm choice (`auto` = fastest, as cuDNN's benchmark mode picks).
 *
 * Defaults are the H100-SXM5 (numbers.md §E); each preset under arch/gpu/ names
 * the source of every value it sets.
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';

const e = 'numbers.md §E (NVIDIA H100 datasheet via glennklockwood.com / hpctech)';
const rate = (def: number, what: string, source = e) =>
  param(z.number().nonnegative(), def, { unit: 'MACs/cycle/SM', description: `Dense ${what} multiply-accumulates per SM per cycle (0: no such unit)`, source });

/** An energy that defaults to the scaled H100 table entry (see components in index.ts). */
const energyParam = (unit: string, description: string) =>
  z.number().nonnegative().optional().meta({ unit, description, source: 'default: src/energy/tables/gpu.ts (H100 fit) scaled to technology by node·V² (D)' });

/** An energy that defaults to the shared component tables (Accelergy register file, CACTI SRAM bank) scaled to the technology. */
const tableParam = (unit: string, description: string) =>
  z.number().nonnegative().optional().meta({ unit, description, source: 'default: Accelergy register / CACTI 45 nm bank energy scaled to technology (src/energy/components.ts, D)' });

/** Convolution and GEMM algorithms a layer can run with; `auto` simulates every applicable one and keeps the fastest. */
export const ALGORITHMS = [
  'auto',
  'implicit-gemm',
  'im2col-gemm',
  'winograd-2x2',
  'winograd-4x4',
  'fft-tiling',
  'direct',
  'direct-sparse',
  'csr-spmm',
  'sparse-2:4',
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const gpuSchema = z.strictObject({
  ...commonArchShape,
  clockMHz: param(z.number().positive(), 1980, {
    unit: 'MHz',
    description: 'Highest SM clock (boost); the power limit may lower it per layer. Cycles are reported at this clock',
    source: 'H100 SXM5 max SM clock 1980 MHz (nvidia-smi clocks.max.sm on the calibration machine; numbers.md §E)',
  }),
  sms: param(z.number().int().positive(), 132, { unit: 'SMs', description: 'Streaming multiprocessors', source: e }),
  sm: group(
    {
      subPartitions: param(z.number().int().positive(), 4, {
        unit: 'schedulers/SM',
        description: 'Warp schedulers per SM, each issuing one warp instruction per cycle',
        source: 'NVIDIA Volta/Ampere/Hopper whitepapers: 4 processing blocks per SM (gpgpu-sim SM7_QV100 config, numbers.md §E)',
      }),
      fp32Lanes: param(z.number().int().positive(), 128, { unit: 'FMA/cycle/SM', description: 'FP32 fused multiply-add lanes (CUDA cores)', source: `${e}: 256 FP32 FLOP/cycle/SM` }),
      fp16Lanes: param(z.number().int().nonnegative(), 256, {
        unit: 'FMA/cycle/SM',
        description: 'Non-tensor FP16 FMA per cycle (HFMA2 packs two halves per lane)',
        source: 'guess: 2 × fp32Lanes (HFMA2), as on Volta and later',
      }),
      int8DotLanes: param(z.number().int().nonnegative(), 512, {
        unit: 'MACs/cycle/SM',
        description: 'Non-tensor int8 MACs per cycle (DP4A: four per lane)',
        source: 'guess: 4 × fp32Lanes (DP4A)',
      }),
      tensor: group(
        {
          tf32: rate(1024, 'TF32 tensor-core', `${e}: 494.7 TF dense, 2048 FLOP/cycle/SM`),
          fp16: rate(2048, 'FP16 tensor-core', `${e}: 989.4 TF dense, 4096 FLOP/cycle/SM`),
          bf16: rate(2048, 'BF16 tensor-core', `${e}: 989.4 TF dense`),
          fp8: rate(4096, 'FP8 tensor-core', `${e}: 1979 TF dense`),
          int8: rate(4096, 'INT8 tensor-core', `${e}: 1979 TOPS dense`),
          int4: rate(0, 'INT4 tensor-core', `${e}: not supported on Hopper (U)`),
        },
        'Tensor cores: dense MACs per SM per cycle per number format (fp16 with FP32 accumulation)',
      ),
      clusterMulticast: param(z.number().int().positive(), 2, {
        unit: 'SMs',
        description: 'Thread-block cluster size over which a tensor-core GEMM multicasts its weight tiles (TMA multicast): each weight tile is read from L2 once per cluster',
        source: 'cuBLAS/cuDNN Hopper kernel names with 2×1 and 1×2 clusters (calibration/gpu/data/conv.csv: nvjet_sm90_…_2x1_…); 1 before Hopper',
      }),
      sparse24: param(z.boolean(), true, {
        unit: '-',
        description: 'Tensor cores run 2:4 structured-sparse operands at twice the dense rate',
        source: `${e}: 2:4 sparse = 2× every tensor format`,
      }),
      registersKiB: param(z.number().positive(), 256, { unit: 'KiB', description: 'Register file per SM', source: e }),
      maxRegistersPerThread: param(z.number().int().positive(), 255, { unit: 'registers', description: 'Architectural limit per thread', source: 'CUDA C Programming Guide, compute capability table' }),
      maxThreads: param(z.number().int().positive(), 2048, { unit: 'threads/SM', description: 'Resident threads per SM', source: 'CUDA C Programming Guide, compute capability 9.0' }),
      maxBlocks: param(z.number().int().positive(), 32, { unit: 'blocks/SM', description: 'Resident thread blocks per SM', source: 'CUDA C Programming Guide, compute capability 9.0' }),
      smemKiB: param(z.number().positive(), 228, { unit: 'KiB', description: 'Shared memory per SM (carved from the unified L1/SMEM)', source: `${e}: 228 KB max SMEM` }),
      l1KiB: param(z.number().positive(), 256, { unit: 'KiB', description: 'Unified L1/SMEM per SM; what SMEM leaves is L1 (read-only/texture path included)', source: `${e}: 256 KB (U)` }),
      smemBytesPerCycle: param(z.number().positive(), 128, {
        unit: 'B/cycle/SM',
        description: 'Shared-memory bandwidth: 32 banks × 4 bytes',
        source: 'PMC10448217 (numbers.md §E): 32 348 GB/s over 132 SMs at ~1.9 GHz ≈ 128 B/cycle/SM',
      }),
      l1BytesPerCycle: param(z.number().positive(), 128, {
        unit: 'B/cycle/SM',
        description: 'L1/read-only path: one 128-byte wavefront (four 32-byte sectors) per cycle',
        source: 'guess: same datapath as SMEM on the unified L1 (Volta and later)',
      }),
    },
    'One streaming multiprocessor',
  ),
  l2: group(
    {
      capacityMiB: param(z.number().positive(), 50, { unit: 'MiB', description: 'L2 cache capacity', source: e }),
      usableFraction: param(z.number().gt(0).lte(1), 0.75, {
        unit: '-',
        description: 'Share of the L2 that holds reusable data (conflicts, write-back lines; on A100/H100 the two L2 partitions each keep a copy of lines SMs on both sides read)',
        source: 'guess; the h100 preset fits it (calibration/gpu/fit.ts)',
      }),
      bytesPerCycle: param(z.number().positive(), 4540, {
        unit: 'B/cycle',
        description: 'L2 bandwidth to all SMs, at the SM clock',
        source: 'D: PMC10448217 L2 bandwidth 8986 GB/s (numbers.md §E) / 1.98 GHz',
      }),
      hitLatencyCycles: param(z.number().nonnegative(), 400, {
        unit: 'cycles',
        description: 'Load-to-use latency of an L2 hit',
        source: 'fitted on the H100 (calibration/gpu/fit.ts); microbenchmark figures for Ampere/Hopper are 200–300 cycles, gpgpu-sim SM7_QV100 uses 160 (numbers.md §E)',
      }),
    },
    'Shared L2 cache',
  ),
  dram: group(
    {
      bandwidthGBs: param(z.number().positive(), 3352, { unit: 'GB/s', description: 'Peak DRAM bandwidth', source: `${e}: HBM3 3.35 TB/s` }),
      efficiency: param(z.number().gt(0).lte(1), 0.9, {
        unit: '-',
        description: 'Fraction of the peak a streaming kernel achieves',
        source: 'fitted: 1 GiB device-to-device copy on an H100 SXM5, 3008 GB/s / 3352 (calibration/gpu/data/eltwise.csv)',
      }),
      latencyNs: param(z.number().nonnegative(), 800, {
        unit: 'ns',
        description: 'Latency a DRAM access adds to an L2 miss',
        source: 'fitted on the H100 (calibration/gpu/fit.ts)',
      }),
      pjPerBit: param(z.number().positive(), 8.37, {
        unit: 'pJ/bit',
        description: 'Energy per bit moved to or from DRAM, memory controller and interface included',
        source: 'fitted (calibration/gpu/fit.ts) for H100; other presets say theirs',
      }),
    },
    'Device memory',
  ),
  power: group(
    {
      limitW: param(z.number().nonnegative(), 700, {
        unit: 'W',
        description: 'Board power limit; above it the SM clock drops until the layer fits (0: no limit)',
        source: `${e}: H100 SXM5 TDP 700 W (enforced.power.limit on the calibration machine)`,
      }),
      minClockMHz: param(z.number().positive(), 345, {
        unit: 'MHz',
        description: 'Lowest SM clock the power limit may set',
        source: 'the H100 idle clock read by nvidia-smi (calibration/gpu/data/sustained.csv)',
      }),
      minVoltageRatio: param(z.number().gt(0).lte(1), 0.6, {
        unit: '-',
        description: 'Core voltage at minClockMHz over that at clockMHz; voltage is taken linear in clock between them, dynamic energy ∝ V²',
        source: 'fitted on the H100 (calibration/gpu/fit.ts), with a linear V–f curve (a guess)',
      }),
    },
    'Power limit and DVFS',
  ),
  energy: group(
    {
      clockPjPerSmCycle: energyParam('pJ/(SM·cycle)', 'Clock tree and idle pipelines of one SM per cycle (the clock-dependent part of idle power)'),
      fp32FmaPj: energyParam('pJ/FMA', 'One FP32 FMA on a CUDA core, issue included'),
      fp16FmaPj: energyParam('pJ/FMA', 'One FP16 FMA (half an HFMA2)'),
      int8DotPj: energyParam('pJ/MAC', 'One int8 MAC of a DP4A'),
      tensorPj: group(
        {
          tf32: energyParam('pJ/MAC', 'TF32 tensor-core MAC'),
          fp16: energyParam('pJ/MAC', 'FP16 tensor-core MAC'),
          bf16: energyParam('pJ/MAC', 'BF16 tensor-core MAC'),
          fp8: energyParam('pJ/MAC', 'FP8 tensor-core MAC'),
          int8: energyParam('pJ/MAC', 'INT8 tensor-core MAC'),
          int4: energyParam('pJ/MAC', 'INT4 tensor-core MAC'),
        },
        'Tensor-core energy per MAC',
      ),
      registerPjPer32b: tableParam('pJ/access', 'One 32-bit register-file access'),
      smemPjPerByte: tableParam('pJ/B', 'Shared memory byte read or written'),
      l1PjPerByte: tableParam('pJ/B', 'L1/read-only path byte read'),
      l2PjPerByte: energyParam('pJ/B', 'L2 byte read or written, crossbar included'),
    },
    'Per-action energies at clockMHz and its voltage; each left out is the H100 table entry (src/energy/tables/gpu.ts) scaled to `technology`',
  ),
  efficiency: group(
    {
      tensorIssue: param(z.number().gt(0).lte(1), 1, {
        unit: '-',
        description: 'Fraction of the tensor-core peak a well-fed main loop sustains (MMA issue gaps, barriers)',
        source: 'fitted (calibration/gpu/fit.ts)',
      }),
      convTensorIssue: param(z.number().gt(0).lte(1), 0.92, {
        unit: '-',
        description: 'Fraction of the tensor-core peak cuDNN convolution kernels sustain (several TF32 ones are Ampere-era mma.sync kernels on Hopper); tensorIssue is cuBLAS GEMMs',
        source: 'fitted (calibration/gpu/fit.ts)',
      }),
      ffmaIssue: param(z.number().gt(0).lte(1), 0.8, {
        unit: '-',
        description: 'Fraction of the issue slots a CUDA-core GEMM main loop keeps busy (register-bank and dual-issue conflicts; cuBLAS SGEMM)',
        source: 'fitted (calibration/gpu/fit.ts)',
      }),
      convFfmaIssue: param(z.number().gt(0).lte(1), 0.56, {
        unit: '-',
        description: 'The same for cuDNN CUDA-core convolution kernels (implicit GEMM on NCHW, direct, FFT GEMMs): gathers and predication cost issue slots',
        source: 'fitted (calibration/gpu/fit.ts)',
      }),
      launchUs: param(z.number().nonnegative(), 3, {
        unit: 'µs',
        description: 'Kernel launch and tear-down time between back-to-back kernels',
        source: 'fitted: back-to-back 1-element kernels on an H100, 4.1 µs each (calibration/gpu/data/eltwise.csv)',
      }),
      loadsInFlight: param(z.number().int().positive(), 1, {
        unit: 'loads/warp',
        description: 'Independent global loads a warp keeps in flight in gather kernels (CSR SpMM)',
        source: 'fitted (calibration/gpu/fit.ts)',
      }),
      smLoadsInFlight: param(z.number().positive(), 96, {
        unit: 'warp loads/SM',
        description: 'Warp-wide global loads one SM keeps in flight through its L1 (pending-request entries): bounds the direct sparse convolution by Little\'s law, loads per cycle ≤ this / mean load latency',
        source: 'fitted on the H100 direct-sparse measurements (calibration/gpu/fit-direct.ts)',
      }),
      blockDriftTaps: param(z.number().nonnegative(), 128, {
        unit: 'taps',
        description: 'How far each resident block of the direct sparse convolution runs behind the block dispatched before it on its SM, in CSR taps: blocks are not held in step (no barrier after the CSR staging; the warp schedulers favour older warps), so blocks of the same images share input rows in L1 only within what the L1 keeps over that distance',
        source: 'fitted on the H100 direct-sparse measurements with smLoadsInFlight (calibration/gpu/fit-direct.ts)',
      }),
      layerInstructions: group(
        {
          maxpool: group(
            {
              nchw: param(z.number().nonnegative(), 420, { unit: 'instructions/output', description: 'NCHW kernel (one output per thread, 64-bit index arithmetic)', source: 'fitted: calibration/gpu/fit-layout.ts on calibration/gpu/data/layout.csv (H100); other GPUs inherit it (guess)' }),
              nhwc: param(z.number().nonnegative(), 500, { unit: 'instructions/output', description: 'NHWC kernel', source: 'fitted: calibration/gpu/fit-layout.ts on calibration/gpu/data/layout.csv (H100); other GPUs inherit it (guess)' }),
            },
            'PyTorch max_pool2d (CUDA; int64 indices always computed)',
          ),
          batchnorm: group(
            {
              nchw: param(z.number().nonnegative(), 78, { unit: 'instructions/element', description: 'NCHW kernel', source: 'fitted: calibration/gpu/fit-layout.ts on calibration/gpu/data/layout.csv (H100); other GPUs inherit it (guess)' }),
              nhwc: param(z.number().nonnegative(), 50, { unit: 'instructions/element', description: 'NHWC kernel', source: 'fitted: calibration/gpu/fit-layout.ts on calibration/gpu/data/layout.csv (H100); other GPUs inherit it (guess)' }),
            },
            'Inference batch-norm (cuDNN bn_fw_inf in fp32, PyTorch element-wise in fp16)',
          ),
        },
        'Thread instructions per output element beyond the arithmetic of memory-bound library kernels, per activation layout: they bound the kernels by issue',
      ),
    },
    'Kernel efficiencies not given by datasheets',
  ),
  algorithm: param(z.enum(ALGORITHMS), 'auto', {
    unit: '-',
    description: 'Convolution/GEMM algorithm for every MAC layer; auto simulates each applicable one and keeps the fastest (cuDNN benchmark mode)',
    source: '-',
  }),
  subBatch: param(z.union([z.literal('auto'), z.literal(1), z.literal(2), z.literal(4), z.literal(8)]), 'auto', {
    unit: 'images',
    description: 'Direct sparse convolution: images per thread block; auto tries 1, 2, 4, 8 per layer',
    source: 'Pietroń & Żurek (seed 001): subBatchSize chosen per layer from {2, 4, 8} (1 added)',
  }),
  activationLayout: param(z.enum(['nhwc', 'nchw']), 'nhwc', {
    unit: '-',
    description: 'Layout of activations in memory; tensor-core convolutions of NCHW tensors transpose them to NHWC and back (cuDNN does)',
    source: 'kernel names of cuDNN 9.19 on an H100 (calibration/gpu/data/conv.csv: nchwToNhwcKernel … nhwcToNchwKernel around TF32 convolutions)',
  }),
  library: param(z.array(z.enum(ALGORITHMS.filter((a) => a !== 'auto') as [Exclude<Algorithm, 'auto'>, ...Exclude<Algorithm, 'auto'>[]])).min(1), ['implicit-gemm', 'fft-tiling', 'direct-sparse', 'csr-spmm', 'sparse-2:4'], {
    unit: '-',
    description: 'Algorithms the libraries offer on this chip: the ones `auto` chooses among',
    source: 'cuDNN 9.19 on an H100 ran implicit GEMM (1×1 layers as GEMMs) and FFT tiling, never an explicit im2col, direct or Winograd kernel (calibration/gpu/data/conv.csv)',
  }),
  fftSingleTile: param(z.boolean(), true, {
    unit: '-',
    description: 'FFT tiling only where one FFT tile (32×32, 16×16 below 28 px) holds the whole padded image',
    source: 'cuDNN 9.19 on an H100 chose FFT tiling for 28×28 and 14×14 layers only, implicit GEMM at 56×56 and above (calibration/gpu/data/conv.csv)',
  }),
  l2Residency: param(z.enum(['network', 'repeat']), 'network', {
    unit: '-',
    description: 'network: a layer finds its input in L2 when the previous layer’s output fit there, weights come from DRAM; repeat: the layer runs back to back (a benchmark loop), so all its tensors that fit stay in L2',
    source: '-',
  }),
});

/** Validated parameters of a GPU design. */
export type GpuParams = z.output<typeof gpuSchema>;
/** Tensor-core formats the schema rates. */
export type TensorFormat = keyof GpuParams['sm']['tensor'];
