#!/usr/bin/env python3
"""Writes deep-retina files that are each wrong in one way, and two large good ones, for DeepRetinaBadInputTests.

The outputs are committed in broken/ beside this script, compressed (the tests unpack them), so the tests need no
Python: gzip as NAME.gz, except the two 10 MB recordings, which are brotli-compressed as NAME.br (see movie() below).
To regenerate (Debian/Ubuntu: apt-get install python3-h5py python3-brotli):
    /usr/bin/python3 make_broken_files.py            # rewrites broken/
"""
import gzip
import os
import shutil
import tempfile

import brotli
import h5py
import numpy as np

dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "broken")
out = tempfile.mkdtemp()
T, H, W, N = 40, 5, 5, 2


def movie(frames, seed):
    """A (frames, 50, 50) uint8 movie: 20 frames of uniform random bytes (50 KB), repeated. The repeats lie beyond
    gzip's 32 KB window, so every chunk is as incompressible as the fully random movie this fixture had before it was
    committed (that matters: the deflate filter of PureHDF 2.2 grows its output buffer from the compressed size, so the
    reader's peak memory depends on how well chunks compress, and a drifting pattern measured 20 MB more), while
    brotli's 16 MB window sees them and compresses the committed file to about 50 KB."""
    block = np.random.default_rng(seed).integers(0, 255, (20, 50, 50), dtype="uint8")
    return np.tile(block, (frames // 20, 1, 1))


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
    f.create_dataset("train/stimulus", data=movie(4000, 1), chunks=(100, 50, 50), compression="gzip")
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, 4000)))
# truncated.h5 and truncated-contiguous.h5 are the first halves of big.h5 and big-contiguous.h5: the tests cut them
# (BrokenFiles), so they need not be committed.
# The layout h5py uses by default (contiguous, uncompressed): read whole rather than by hyperslab. The stimulus is
# written last so that truncating the file cuts only its data, which the reader meets in that whole read.
with h5py.File(os.path.join(out, "big-contiguous.h5"), "w") as f:
    f.create_dataset("train/response/firing_rate_10ms", data=np.ones((N, 4000)))
    f.create_dataset("train/stimulus", data=movie(4000, 2))
open(os.path.join(out, "text.h5"), "w").write("this is not an HDF5 file\n" * 10)

shutil.rmtree(dest, ignore_errors=True)
os.makedirs(dest)
for name in sorted(os.listdir(out)):
    data = open(os.path.join(out, name), "rb").read()
    if name.startswith("big"):
        open(os.path.join(dest, name + ".br"), "wb").write(brotli.compress(data, quality=11, lgwin=24))
    else:
        open(os.path.join(dest, name + ".gz"), "wb").write(gzip.compress(data, compresslevel=9, mtime=0))
shutil.rmtree(out)
print(len(os.listdir(dest)), "files written to", dest)
