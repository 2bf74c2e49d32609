"""GPU kernel time of a Python callable, from the profiler (CUPTI): shared by the measure_*.py scripts."""
import time

import torch
from torch.profiler import ProfilerActivity, profile


def kernel_time(fn, calls):
    """GPU time per call (µs) summed over the kernels one call launches, their names, and wall time per call (µs)."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    t = time.time()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
    host_us = (time.time() - t) / calls * 1e6
    total, names = 0.0, []
    for ev in prof.events():
        if str(getattr(ev, "device_type", "")).endswith("CUDA"):
            total += ev.time_range.elapsed_us()
            if ev.name not in names:
                names.append(ev.name)
    return total / calls, "|".join(n[:110] for n in names), host_us
