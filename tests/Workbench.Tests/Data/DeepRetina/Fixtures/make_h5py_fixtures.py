#!/usr/bin/env python3
"""Writes deep-retina-layout files with h5py (the reference HDF5 library) for DeepRetinaFileTests and FileInspectorTests.

The outputs are committed in h5py-layouts/ beside this script (each NAME.h5 gzip-compressed as NAME.h5.gz; the tests
unpack them), so the tests need no Python. To regenerate (Debian/Ubuntu: apt-get install python3-h5py):
    /usr/bin/python3 make_h5py_fixtures.py            # rewrites h5py-layouts/
Every value follows a formula the C# tests recompute (see H5pyFixtures.cs):
  stimulus[t, y, x] = (7t + 3y + x) mod 251            (+0.25 for float types)
  rates[n, t]       = 0.5 (n + 1) + 0.01 t             (firing_rate_10ms; 5 ms adds 1, 20 ms adds 2)
  binned[n, t]      = (t (n + 1)) mod 3
  repeats[r, n, t]  = rates[n, t] + r
Writes stats.json with numpy's mean and population std of each file's train stimulus.
"""
import gzip
import json
import os
import shutil
import tempfile

import h5py
import numpy as np

T_TRAIN, T_TEST, H, W, N, R = 60, 30, 6, 5, 3, 4
dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h5py-layouts")
out = tempfile.mkdtemp()


def stimulus(t, dtype):
    tt, yy, xx = np.meshgrid(np.arange(t), np.arange(H), np.arange(W), indexing="ij")
    v = (7 * tt + 3 * yy + xx) % 251
    return v.astype(dtype) + (0.25 if np.dtype(dtype).kind == "f" else 0)


def rates(t, extra=0.0):
    n, tt = np.meshgrid(np.arange(N), np.arange(t), indexing="ij")
    return 0.5 * (n + 1) + 0.01 * tt + extra


LAYOUTS = {
    "contiguous": {},
    "chunked-gzip": {"chunks": (7, H, W), "compression": "gzip"},
    "chunked-shuffle-gzip": {"chunks": (7, H, W), "compression": "gzip", "shuffle": True},
    "chunked-split": {"chunks": (5, 3, 2), "compression": "gzip", "compression_opts": 9},
}
stats = {}
for dtype in ["uint8", "float32", "float64"]:
    for layout, kw in LAYOUTS.items():
        for repeats in ["cells", "pooled"]:
            name = f"{dtype}-{layout}-{repeats}.h5"
            with h5py.File(os.path.join(out, name), "w") as f:
                for split, t in [("train", T_TRAIN), ("test", T_TEST)]:
                    g = f.create_group(split)
                    g.create_dataset("stimulus", data=stimulus(t, dtype), **kw)
                    g.create_dataset("time", data=np.arange(t) * 0.01)
                    r = g.create_group("response")
                    r.create_dataset("firing_rate_10ms", data=rates(t).astype("float32"))
                    r.create_dataset("firing_rate_5ms", data=rates(t, 1.0))
                    r.create_dataset("firing_rate_20ms", data=rates(t, 2.0))
                    n, tt = np.meshgrid(np.arange(N), np.arange(t), indexing="ij")
                    r.create_dataset("binned", data=((tt * (n + 1)) % 3).astype("int32"))
                rep = np.stack([rates(T_TEST) + k for k in range(R)])
                if repeats == "cells":
                    for c in range(N):
                        f.create_dataset(f"test/repeats/cell{c + 1:02d}", data=rep[:, c, :])
                else:
                    f.create_dataset("test/repeats/firing_rate_10ms", data=rep.astype("float32"))
                f.create_dataset("train/stas/cell01", data=np.ones((4, H, W)))
            train = stimulus(T_TRAIN, dtype).astype("float64")
            stats[name] = {"mean": float(train.mean()), "std": float(train.std())}

# The 15-10-07 whitenoise off-by-one: the test response is one bin longer than the test stimulus.
with h5py.File(os.path.join(out, "off-by-one.h5"), "w") as f:
    for split, t, extra in [("train", T_TRAIN, 0), ("test", T_TEST, 1)]:
        f.create_dataset(f"{split}/stimulus", data=stimulus(t, "uint8"))
        f.create_dataset(f"{split}/response/firing_rate_10ms", data=rates(t + extra))

with open(os.path.join(out, "stats.json"), "w") as fh:
    json.dump(stats, fh, indent=1, sort_keys=True)
    fh.write("\n")

shutil.rmtree(dest, ignore_errors=True)
os.makedirs(dest)
for name in sorted(os.listdir(out)):
    if name.endswith(".h5"):
        with open(os.path.join(out, name), "rb") as src, open(os.path.join(dest, name + ".gz"), "wb") as gz:
            gz.write(gzip.compress(src.read(), compresslevel=9, mtime=0))
    else:
        shutil.copy(os.path.join(out, name), os.path.join(dest, name))
shutil.rmtree(out)
print(len(stats), "fixture files written to", dest)
