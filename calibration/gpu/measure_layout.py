#!/usr/bin/env python3
"""Layout transforms and pooling/normalization kernels, timed on the GPU itself.

What cuDNN and PyTorch run around and between convolutions, measured alone so
that the gpu-sm kind can model them from their own data rather than inside a
convolution's time: NCHW <-> NHWC transposes (x.contiguous(channels_last) and
back) over a grid of shapes, max-pooling with and without returned indices in
both layouts, and inference batch-norm. Kernel time per call is the sum of the
durations of the kernels a call launches (profiler, CUPTI), averaged over the
profiled calls; each call runs in isolation at the highest clock, inputs reused.

Writes $OUT/layout.csv: op, format, n, c, h, w, layout, bytes_in, bytes_out,
kernel_us, calls, kernels, and $OUT/layout-env.json.
"""
import argparse
import csv
import json
import os
import subprocess
import time

import torch
import torch.nn.functional as F

from kernel_timing import kernel_time

T0 = time.time()
# Transpose shapes: a grid over channels and image sizes (not the held-out layers of dataset.ts).
TRANSPOSE = [(n, c, hw) for c in (3, 16, 64, 128, 256, 512) for hw, n in ((224, 16), (112, 32), (56, 64), (28, 64), (14, 128), (7, 128))]
POOL = [(64, 64, 112), (32, 64, 112), (64, 128, 56), (128, 256, 28), (16, 64, 224)]
BN = [(64, 256, 56), (64, 64, 112), (128, 512, 28), (32, 128, 56)]


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    a = ap.parse_args()
    env = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, cuda=torch.version.cuda,
               nvidia_smi=subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,power.limit,clocks.max.sm",
                                          "--format=csv,noheader"], capture_output=True, text=True).stdout.strip())
    json.dump(env, open(os.path.join(a.out, "layout-env.json"), "w"), indent=1)
    f = open(os.path.join(a.out, "layout.csv"), "w", newline="")
    w = csv.DictWriter(f, ["op", "format", "n", "c", "h", "w", "layout", "bytes_in", "bytes_out", "kernel_us", "calls", "kernels"])
    w.writeheader()

    def row(op, fmt, shape, layout, bin_, bout, fn):
        try:
            calls = 20
            us, names, _ = kernel_time(fn, calls)
            n, c, h, ww = shape
            w.writerow(dict(op=op, format=fmt, n=n, c=c, h=h, w=ww, layout=layout, bytes_in=bin_, bytes_out=bout, kernel_us=f"{us:.3f}", calls=calls, kernels=names))
            f.flush()
            log(op, fmt, shape, layout, f"{us:.1f} us", f"{(bin_ + bout) / us / 1e3:.0f} GB/s")
        except Exception as ex:
            log("error", op, fmt, shape, repr(ex)[:200])

    for fmt, dt in (("fp32", torch.float32), ("fp16", torch.float16)):
        es = torch.tensor([], dtype=dt).element_size()
        for n, c, hw in TRANSPOSE:
            x = torch.randn(n, c, hw, hw, device="cuda", dtype=dt)
            y = x.contiguous(memory_format=torch.channels_last)
            b = x.numel() * es
            row("nchw_to_nhwc", fmt, (n, c, hw, hw), "nchw", b, b, lambda: x.contiguous(memory_format=torch.channels_last))
            row("nhwc_to_nchw", fmt, (n, c, hw, hw), "nhwc", b, b, lambda: y.contiguous())
            del x, y
        for n, c, hw in POOL:
            x = torch.randn(n, c, hw, hw, device="cuda", dtype=dt)
            for layout, t in (("nchw", x), ("nhwc", x.contiguous(memory_format=torch.channels_last))):
                out = n * c * ((hw - 1) // 2 + 1) ** 2
                row("maxpool3x3s2", fmt, (n, c, hw, hw), layout, t.numel() * es, out * es, lambda: F.max_pool2d(t, 3, 2, 1))
                row("maxpool3x3s2_indices", fmt, (n, c, hw, hw), layout, t.numel() * es, out * (es + 8), lambda: F.max_pool2d(t, 3, 2, 1, return_indices=True))
            del x
        for n, c, hw in BN:
            x = torch.randn(n, c, hw, hw, device="cuda", dtype=dt)
            mean, var = torch.zeros(c, device="cuda", dtype=dt), torch.ones(c, device="cuda", dtype=dt)
            wgt, bias = torch.ones(c, device="cuda", dtype=dt), torch.zeros(c, device="cuda", dtype=dt)
            for layout, t in (("nchw", x), ("nhwc", x.contiguous(memory_format=torch.channels_last))):
                b = t.numel() * es
                row("batchnorm", fmt, (n, c, hw, hw), layout, b, b, lambda: F.batch_norm(t, mean, var, wgt, bias, training=False))
            del x
        torch.cuda.empty_cache()
    log("done")


if __name__ == "__main__":
    main()
