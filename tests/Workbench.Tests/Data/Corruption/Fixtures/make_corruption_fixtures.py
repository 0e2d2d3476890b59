#!/usr/bin/env python3
"""Writes the h5py-made sources of the corruption corpus (CorruptionCorpusTests) into this folder.

Run once, by hand, when the fixtures must change:  /usr/bin/python3 make_corruption_fixtures.py [OUT_DIR]
(needs h5py; Debian: apt-get install python3-h5py). The .h5 files and structure.json are committed, so the tests need
no Python. The files are laid out as the reference data are written (h5py's defaults: superblock 0, version-1 object
headers, symbol-table groups, version-1 B-trees, metadata written as objects are closed, much of it at the end).

Every value follows a formula the C# tests recompute (CorruptionSources.cs):
  deep-retina stimulus[t, y, x] = (7t + 3y + x) mod 251          (+0.25 in the float64 file)
  firing_rate_10ms[n, t]        = 0.5 (n + 1) + 0.01 t         (float32 in the uint8 file, as is binned in uint8)
  binned[n, t]                  = (t (n + 1)) mod 3
  time[t]                       = 0.01 t
  test repeats[r, n, t]         = firing_rate_10ms[n, t] + r   (per cell as cellNN (R, T), or pooled (R, N, T))
  interneuron stimuli[t, y, x]  = ((5t + 2y + 3x) mod 17) - 8   (float32)
  potentials[n, t]              = 0.25 (n + 1) - 0.001 t
structure.json lists, per file, the byte offsets h5py reports for its object headers, contiguous data and chunks, so
the corpus can cut and flip bytes right at them.
"""
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
N, R = 3, 3
NO_TIMES = {"track_times": False}  # object headers without modification times: the same bytes on every run


def stimulus(t, h, w, dtype):
    tt, yy, xx = np.meshgrid(np.arange(t), np.arange(h), np.arange(w), indexing="ij")
    v = ((7 * tt + 3 * yy + xx) % 251).astype(dtype)
    return v + 0.25 if np.dtype(dtype).kind == "f" else v


def rates(t):
    n, tt = np.meshgrid(np.arange(N), np.arange(t), indexing="ij")
    return 0.5 * (n + 1) + 0.01 * tt


def binned(t):
    n, tt = np.meshgrid(np.arange(N), np.arange(t), indexing="ij")
    return (tt * (n + 1)) % 3


def deep_retina(name, t_train, t_test, size, dtype, stimulus_options, pooled, responses):
    with h5py.File(os.path.join(out, name), "w") as f:
        for split, t in [("train", t_train), ("test", t_test)]:
            f.create_dataset(f"{split}/stimulus", data=stimulus(t, size, size, dtype), **stimulus_options, **NO_TIMES)
            f.create_dataset(f"{split}/time", data=np.arange(t) * 0.01, **NO_TIMES)
            f.create_dataset(f"{split}/response/firing_rate_10ms", data=rates(t).astype(responses[0]), **NO_TIMES)
            f.create_dataset(f"{split}/response/binned", data=binned(t).astype(responses[1]), **NO_TIMES)
        repeats = np.stack([rates(t_test) + r for r in range(R)]).astype(responses[0])
        if pooled:
            f.create_dataset("test/repeats/firing_rate_10ms", data=repeats, **NO_TIMES)
        else:
            for c in range(N):
                f.create_dataset(f"test/repeats/cell{c + 1:02d}", data=repeats[:, c, :], **NO_TIMES)


# The reference's two stimulus layouts: float64 chunked and gzipped, and uint8 contiguous. 600 training frames: the
# fewest that leave training windows between train's five validation blocks and their 40-frame gaps.
deep_retina("h5py-chunked-gzip-float64.h5", 600, 60, 6, "float64",
            {"chunks": (25, 6, 6), "compression": "gzip", "compression_opts": 4}, pooled=False, responses=("float64", "float64"))
deep_retina("h5py-contiguous-uint8.h5", 600, 60, 8, "uint8", {}, pooled=True, responses=("float32", "uint8"))

with h5py.File(os.path.join(out, "h5py-interneurons.h5"), "w") as f:
    t, size, cells = 200, 6, 4
    tt, yy, xx = np.meshgrid(np.arange(t), np.arange(size), np.arange(size), indexing="ij")
    f.create_dataset("whitenoise/stimuli", data=(((5 * tt + 2 * yy + 3 * xx) % 17) - 8).astype("float32"), **NO_TIMES)
    n, ts = np.meshgrid(np.arange(cells), np.arange(t), indexing="ij")
    f.create_dataset("whitenoise/detrended_membrane_potential", data=0.25 * (n + 1) - 0.001 * ts, **NO_TIMES)
    f.create_dataset("whitenoise/cell_types", data=["bipolar ON", "bipolar OFF", "amacrine ON", "amacrine OFF"],
                     dtype=h5py.string_dtype(), **NO_TIMES)

structure = {}
for name in sorted(n for n in os.listdir(out) if n.startswith("h5py-") and n.endswith(".h5")):
    offsets = {}
    with h5py.File(os.path.join(out, name), "r") as f:
        def visit(path, obj):
            offsets[f"{path} object header"] = h5py.h5o.get_info(obj.id).addr
            if isinstance(obj, h5py.Dataset):
                if obj.chunks is None:
                    offsets[f"{path} data"] = obj.id.get_offset()
                else:
                    for i in range(obj.id.get_num_chunks()):
                        offsets[f"{path} chunk {i}"] = obj.id.get_chunk_info(i).byte_offset
        offsets["/ object header"] = h5py.h5o.get_info(f.id).addr if hasattr(f, "id") else 0
        f.visititems(visit)
    structure[name] = {"bytes": os.path.getsize(os.path.join(out, name)),
                       "offsets": dict(sorted(offsets.items(), key=lambda kv: kv[1]))}
with open(os.path.join(out, "structure.json"), "w") as fh:
    json.dump(structure, fh, indent=1)
    fh.write("\n")
for name, s in structure.items():
    print(f"{name}: {s['bytes']} bytes, {len(s['offsets'])} offsets")
