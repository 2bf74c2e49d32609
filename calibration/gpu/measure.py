#!/usr/bin/env python3
"""Per-layer GPU measurements for calibrating and validating cyclops' `gpu-sm` kind.

Run once on an NVIDIA GPU with PyTorch (cuDNN, cuBLAS, cuSPARSE, cuSPARSELt) and
CuPy; writes CSV files to the folder given by --out (default $OUT):

  env.json          GPU, driver, library versions, clocks, power limit
  eltwise.csv       memory-bound layers (copy, ReLU, add, batch-norm, max-pool)
  gemm.csv          dense GEMMs in fp32 (no TF32), TF32, fp16, bf16, int8, fp8
  conv.csv          dense convolutions of VGG-16, ResNet-50, ResNet-18/CIFAR-10
                    in fp32 without TF32, TF32 and fp16 channels-last, cuDNN in
                    benchmark mode, with the kernels cuDNN ran
  sparse.csv        CSR SpMM (torch.sparse_csr -> cuSPARSE) over a density sweep,
                    its dense baselines, 2:4 semi-structured GEMMs, and the seed
                    paper's direct sparse convolution (CSR weights, precomputed
                    input offsets in SMEM, one block per output channel per
                    sub-batch) as a CuPy kernel
  power.csv         board power (nvidia-smi, sampled in a background thread) while
                    one kernel runs back to back, per workload
  power_samples.csv every power sample with its time
  sustained.csv     every convolution, GEMM, memory-bound layer and some sparse
                    kernels back to back for ~1 s (CUDA-graph replays): time per
                    call, board power and SM clock in the same steady window,
                    plus 2:4 GEMMs through cuSPARSELt directly

Timing: CUDA events around each call after warm-up, the GPU queue kept ahead of
the CPU with a sleep kernel so that launch gaps do not count; median of the
repetitions. Inputs are reused across repetitions (as cuDNN's benchmark and the
seed paper do), so small layers run from a warm L2 (column l2_warm).
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import threading
import time
import traceback

import torch
import torch.nn.functional as F

T0 = time.time()


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


class Csv:
    """Appends dict rows to a CSV file, flushing each row so a killed run keeps its data."""

    def __init__(self, path, fields):
        self.f = open(path, "w", newline="")
        self.w = csv.DictWriter(self.f, fieldnames=fields, extrasaction="ignore")
        self.w.writeheader()
        self.f.flush()

    def row(self, **kw):
        self.w.writerow(kw)
        self.f.flush()


def sync():
    torch.cuda.synchronize()


def time_fn(fn, target_ms=40.0, min_reps=5, max_reps=60, warm=2):
    """Median GPU time of fn() in ms (CUDA events per call, queue kept ahead by a sleep kernel)."""
    for _ in range(warm):
        fn()
    sync()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    fn()
    e.record()
    e.synchronize()
    est = max(s.elapsed_time(e), 1e-3)
    reps = int(min(max_reps, max(min_reps, math.ceil(target_ms / est))))
    evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    # ~1 ms of sleep per 25 launches keeps the GPU busy while the CPU enqueues.
    torch.cuda._sleep(int(2_000_000 * (1 + reps / 25)))
    for a, b in evs:
        a.record()
        fn()
        b.record()
    sync()
    ts = sorted(a.elapsed_time(b) for a, b in evs)
    return ts[len(ts) // 2], ts[0], reps


def kernels_of(fn):
    """Names of the CUDA kernels one call of fn launches (torch.profiler)."""
    try:
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            fn()
            sync()
        names = []
        for ev in prof.events():
            dt = str(getattr(ev, "device_type", ""))
            if dt.endswith("CUDA") and ev.name not in names:
                names.append(ev.name)
        return "|".join(n[:120] for n in names)
    except Exception as ex:  # profiler missing or broken: leave the column empty
        return f"profiler-error:{type(ex).__name__}"


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


class Deadline:
    def __init__(self, total_s):
        self.end = T0 + total_s

    def left(self):
        return self.end - time.time()


# ---------------------------------------------------------------------------
# Layer lists (name, C, H, W, K, kernel, stride, pad, batch)
VGG = [
    ("vgg16.conv1_1", 3, 224, 224, 64, 3, 1, 1),
    ("vgg16.conv1_2", 64, 224, 224, 64, 3, 1, 1),
    ("vgg16.conv2_1", 64, 112, 112, 128, 3, 1, 1),
    ("vgg16.conv2_2", 128, 112, 112, 128, 3, 1, 1),
    ("vgg16.conv3_1", 128, 56, 56, 256, 3, 1, 1),
    ("vgg16.conv3_2", 256, 56, 56, 256, 3, 1, 1),
    ("vgg16.conv4_1", 256, 28, 28, 512, 3, 1, 1),
    ("vgg16.conv4_2", 512, 28, 28, 512, 3, 1, 1),
    ("vgg16.conv5_1", 512, 14, 14, 512, 3, 1, 1),
]
R50 = [
    ("resnet50.conv1", 3, 224, 224, 64, 7, 2, 3),
    ("resnet50.layer1.0.conv1", 64, 56, 56, 64, 1, 1, 0),
    ("resnet50.layer1.0.conv2", 64, 56, 56, 64, 3, 1, 1),
    ("resnet50.layer1.0.conv3", 64, 56, 56, 256, 1, 1, 0),
    ("resnet50.layer1.1.conv1", 256, 56, 56, 64, 1, 1, 0),
    ("resnet50.layer2.0.conv1", 256, 56, 56, 128, 1, 1, 0),
    ("resnet50.layer2.0.conv2", 128, 56, 56, 128, 3, 2, 1),
    ("resnet50.layer2.0.conv3", 128, 28, 28, 512, 1, 1, 0),
    ("resnet50.layer2.0.downsample", 256, 56, 56, 512, 1, 2, 0),
    ("resnet50.layer2.1.conv1", 512, 28, 28, 128, 1, 1, 0),
    ("resnet50.layer2.1.conv2", 128, 28, 28, 128, 3, 1, 1),
    ("resnet50.layer3.0.conv1", 512, 28, 28, 256, 1, 1, 0),
    ("resnet50.layer3.0.conv2", 256, 28, 28, 256, 3, 2, 1),
    ("resnet50.layer3.0.conv3", 256, 14, 14, 1024, 1, 1, 0),
    ("resnet50.layer3.0.downsample", 512, 28, 28, 1024, 1, 2, 0),
    ("resnet50.layer3.1.conv1", 1024, 14, 14, 256, 1, 1, 0),
    ("resnet50.layer3.1.conv2", 256, 14, 14, 256, 3, 1, 1),
    ("resnet50.layer4.0.conv1", 1024, 14, 14, 512, 1, 1, 0),
    ("resnet50.layer4.0.conv2", 512, 14, 14, 512, 3, 2, 1),
    ("resnet50.layer4.0.conv3", 512, 7, 7, 2048, 1, 1, 0),
    ("resnet50.layer4.0.downsample", 1024, 14, 14, 2048, 1, 2, 0),
    ("resnet50.layer4.1.conv1", 2048, 7, 7, 512, 1, 1, 0),
    ("resnet50.layer4.1.conv2", 512, 7, 7, 512, 3, 1, 1),
]
R18C = [
    ("resnet18-cifar10.conv1", 3, 32, 32, 64, 3, 1, 1),
    ("resnet18-cifar10.layer1.0.conv1", 64, 32, 32, 64, 3, 1, 1),
    ("resnet18-cifar10.layer2.0.conv1", 64, 32, 32, 128, 3, 2, 1),
    ("resnet18-cifar10.layer2.0.conv2", 128, 16, 16, 128, 3, 1, 1),
    ("resnet18-cifar10.layer2.0.shortcut.0", 64, 32, 32, 128, 1, 2, 0),
    ("resnet18-cifar10.layer3.0.conv1", 128, 16, 16, 256, 3, 2, 1),
    ("resnet18-cifar10.layer3.0.conv2", 256, 8, 8, 256, 3, 1, 1),
    ("resnet18-cifar10.layer4.0.conv1", 256, 8, 8, 512, 3, 2, 1),
    ("resnet18-cifar10.layer4.0.conv2", 512, 4, 4, 512, 3, 1, 1),
]
CONV_SETS = [(VGG, 32), (R50, 64), (R18C, 128)]


def out_hw(h, k, s, p):
    return (h + 2 * p - k) // s + 1


# ---------------------------------------------------------------------------
def env_info(out):
    p = torch.cuda.get_device_properties(0)
    info = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "device": p.name,
        "sm_count": p.multi_processor_count,
        "total_memory": p.total_memory,
        "l2_cache_size": getattr(p, "L2_cache_size", None),
        "capability": f"{p.major}.{p.minor}",
    }
    q = "name,driver_version,power.limit,enforced.power.limit,power.max_limit,clocks.max.sm,clocks.max.mem,clocks.sm,clocks.mem,temperature.gpu,persistence_mode,compute_mode"
    try:
        info["nvidia_smi"] = dict(zip(q.split(","), subprocess.run(
            ["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader"], capture_output=True, text=True, timeout=20
        ).stdout.strip().split(", ")))
    except Exception as ex:
        info["nvidia_smi_error"] = repr(ex)
    try:
        import cupy

        info["cupy"] = cupy.__version__
    except Exception as ex:
        info["cupy_error"] = repr(ex)
    json.dump(info, open(os.path.join(out, "env.json"), "w"), indent=1)
    log("env", json.dumps(info))
    return info


# ---------------------------------------------------------------------------
def run_eltwise(out, dl):
    w = Csv(os.path.join(out, "eltwise.csv"), ["op", "dtype", "shape", "elements", "bytes", "ms", "ms_min", "reps", "gbps", "l2_warm"])
    for dtype, dname in ((torch.float32, "fp32"), (torch.float16, "fp16")):
        es = torch.tensor([], dtype=dtype).element_size()
        for n in (1 << 16, 1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28):
            if dl.left() < 0:
                return
            try:
                a = torch.randn(n, device="cuda", dtype=dtype)
                b = torch.randn(n, device="cuda", dtype=dtype)
                c = torch.empty_like(a)
                warm = int(3 * n * es < 40e6)
                for op, fn, nbytes in (
                    ("copy", lambda: c.copy_(a), 2 * n * es),
                    ("relu", lambda: torch.clamp_min(a, 0, out=c), 2 * n * es),
                    ("add", lambda: torch.add(a, b, out=c), 3 * n * es),
                ):
                    ms, mn, reps = time_fn(fn)
                    w.row(op=op, dtype=dname, shape=str(n), elements=n, bytes=nbytes, ms=ms, ms_min=mn, reps=reps, gbps=nbytes / ms / 1e6, l2_warm=warm)
                del a, b, c
            except Exception as ex:
                log("eltwise error", dname, n, repr(ex))
        # 4-D layers of ResNet-50 at batch 64
        for (name, C, H) in (("bn_64x56", 64, 56), ("bn_256x56", 256, 56), ("bn_512x28", 512, 28), ("bn_2048x7", 2048, 7), ("bn_64x112", 64, 112)):
            try:
                x = torch.randn(64, C, H, H, device="cuda", dtype=dtype)
                y = torch.empty_like(x)
                rm, rv = torch.zeros(C, device="cuda", dtype=dtype), torch.ones(C, device="cuda", dtype=dtype)
                g, bb = torch.ones(C, device="cuda", dtype=dtype), torch.zeros(C, device="cuda", dtype=dtype)
                n = x.numel()
                ms, mn, reps = time_fn(lambda: F.batch_norm(x, rm, rv, g, bb, training=False))
                w.row(op="batchnorm", dtype=dname, shape=f"64x{C}x{H}x{H}", elements=n, bytes=2 * n * es, ms=ms, ms_min=mn, reps=reps, gbps=2 * n * es / ms / 1e6, l2_warm=int(2 * n * es < 40e6))
                if name == "bn_64x112":
                    ms, mn, reps = time_fn(lambda: F.max_pool2d(x, 3, 2, 1))
                    o = 64 * C * 56 * 56
                    w.row(op="maxpool3x3s2", dtype=dname, shape=f"64x{C}x{H}x{H}", elements=n, bytes=(n + o) * es, ms=ms, ms_min=mn, reps=reps, gbps=(n + o) * es / ms / 1e6, l2_warm=0)
                del x, y
            except Exception as ex:
                log("bn error", name, repr(ex))
    # launch floor: a 1-element kernel, back to back
    t = torch.zeros(1, device="cuda")
    ms, mn, reps = time_fn(lambda: t.add_(1.0), max_reps=200, target_ms=1.0, min_reps=100)
    w.row(op="tiny", dtype="fp32", shape="1", elements=1, bytes=8, ms=ms, ms_min=mn, reps=reps, gbps=0, l2_warm=1)
    torch.cuda.empty_cache()


# ---------------------------------------------------------------------------
GEMMS = [
    ("sq1024", 1024, 1024, 1024), ("sq2048", 2048, 2048, 2048), ("sq4096", 4096, 4096, 4096), ("sq8192", 8192, 8192, 8192),
    ("vgg16.fc6.b64", 64, 4096, 25088), ("vgg16.fc7.b64", 64, 4096, 4096), ("resnet50.fc.b64", 64, 1000, 2048),
    ("fc.b512.4096", 512, 4096, 4096),
    ("im2col.vgg16.conv2_2.b8", 100352, 128, 1152), ("im2col.vgg16.conv4_2.b8", 6272, 512, 4608),
    ("im2col.r50.l1.conv3.b32", 100352, 256, 64), ("im2col.r50.l3.conv1.b32", 6272, 256, 1024),
    ("tall.65536x1024x1024", 65536, 1024, 1024), ("wide.1024x1024x65536", 1024, 1024, 65536),
]


def make_gemm(fmt, M, N, K):
    """Returns fn computing an MxN product over K in format fmt (A row-major MxK, B KxN)."""
    if fmt in ("fp32", "tf32"):
        a, b = torch.randn(M, K, device="cuda"), torch.randn(K, N, device="cuda")
        return lambda: torch.mm(a, b)
    if fmt in ("fp16", "bf16"):
        dt = torch.float16 if fmt == "fp16" else torch.bfloat16
        a, b = torch.randn(M, K, device="cuda", dtype=dt), torch.randn(K, N, device="cuda", dtype=dt)
        return lambda: torch.mm(a, b)
    if fmt == "int8":
        a = torch.randint(-8, 8, (M, K), device="cuda", dtype=torch.int8)
        b = torch.randint(-8, 8, (N, K), device="cuda", dtype=torch.int8).t()
        return lambda: torch._int_mm(a, b)
    if fmt == "fp8":
        a = torch.randn(M, K, device="cuda").to(torch.float8_e4m3fn)
        b = torch.randn(N, K, device="cuda").to(torch.float8_e4m3fn).t()
        one = torch.ones((), device="cuda")
        return lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    raise ValueError(fmt)


def run_gemm(out, dl):
    w = Csv(os.path.join(out, "gemm.csv"), ["name", "format", "M", "N", "K", "ms", "ms_min", "reps", "tflops", "kernels"])
    for fmt in ("fp32", "tf32", "fp16", "bf16", "int8", "fp8"):
        set_tf32(fmt == "tf32")
        for name, M, N, K in GEMMS:
            if dl.left() < 0:
                return
            if fmt == "fp32" and M * N * K > 2 ** 36:
                continue  # 8192^3 fp32 without TF32 is slow and adds nothing over 4096^3
            try:
                fn = make_gemm(fmt, M, N, K)
                ms, mn, reps = time_fn(fn)
                w.row(name=name, format=fmt, M=M, N=N, K=K, ms=ms, ms_min=mn, reps=reps, tflops=2 * M * N * K / ms / 1e9, kernels=kernels_of(fn))
                del fn
            except Exception as ex:
                log("gemm error", fmt, name, repr(ex)[:200])
                w.row(name=name, format=fmt, M=M, N=N, K=K, ms="", kernels=f"error:{repr(ex)[:150]}")
        torch.cuda.empty_cache()
    set_tf32(False)


# ---------------------------------------------------------------------------
def run_conv(out, dl):
    w = Csv(os.path.join(out, "conv.csv"), ["layer", "format", "batch", "C", "H", "W", "K", "R", "stride", "pad", "P", "Q", "macs", "ms", "ms_min", "reps", "tflops", "kernels"])
    torch.backends.cudnn.benchmark = True
    for fmt in ("fp32", "tf32", "fp16"):
        set_tf32(fmt == "tf32")
        for layers, batch in CONV_SETS:
            for name, C, H, W, K, R, s, p in layers:
                if dl.left() < 0:
                    return
                try:
                    dt = torch.float16 if fmt == "fp16" else torch.float32
                    x = torch.randn(batch, C, H, W, device="cuda", dtype=dt)
                    wt = torch.randn(K, C, R, R, device="cuda", dtype=dt) * 0.05
                    if fmt == "fp16":
                        x = x.to(memory_format=torch.channels_last)
                        wt = wt.to(memory_format=torch.channels_last)
                    fn = lambda: F.conv2d(x, wt, None, s, p)
                    P, Q = out_hw(H, R, s, p), out_hw(W, R, s, p)
                    macs = batch * K * P * Q * C * R * R
                    ms, mn, reps = time_fn(fn, warm=3)
                    w.row(layer=name, format=fmt, batch=batch, C=C, H=H, W=W, K=K, R=R, stride=s, pad=p, P=P, Q=Q, macs=macs, ms=ms, ms_min=mn, reps=reps, tflops=2 * macs / ms / 1e9, kernels=kernels_of(fn))
                    del x, wt
                except Exception as ex:
                    log("conv error", fmt, name, repr(ex)[:200])
        torch.cuda.empty_cache()
    set_tf32(False)


# ---------------------------------------------------------------------------
# (name, rows = output channels, cols = C*R*S, n = N*P*Q)
SPMM = [
    ("vgg16.conv2_2.b8", 128, 1152, 100352),
    ("vgg16.conv3_2.b8", 256, 2304, 25088),
    ("vgg16.conv4_2.b8", 512, 4608, 6272),
    ("vgg16.conv5_1.b32", 512, 4608, 6272),
    ("resnet50.layer3.1.conv1.b32", 256, 1024, 6272),
    ("vgg16.fc6.b64", 4096, 25088, 64),
    ("vgg16.fc7.b64", 4096, 4096, 64),
    ("sq4096", 4096, 4096, 4096),
]
DENSITIES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7)


def uniform_row_csr(rows, cols, density, dtype, gen):
    """CSR with the same number of nonzeros in every row (the seed's unified per-channel sparsity)."""
    nnzr = max(1, round(cols * density))
    idx = torch.rand(rows, cols, device="cuda", generator=gen).argsort(dim=1)[:, :nnzr].sort(dim=1).values
    crow = torch.arange(0, rows * nnzr + 1, nnzr, device="cuda", dtype=torch.int32)
    vals = (torch.randn(rows * nnzr, device="cuda", generator=gen) * 0.05).to(dtype)
    return torch.sparse_csr_tensor(crow, idx.reshape(-1).to(torch.int32), vals, (rows, cols)), nnzr


def run_sparse(out, dl, wcsv):
    gen = torch.Generator(device="cuda")
    gen.manual_seed(0)
    for name, rows, cols, n in SPMM:
        for fmt in ("fp32", "tf32", "fp16"):
            if dl.left() < 0:
                return
            set_tf32(fmt == "tf32")
            dt = torch.float16 if fmt == "fp16" else torch.float32
            try:
                b = torch.randn(cols, n, device="cuda", dtype=dt, generator=None)
                a = torch.randn(rows, cols, device="cuda", dtype=dt)
                ms, mn, reps = time_fn(lambda: torch.mm(a, b))
                wcsv.row(kernel="dense_gemm", layer=name, format=fmt, rows=rows, cols=cols, n=n, density=1.0, nnz=rows * cols, ms=ms, ms_min=mn, reps=reps)
                del a
                if fmt == "tf32":
                    continue  # cuSPARSE CSR SpMM has no TF32 path
                for d in DENSITIES:
                    if dl.left() < 0:
                        return
                    try:
                        sp, nnzr = uniform_row_csr(rows, cols, d, dt, gen)
                        ms, mn, reps = time_fn(lambda: torch.mm(sp, b))
                        wcsv.row(kernel="csr_spmm", layer=name, format=fmt, rows=rows, cols=cols, n=n, density=nnzr / cols, nnz=rows * nnzr, ms=ms, ms_min=mn, reps=reps, kernels=kernels_of(lambda: torch.mm(sp, b)) if d == 0.1 else "")
                        del sp
                    except Exception as ex:
                        log("spmm error", name, fmt, d, repr(ex)[:200])
                        wcsv.row(kernel="csr_spmm", layer=name, format=fmt, rows=rows, cols=cols, n=n, density=d, kernels=f"error:{repr(ex)[:150]}")
                        break
                del b
            except Exception as ex:
                log("sparse error", name, fmt, repr(ex)[:200])
            torch.cuda.empty_cache()
    set_tf32(False)


SEMI = [("sq4096", 4096, 4096, 4096), ("sq8192", 8192, 8192, 8192), ("vgg16.conv4_2.b8", 512, 4608, 6272),
        ("vgg16.conv3_2.b8", 256, 2304, 25088), ("vgg16.fc7.b64", 4096, 4096, 64), ("vgg16.fc6.b64", 4096, 25088, 64),
        ("resnet50.layer3.1.conv1.b32", 256, 1024, 6272)]


def run_semi(out, dl, wcsv):
    try:
        from torch.sparse import SparseSemiStructuredTensor, to_sparse_semi_structured
    except Exception as ex:
        log("no semi-structured sparsity in this torch:", repr(ex))
        wcsv.row(kernel="sparse24", layer="-", kernels=f"unavailable:{repr(ex)[:150]}")
        return
    for backend in ("cusparselt", "cutlass"):
        SparseSemiStructuredTensor._FORCE_CUTLASS = backend == "cutlass"
        for dtn, dt in (("fp16", torch.float16), ("bf16", torch.bfloat16), ("int8", torch.int8)):
            for name, rows, cols, n in SEMI:
                if dl.left() < 0:
                    return
                try:
                    if dt == torch.int8:
                        a = torch.randint(-8, 8, (rows, cols), device="cuda", dtype=dt)
                        b = torch.randint(-8, 8, (n, cols), device="cuda", dtype=dt).t()
                    else:
                        a = torch.randn(rows, cols, device="cuda", dtype=dt)
                        b = torch.randn(cols, n, device="cuda", dtype=dt)
                    mask = torch.tensor([1, 1, 0, 0], device="cuda", dtype=torch.bool).tile(rows, cols // 4)
                    a = a * mask
                    sa = to_sparse_semi_structured(a)
                    fn = lambda: torch.mm(sa, b)
                    ms, mn, reps = time_fn(fn)
                    err = ""
                    if dt != torch.int8:
                        ref = torch.mm(a, b).float()
                        err = float((fn().float() - ref).norm() / ref.norm())
                    wcsv.row(kernel=f"sparse24_{backend}", layer=name, format=dtn, rows=rows, cols=cols, n=n, density=0.5, nnz=rows * cols // 2, ms=ms, ms_min=mn, reps=reps, rel_err=err, kernels=kernels_of(fn))
                    if backend == "cusparselt" and dt == torch.int8:
                        # dense int8 baseline for the same shape
                        bt, at = b.t(), a.t()  # (n x cols) row-major times (cols x rows) column-major
                        fd = lambda: torch._int_mm(bt, at)
                        ms, mn, reps = time_fn(fd)
                        wcsv.row(kernel="dense_gemm", layer=name, format="int8", rows=rows, cols=cols, n=n, density=1.0, nnz=rows * cols, ms=ms, ms_min=mn, reps=reps)
                    if backend == "cusparselt" and dt == torch.bfloat16:
                        ms, mn, reps = time_fn(lambda: torch.mm(a, b))
                        wcsv.row(kernel="dense_gemm", layer=name, format="bf16", rows=rows, cols=cols, n=n, density=1.0, nnz=rows * cols, ms=ms, ms_min=mn, reps=reps)
                    del a, b, sa
                except Exception as ex:
                    log("2:4 error", backend, dtn, name, repr(ex)[:200])
                    wcsv.row(kernel=f"sparse24_{backend}", layer=name, format=dtn, rows=rows, cols=cols, n=n, kernels=f"error:{repr(ex)[:150]}")
    SparseSemiStructuredTensor._FORCE_CUTLASS = False
    torch.cuda.empty_cache()


# ---------------------------------------------------------------------------
# The seed paper's direct sparse convolution (after Chen's Escoin and Park et al.):
# weights in CSR with the same nonzero count per output channel, column indices
# precomputed as offsets into the padded NCHW input, both staged in SMEM; one
# thread block per (output channel, sub-batch of SB images); each thread computes
# one output pixel for SB images, reusing each weight/offset pair SB times.
DSC_SRC = r"""
#define DEF(NAME, T, LOAD, SB)                                                              \
extern "C" __global__ void NAME(const T* __restrict__ in, const T* __restrict__ vals,       \
    const int* __restrict__ offs, T* __restrict__ out, int C, int Hp, int Wp, int K,        \
    int P, int Q, int stride, int nnzr) {                                                   \
  extern __shared__ int smem[];                                                             \
  int* so = smem;                                                                           \
  T* sv = (T*)(smem + nnzr);                                                                \
  const int k = blockIdx.x;                                                                 \
  const long n0 = (long)blockIdx.y * SB;                                                    \
  for (int j = threadIdx.x; j < nnzr; j += blockDim.x) {                                    \
    so[j] = offs[(long)k * nnzr + j]; sv[j] = vals[(long)k * nnzr + j]; }                   \
  __syncthreads();                                                                          \
  const long img = (long)C * Hp * Wp;                                                       \
  const int PQ = P * Q;                                                                     \
  for (int pix = threadIdx.x; pix < PQ; pix += blockDim.x) {                                \
    const int p = pix / Q, q = pix - p * Q;                                                 \
    const T* base = in + n0 * img + p * stride * Wp + q * stride;                           \
    float acc[SB];                                                                          \
    _Pragma("unroll") for (int b = 0; b < SB; ++b) acc[b] = 0.f;                            \
    for (int j = 0; j < nnzr; ++j) {                                                        \
      const float w = LOAD(sv[j]); const int o = so[j];                                     \
      _Pragma("unroll") for (int b = 0; b < SB; ++b) acc[b] += w * LOAD(__ldg(base + b * img + o)); \
    }                                                                                       \
    _Pragma("unroll") for (int b = 0; b < SB; ++b)                                          \
      out[((n0 + b) * K + k) * PQ + pix] = (T)acc[b];                                       \
  }                                                                                         \
}
"""
DSC_F32 = DSC_SRC + r"""
#define F32(x) (x)
DEF(dsc_f32_1, float, F32, 1) DEF(dsc_f32_2, float, F32, 2) DEF(dsc_f32_4, float, F32, 4) DEF(dsc_f32_8, float, F32, 8)
"""
DSC_F16 = "#include <cuda_fp16.h>\n" + DSC_SRC + r"""
#define F16(x) __half2float(x)
DEF(dsc_f16_1, __half, F16, 1) DEF(dsc_f16_2, __half, F16, 2) DEF(dsc_f16_4, __half, F16, 4) DEF(dsc_f16_8, __half, F16, 8)
"""

DSC_LAYERS = VGG + [l for l in R50 if l[5] == 1 and l[6] == 1][:4]


def run_direct_sparse(out, dl, wcsv):
    try:
        import cupy as cp
    except Exception as ex:
        log("no cupy:", repr(ex))
        wcsv.row(kernel="direct_sparse", layer="-", kernels=f"unavailable:{repr(ex)[:150]}")
        return
    mods = {}
    for fmt, src in (("fp32", DSC_F32), ("fp16", DSC_F16)):
        try:
            mods[fmt] = cp.RawModule(code=src, options=("-std=c++14",))
            mods[fmt].get_function(f"dsc_{'f16' if fmt == 'fp16' else 'f32'}_1")  # compiles now
        except Exception as ex:
            log("direct sparse compile error", fmt, repr(ex)[:400])
            wcsv.row(kernel="direct_sparse", layer="-", format=fmt, kernels=f"compile-error:{repr(ex)[:150]}")
    batch = 32
    stream = cp.cuda.ExternalStream(torch.cuda.current_stream().cuda_stream)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    for name, C, H, W, K, R, s, p in DSC_LAYERS:
        P, Q = out_hw(H, R, s, p), out_hw(W, R, s, p)
        Hp, Wp = H + 2 * p, W + 2 * p
        for fmt in [f for f in ("fp32", "fp16") if f in mods]:
            dt = torch.float16 if fmt == "fp16" else torch.float32
            x = torch.randn(batch, C, H, W, device="cuda", dtype=dt)
            xp = F.pad(x, (p, p, p, p)).contiguous() if p else x.contiguous()
            y = torch.empty(batch, K, P, Q, device="cuda", dtype=dt)
            for d in (0.05, 0.1, 0.2, 0.3):
                if dl.left() < 0:
                    return
                try:
                    cols = C * R * R
                    nnzr = max(1, round(cols * d))
                    idx = torch.rand(K, cols, device="cuda", generator=gen).argsort(dim=1)[:, :nnzr].sort(dim=1).values
                    c_, rs = idx // (R * R), idx % (R * R)
                    offs = (c_ * Hp * Wp + (rs // R) * Wp + rs % R).to(torch.int32).contiguous()
                    vals = (torch.randn(K, nnzr, device="cuda", generator=gen) * 0.05).to(dt).contiguous()
                    smem = nnzr * 4 + nnzr * (2 if fmt == "fp16" else 4)
                    if smem > 48 * 1024:
                        continue
                    threads = min(256, ((P * Q + 31) // 32) * 32)
                    cx, cv, co, cy = cp.asarray(xp), cp.asarray(vals), cp.asarray(offs), cp.asarray(y)
                    checked = ""
                    for sb in (1, 2, 4, 8):
                        ker = mods[fmt].get_function(f"dsc_{'f16' if fmt == 'fp16' else 'f32'}_{sb}")
                        args = (cx, cv, co, cy, cp.int32(C), cp.int32(Hp), cp.int32(Wp), cp.int32(K), cp.int32(P), cp.int32(Q), cp.int32(s), cp.int32(nnzr))

                        def fn(ker=ker, args=args, sb=sb):
                            with stream:
                                ker((K, batch // sb), (threads,), args, shared_mem=smem)

                        if checked == "":
                            fn()
                            sync()
                            wd = torch.zeros(K, cols, device="cuda", dtype=torch.float32)
                            wd.scatter_(1, idx, vals.float())
                            ref = F.conv2d(x[:8].float(), wd.view(K, C, R, R), None, s, p)
                            checked = float((y[:8].float() - ref).norm() / ref.norm())
                        ms, mn, reps = time_fn(fn, target_ms=30)
                        wcsv.row(kernel="direct_sparse", layer=name, format=fmt, rows=K, cols=cols, n=batch * P * Q, density=nnzr / cols, nnz=K * nnzr, sub_batch=sb, threads=threads, ms=ms, ms_min=mn, reps=reps, rel_err=checked)
                    del cx, cv, co, offs, vals, idx
                except Exception as ex:
                    log("direct sparse error", name, fmt, d, repr(ex)[:300])
                    wcsv.row(kernel="direct_sparse", layer=name, format=fmt, density=d, kernels=f"error:{repr(ex)[:150]}")
            del x, xp, y
            torch.cuda.empty_cache()


# ---------------------------------------------------------------------------
class PowerSampler(threading.Thread):
    """Polls nvidia-smi for board power, SM clock and temperature in a background thread."""

    FIELDS = "power.draw,power.draw.instant,clocks.sm,clocks.mem,temperature.gpu,utilization.gpu"

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []
        self.stop_flag = False
        self.fields = self.FIELDS
        r = subprocess.run(["nvidia-smi", f"--query-gpu={self.fields}", "--format=csv,noheader,nounits"], capture_output=True, text=True)
        if r.returncode != 0 or "Field" in r.stdout + r.stderr:
            self.fields = self.FIELDS.replace("power.draw.instant,", "")
        log("power fields:", self.fields)

    def run(self):
        names = self.fields.split(",")
        while not self.stop_flag:
            t = time.time()
            try:
                r = subprocess.run(["nvidia-smi", f"--query-gpu={self.fields}", "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=5)
                vals = [v.strip() for v in r.stdout.strip().split(",")]
                self.samples.append((t, time.time(), dict(zip(names, vals))))
            except Exception:
                pass
            time.sleep(0.02)


def num(v):
    try:
        return float(v)
    except Exception:
        return float("nan")


def run_power(out, dl):
    w = Csv(os.path.join(out, "power.csv"), ["workload", "kind", "format", "shape", "flops", "bytes", "ms_per_call", "calls", "seconds", "samples", "power_w", "power_instant_w", "power_w_p10", "power_w_p90", "clock_sm_mhz", "temp_c", "util"])
    sampler = PowerSampler()
    sampler.start()
    time.sleep(0.5)

    def measure(name, kind, fmt, shape, flops, nbytes, fn, secs=2.5):
        if fn is not None:
            for _ in range(2):
                fn()
            sync()
        t0 = time.time()
        calls = 0
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        while time.time() - t0 < secs:
            if fn is None:
                time.sleep(0.05)
                continue
            for _ in range(10):
                fn()
                calls += 1
            if calls % 50 == 0:
                sync()
        e.record()
        sync()
        t1 = time.time()
        ms = s.elapsed_time(e) / calls if calls else 0.0
        win = [x[2] for x in sampler.samples if x[0] >= t0 + 1.0 and x[1] <= t1]
        col = lambda k: sorted(v for v in (num(x.get(k, "nan")) for x in win) if not math.isnan(v))
        med = lambda a: a[len(a) // 2] if a else float("nan")
        pw, pi = col("power.draw"), col("power.draw.instant")
        w.row(workload=name, kind=kind, format=fmt, shape=shape, flops=flops, bytes=nbytes, ms_per_call=ms, calls=calls, seconds=t1 - t0, samples=len(win),
              power_w=med(pw), power_instant_w=med(pi), power_w_p10=pw[len(pw) // 10] if pw else "", power_w_p90=pw[(9 * len(pw)) // 10] if pw else "",
              clock_sm_mhz=med(col("clocks.sm")), temp_c=med(col("temperature.gpu")), util=med(col("utilization.gpu")))
        log("power", name, f"{med(pw):.1f} W", f"{ms:.3f} ms/call")

    try:
        measure("idle", "idle", "-", "-", 0, 0, None, secs=2.5)
        jobs = []
        n = 1 << 28
        a32, c32 = torch.randn(n, device="cuda"), torch.empty(n, device="cuda")
        jobs.append(("copy_dram_fp32_1GiB", "copy", "fp32", str(n), 0, 8 * n, lambda: c32.copy_(a32)))
        m = 1 << 21  # 8 MiB: stays in the 50 MB L2; 100 copies per graph replay hide the launch cost
        a2, c2 = torch.randn(m, device="cuda"), torch.empty(m, device="cuda")
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            for _ in range(100):
                c2.copy_(a2)
        jobs.append(("copy_l2_fp32_8MiB_x100", "copy", "fp32", str(m), 0, 100 * 8 * m, graph.replay))
        jobs.append(("relu_dram_fp32_1GiB", "relu", "fp32", str(n), 0, 8 * n, lambda: torch.clamp_min(a32, 0, out=c32)))
        for fmt, M in (("fp32", 4096), ("tf32", 8192), ("fp16", 8192), ("bf16", 8192), ("int8", 8192), ("fp8", 8192)):
            set_tf32(fmt == "tf32")
            try:
                measure(f"gemm_{fmt}_{M}", "gemm", fmt, f"{M}x{M}x{M}", 2 * M ** 3, 0, make_gemm(fmt, M, M, M))
            except Exception as ex:
                log("power gemm error", fmt, repr(ex)[:200])
        set_tf32(False)
        for j in jobs:
            measure(*j)
        del a32, c32, a2, c2, jobs, graph
        torch.cuda.empty_cache()
        # convolutions (held-out validation of the energy model), cuDNN benchmark mode
        torch.backends.cudnn.benchmark = True
        for (name, C, H, W, K, R, s, p), batch in ((VGG[5], 32), (R50[2], 64), (R50[16], 64), (R50[3], 64)):
            for fmt in ("fp32", "tf32", "fp16"):
                set_tf32(fmt == "tf32")
                dt = torch.float16 if fmt == "fp16" else torch.float32
                x = torch.randn(batch, C, H, W, device="cuda", dtype=dt)
                wt = torch.randn(K, C, R, R, device="cuda", dtype=dt) * 0.05
                if fmt == "fp16":
                    x, wt = x.to(memory_format=torch.channels_last), wt.to(memory_format=torch.channels_last)
                P, Q = out_hw(H, R, s, p), out_hw(W, R, s, p)
                measure(f"conv_{name}_{fmt}", "conv", fmt, f"{batch}x{C}x{H}x{W}x{K}r{R}s{s}", 2 * batch * K * P * Q * C * R * R, 0, lambda: F.conv2d(x, wt, None, s, p))
                del x, wt
        set_tf32(False)
        # sparse: cuSPARSE SpMM at 10 % density
        gen = torch.Generator(device="cuda")
        gen.manual_seed(2)
        sp, nnzr = uniform_row_csr(512, 4608, 0.1, torch.float32, gen)
        b = torch.randn(4608, 6272, device="cuda")
        measure("spmm_fp32_vgg16.conv4_2.b8_d0.1", "spmm", "fp32", "512x4608x6272", 2 * 512 * nnzr * 6272, 0, lambda: torch.mm(sp, b))
        del sp, b
        measure("idle_end", "idle", "-", "-", 0, 0, None, secs=2.5)
    except Exception:
        log("power error", traceback.format_exc()[-600:])
    finally:
        sampler.stop_flag = True
        sampler.join(timeout=10)
        with open(os.path.join(out, "power_samples.csv"), "w", newline="") as f:
            cw = csv.writer(f)
            names = sampler.fields.split(",")
            cw.writerow(["t_start", "t_end"] + names)
            for t0, t1, d in sampler.samples:
                cw.writerow([f"{t0 - T0:.3f}", f"{t1 - T0:.3f}"] + [d.get(k, "") for k in names])
    set_tf32(False)


# ---------------------------------------------------------------------------
def graphed(fn, calls):
    """A CUDA graph replaying `calls` back-to-back calls of fn (warmed first), or None where fn cannot be captured."""
    try:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            fn()
        torch.cuda.current_stream().wait_stream(side)
        sync()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            for _ in range(calls):
                fn()
        sync()
        return g
    except Exception as ex:
        log("no graph:", repr(ex)[:160])
        sync()
        return None


def run_sustained(out, dl, secs=0.9, skip=0.35):
    """Each workload back to back for `secs` (CUDA-graph replays, so launch gaps do not count), with the time per
    call, board power and SM clock over the same window after the first `skip` seconds: the steady state the
    power limit sets, where time and power belong together."""
    w = Csv(os.path.join(out, "sustained.csv"), ["group", "name", "format", "shape", "flops", "bytes", "calls", "ms", "power_w", "power_avg_w", "clock_sm_mhz", "clock_mem_mhz", "temp_c", "samples", "graph", "rel_err", "kernels"])
    sampler = PowerSampler()
    sampler.start()
    time.sleep(0.3)

    def measure(group, name, fmt, shape, flops, nbytes, fn, rel_err="", kernels="", idle=False, use_graph=True):
        if dl.left() < 0:
            return
        try:
            per, g = 0, None
            if not idle:
                for _ in range(2):
                    fn()
                sync()
                s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                s.record()
                fn()
                e.record()
                e.synchronize()
                per = int(min(200, max(1, math.ceil(2.0 / max(s.elapsed_time(e), 1e-3)))))
                g = graphed(fn, per) if use_graph else None
            runner = g.replay if g is not None else (lambda: [fn() for _ in range(per)])
            marks = []
            t0 = time.time()
            while time.time() - t0 < secs:
                if idle:
                    time.sleep(0.05)
                    continue
                ev = torch.cuda.Event(enable_timing=True)
                ev.record()
                marks.append((time.time(), ev))
                runner()
                if len(marks) % 4 == 0:
                    sync()
            end = torch.cuda.Event(enable_timing=True)
            end.record()
            sync()
            t1 = time.time()
            ms = ""
            if marks:
                first = next((i for i, (t, _) in enumerate(marks) if t >= t0 + skip), 0)
                n = len(marks) - first
                ms = marks[first][1].elapsed_time(end) / (n * per)
            win = [x[2] for x in sampler.samples if x[0] >= t0 + skip and x[1] <= t1]
            col = lambda k: sorted(v for v in (num(x.get(k, "nan")) for x in win) if not math.isnan(v))
            med = lambda a: a[len(a) // 2] if a else float("nan")
            pi, pa = col("power.draw.instant"), col("power.draw")
            w.row(group=group, name=name, format=fmt, shape=shape, flops=flops, bytes=nbytes, calls=per, ms=ms, power_w=med(pi) if pi else med(pa), power_avg_w=med(pa),
                  clock_sm_mhz=med(col("clocks.sm")), clock_mem_mhz=med(col("clocks.mem")), temp_c=med(col("temperature.gpu")), samples=len(win), graph=int(g is not None), rel_err=rel_err, kernels=kernels)
            del g
        except Exception as ex:
            log("sustained error", name, fmt, repr(ex)[:200])
            sync()

    try:
        measure("idle", "idle", "-", "-", 0, 0, None, idle=True)
        torch.backends.cudnn.benchmark = True
        for fmt in ("fp32", "tf32", "fp16"):
            set_tf32(fmt == "tf32")
            for layers, batch in CONV_SETS:
                for name, C, H, W, K, R, s, p in layers:
                    dt = torch.float16 if fmt == "fp16" else torch.float32
                    x = torch.randn(batch, C, H, W, device="cuda", dtype=dt)
                    wt = torch.randn(K, C, R, R, device="cuda", dtype=dt) * 0.05
                    if fmt == "fp16":
                        x, wt = x.to(memory_format=torch.channels_last), wt.to(memory_format=torch.channels_last)
                    P, Q = out_hw(H, R, s, p), out_hw(W, R, s, p)
                    measure("conv", name, fmt, f"{batch}x{C}x{H}x{W}x{K}r{R}s{s}p{p}", 2 * batch * K * P * Q * C * R * R, 0, lambda: F.conv2d(x, wt, None, s, p))
                    del x, wt
            torch.cuda.empty_cache()
        for fmt in ("fp32", "tf32", "fp16", "bf16"):
            set_tf32(fmt == "tf32")
            for name, M, N, K in GEMMS:
                if fmt == "fp32" and M * N * K > 2 ** 36:
                    continue
                measure("gemm", name, fmt, f"{M}x{N}x{K}", 2 * M * N * K, 0, make_gemm(fmt, M, N, K))
        set_tf32(False)
        torch.cuda.empty_cache()
        for dtype, dname in ((torch.float32, "fp32"), (torch.float16, "fp16")):
            es = torch.tensor([], dtype=dtype).element_size()
            for n in ((1 << 24, 1 << 26, 1 << 28) if dname == "fp32" else (1 << 28,)):
                a, c = torch.randn(n, device="cuda", dtype=dtype), torch.empty(n, device="cuda", dtype=dtype)
                measure("eltwise", "relu", dname, str(n), 0, 2 * n * es, lambda: torch.clamp_min(a, 0, out=c))
                if n == 1 << 26:
                    b = torch.randn(n, device="cuda", dtype=dtype)
                    measure("eltwise", "add", dname, str(n), 0, 3 * n * es, lambda: torch.add(a, b, out=c))
                    del b
                del a, c
            x = torch.randn(64, 256, 56, 56, device="cuda", dtype=dtype)
            rm, rv = torch.zeros(256, device="cuda", dtype=dtype), torch.ones(256, device="cuda", dtype=dtype)
            measure("eltwise", "batchnorm", dname, "64x256x56x56", 0, 2 * x.numel() * es, lambda: F.batch_norm(x, rm, rv, rv, rm, training=False))
            x2 = torch.randn(64, 64, 112, 112, device="cuda", dtype=dtype)
            measure("eltwise", "maxpool3x3s2", dname, "64x64x112x112", 0, (x2.numel() + x2.numel() // 4) * es, lambda: F.max_pool2d(x2, 3, 2, 1))
            del x, x2
        torch.cuda.empty_cache()
        gen = torch.Generator(device="cuda")
        gen.manual_seed(3)
        for name, rows, cols, n in (SPMM[2], SPMM[6]):
            for fmt, dens in (("fp32", (0.02, 0.05, 0.1, 0.2)), ("fp16", (0.05, 0.1))):
                dt = torch.float16 if fmt == "fp16" else torch.float32
                b = torch.randn(cols, n, device="cuda", dtype=dt)
                for d in dens:
                    sp, nnzr = uniform_row_csr(rows, cols, d, dt, gen)
                    measure("spmm", name, fmt, f"{rows}x{cols}x{n}@{nnzr / cols:.4f}", 2 * rows * nnzr * n, 0, lambda: torch.mm(sp, b), use_graph=False)
                    del sp
                del b
        # 2:4 through cuSPARSELt directly (compressed once, algorithm searched once), checked against the dense product
        for name, rows, cols, n in SEMI:
            try:
                a = torch.randn(rows, cols, device="cuda", dtype=torch.float16)
                a = a * torch.tensor([1, 1, 0, 0], device="cuda", dtype=torch.float16).tile(rows, cols // 4)
                b = torch.randn(cols, n, device="cuda", dtype=torch.float16)
                comp = torch._cslt_compress(a)
                alg = torch._cslt_sparse_mm_search(comp, b) if hasattr(torch, "_cslt_sparse_mm_search") else 0
                fn = lambda: torch._cslt_sparse_mm(comp, b, alg_id=alg)
                ref = torch.mm(a, b).float()
                err = float((fn().float() - ref).norm() / ref.norm())
                measure("sparse24", name, "fp16", f"{rows}x{cols}x{n}", 2 * rows * cols * n, 0, fn, rel_err=err, kernels=kernels_of(fn), use_graph=False)
                measure("sparse24_dense", name, "fp16", f"{rows}x{cols}x{n}", 2 * rows * cols * n, 0, lambda: torch.mm(a, b), use_graph=False)
                del a, b, comp
            except Exception as ex:
                log("cslt error", name, repr(ex)[:300])
                w.row(group="sparse24", name=name, format="fp16", kernels=f"error:{repr(ex)[:150]}")
        measure("idle", "idle_end", "-", "-", 0, 0, None, idle=True)
    finally:
        sampler.stop_flag = True
        sampler.join(timeout=10)
    set_tf32(False)


# ---------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    ap.add_argument("--budget", type=float, default=480.0, help="seconds for the whole run; later sections are cut short")
    ap.add_argument("--only", default="", help="comma-separated sections (eltwise,gemm,conv,spmm,semi,power,direct,sustain)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    torch.cuda.init()
    env_info(a.out)
    dl = Deadline(a.budget)
    only = set(x for x in a.only.split(",") if x)
    sparse_csv = Csv(os.path.join(a.out, "sparse.csv"), ["kernel", "layer", "format", "rows", "cols", "n", "density", "nnz", "sub_batch", "threads", "ms", "ms_min", "reps", "rel_err", "kernels"])
    # Order: cheap and essential first; each section stops after its own share of seconds.
    share = lambda s: Deadline(min(a.budget, time.time() - T0 + s))
    sections = [
        ("eltwise", lambda: run_eltwise(a.out, share(25))),
        ("gemm", lambda: run_gemm(a.out, share(60))),
        ("conv", lambda: run_conv(a.out, share(120))),
        ("spmm", lambda: run_sparse(a.out, share(70), sparse_csv)),
        ("semi", lambda: run_semi(a.out, share(40), sparse_csv)),
        ("power", lambda: run_power(a.out, dl)),
        ("direct", lambda: run_direct_sparse(a.out, share(80), sparse_csv)),
        ("sustain", lambda: run_sustained(a.out, dl)),
    ]
    for name, fn in sections:
        if only and name not in only:
            continue
        if dl.left() < 20:
            log("skipping", name, "(budget)")
            continue
        log("section", name)
        try:
            fn()
        except Exception:
            log("section failed", name, traceback.format_exc()[-800:])
        sync()
    log("done")


if __name__ == "__main__":
    sys.exit(main())
