#!/usr/bin/env python3
"""Writes deep-retina files that are each wrong in one way, for DeepRetinaBadInputTests.  Usage: make_broken_files.py OUT_DIR"""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
T, H, W, N = 40, 5, 5, 2


def good(f, splits=("train", "test"), t=T):
    for s in splits:
        f.create_dataset(f"{s}/stimulus", data=np.zeros((t, H, W), "uint8"))
        f.create_dataset(f"{s}/response/firing_rate_10ms", data=np.ones((N, t), "float32"))


with h5py.File(os.path.join(out, "no-test.h5"), "w") as f:
    good(f, splits=("train",))
with h5py.File(os.path.join(out, "only-20ms.h5"), "w") as f:
    f.create_dataset("train/stimulus", data=np.zeros((T, H, W), "uint8"))
    f.create_dataset("train/response/firing_rate_20ms", data=np.ones((N, T)))
with h5py.File(os.path.join(out, "length.h5"), "w") as f:
    f.create_dataset("train/stimulus", data=np.zeros((T, H, W), "uint8"))
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, T + 2)))
with h5py.File(os.path.join(out, "nan-rates.h5"), "w") as f:
    f.create_dataset("train/stimulus", data=np.zeros((T, H, W), "uint8"))
    r = np.ones((N, T))
    r[1, 17] = np.nan
    f.create_dataset("train/response/firing_rate_10ms", data=r)
with h5py.File(os.path.join(out, "inf-stimulus.h5"), "w") as f:
    s = np.zeros((T, H, W), "float32")
    s[9, 2, 3] = np.inf
    f.create_dataset("train/stimulus", data=s, chunks=(8, H, W), compression="gzip")
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, T)))
with h5py.File(os.path.join(out, "rank.h5"), "w") as f:
    f.create_dataset("train/stimulus", data=np.zeros((T, H * W), "uint8"))
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, T)))
with h5py.File(os.path.join(out, "good.h5"), "w") as f:
    good(f)
with h5py.File(os.path.join(out, "big.h5"), "w") as f:
    f.create_dataset("train/stimulus", data=np.random.default_rng(1).integers(0, 255, (4000, 50, 50), dtype="uint8"), chunks=(100, 50, 50), compression="gzip")
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, 4000)))
data = open(os.path.join(out, "big.h5"), "rb").read()
open(os.path.join(out, "truncated.h5"), "wb").write(data[: len(data) // 2])
# The layout h5py uses by default (contiguous, uncompressed): read whole rather than by hyperslab. The stimulus is
# written last so that truncating the file cuts only its data, which the reader meets in that whole read.
with h5py.File(os.path.join(out, "big-contiguous.h5"), "w") as f:
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, 4000)))
    f.create_dataset("train/stimulus", data=np.random.default_rng(2).integers(0, 255, (4000, 50, 50), dtype="uint8"))
data = open(os.path.join(out, "big-contiguous.h5"), "rb").read()
open(os.path.join(out, "truncated-contiguous.h5"), "wb").write(data[: len(data) // 2])
open(os.path.join(out, "text.h5"), "w").write("this is not an HDF5 file\n" * 10)
