#!/usr/bin/env python3
"""2:4 structured-sparse GEMMs against their dense baselines, timed on the GPU itself.

PyTorch's semi-structured path (to_sparse_semi_structured -> cuSPARSELt) costs
~0.4 ms of host work per call, far more than the kernel on most shapes, and its
tensor subclass cannot be captured in a CUDA graph; so measure.py's event
timing saw the host, not the GPU. Here every call's kernels are timed by the
profiler (CUPTI): the kernel time per call is the sum of the durations of the
kernels one call launches, averaged over the profiled calls. Dense baselines of
the same shapes are timed the same way, so the ratio compares like with like.

Writes $OUT/sparse24-env.json (GPU, driver, library versions) and $OUT/sparse24.csv:
  name, format, m (rows of the sparse operand), k (reduction), n,
  backend (dense: torch.mm / torch._int_mm; cusparselt: to_sparse_semi_structured
  with the default algorithm; cusparselt-search-algN: torch._cslt_sparse_mm with
  the algorithm cuSPARSELt's search picked), kernel_us (GPU time per call), calls, rel_err (sparse product against the
  dense product of the same pruned matrix), kernels (names), sm_clock_mhz
  (nvidia-smi right after the shape), host_us (wall time per call).
Inputs are reused between calls, so operands that fit the L2 stay warm there.
"""
import argparse
import csv
import json
import os
import subprocess
import time

import torch

from kernel_timing import kernel_time

# (name, m, k, n): the sparse operand is m x k (weights: filters x C*R*S), the dense one k x n.
SHAPES = [
    ("sq1024", 1024, 1024, 1024), ("sq2048", 2048, 2048, 2048), ("sq4096", 4096, 4096, 4096), ("sq8192", 8192, 8192, 8192),
    ("vgg16.conv1_2.b8", 64, 576, 401408), ("vgg16.conv2_2.b8", 128, 1152, 100352), ("vgg16.conv3_2.b8", 256, 2304, 25088),
    ("vgg16.conv4_2.b8", 512, 4608, 6272), ("vgg16.conv5_2.b8", 512, 4608, 1568),
    ("vgg16.fc6.b64", 4096, 25088, 64), ("vgg16.fc7.b64", 4096, 4096, 64), ("vgg16.fc6.b256", 4096, 25088, 256), ("vgg16.fc7.b256", 4096, 4096, 256),
    ("resnet50.layer1.0.conv2.b32", 64, 576, 100352), ("resnet50.layer2.1.conv1.b32", 128, 512, 25088),
    ("resnet50.layer3.1.conv1.b32", 256, 1024, 6272), ("resnet50.layer4.1.conv2.b32", 512, 4608, 1568),
    ("bert.ffn1.t4096", 3072, 768, 4096), ("bert.ffn2.t4096", 768, 3072, 4096), ("bert.qkv.t8192", 2304, 768, 8192),
]
FORMATS = (("fp16", torch.float16), ("bf16", torch.bfloat16), ("int8", torch.int8))


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


def sm_clock():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


def operands(m, k, n, dt):
    if dt == torch.int8:
        a = torch.randint(-8, 8, (m, k), device="cuda", dtype=dt)
        b = torch.randint(-8, 8, (n, k), device="cuda", dtype=dt).t()  # column-major k x n, as cuSPARSELt wants for int8
    else:
        a = torch.randn(m, k, device="cuda", dtype=dt)
        b = torch.randn(k, n, device="cuda", dtype=dt)
    keep = torch.tensor([1, 1, 0, 0], device="cuda", dtype=torch.bool).tile(m, k // 4)
    return a * keep, b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    ap.add_argument("--budget", type=float, default=240.0)
    a = ap.parse_args()
    from torch.sparse import SparseSemiStructuredTensor, to_sparse_semi_structured

    SparseSemiStructuredTensor._FORCE_CUTLASS = False  # the CUTLASS path is Ampere-only
    torch.manual_seed(0)
    env = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, cuda=torch.version.cuda,
               cusparselt=getattr(torch.backends.cusparselt, "version", lambda: None)(),
               nvidia_smi=subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,power.limit,clocks.max.sm,memory.total",
                                          "--format=csv,noheader"], capture_output=True, text=True).stdout.strip())
    json.dump(env, open(os.path.join(a.out, "sparse24-env.json"), "w"), indent=1)
    log("env", env)
    f = open(os.path.join(a.out, "sparse24.csv"), "w", newline="")
    w = csv.DictWriter(f, ["name", "format", "m", "k", "n", "backend", "kernel_us", "calls", "rel_err", "kernels", "sm_clock_mhz", "host_us"])
    w.writeheader()
    for fname, dt in FORMATS:
        for name, m, k, n in SHAPES:
            if time.time() - T0 > a.budget:
                log("budget spent")
                return
            try:
                sp, b = operands(m, k, n, dt)
                if dt == torch.int8:
                    bt, st = b.t(), sp.t()  # dense int8: (n x k) @ (k x m), the same MACs
                    dense = lambda: torch._int_mm(bt, st)
                else:
                    dense = lambda: torch.mm(sp, b)
                ssp = to_sparse_semi_structured(sp)
                sparse = lambda: torch.mm(ssp, b)
                # the same product with cuSPARSELt's algorithm search (what a deployment would tune once)
                comp = torch._cslt_compress(sp)
                found = torch._cslt_sparse_mm_search(comp, b)
                alg = found[0] if isinstance(found, (tuple, list)) else found
                searched = lambda: torch._cslt_sparse_mm(comp, b, alg_id=alg)
                err = ""
                err2 = ""
                if dt != torch.int8:  # int8 products come back saturated to int8: no meaningful error
                    ref = sp.float() @ b.float()
                    err = float((sparse().float() - ref).norm() / ref.norm())
                    err2 = float((searched().float() - ref).norm() / ref.norm())
                flops = 2 * m * k * n
                calls = int(max(5, min(50, 2e11 / flops)))
                for backend, fn, e in (("dense", dense, ""), ("cusparselt", sparse, err), (f"cusparselt-search-alg{alg}", searched, err2)):
                    us, names, host = kernel_time(fn, calls)
                    w.writerow(dict(name=name, format=fname, m=m, k=k, n=n, backend=backend, kernel_us=f"{us:.3f}", calls=calls,
                                    rel_err=e, kernels=names, sm_clock_mhz=sm_clock(), host_us=f"{host:.1f}"))
                    f.flush()
                    log(fname, name, backend, f"{us:.1f} us", f"{flops / us / 1e6:.1f} TFLOPS", f"err {e}")
                del sp, b, ssp, comp
                torch.cuda.empty_cache()
            except Exception as ex:
                log("error", fname, name, repr(ex)[:300])
                w.writerow(dict(name=name, format=fname, m=m, k=k, n=n, backend="error", kernels=repr(ex)[:200]))
                f.flush()
    log("done")


T0 = time.time()
if __name__ == "__main__":
    main()
