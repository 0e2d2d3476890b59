#!/usr/bin/env python3
"""Writes recording.h5 (a small deep-retina recording, by h5py) and numpy-oracle.json (numpy's jackknife oracle of its
test repeats) for TrainEvaluateCommandsTests: the test trains and evaluates on this fixed recording with the workbench
and compares the oracle column of `workbench evaluate` with numpy's numbers, so it needs no Python.

The recording: 16x16 binary white noise of 2x2-pixel checkers (2000 training and 300 test frames of 10 ms; the
workbench's LN model needs at least 15x15); 4 cells, each an LN neuron
(a Gaussian spot times a biphasic 40-frame temporal filter, softplus) so that a model can learn them; training rates
are noisy, the test has 5 repeats of the same movie with independent noise whose size differs by cell, so the oracles
differ. Outputs are committed beside this script (recording.h5 gzip-compressed as recording.h5.gz).

To regenerate (Debian/Ubuntu: apt-get install python3-h5py):
    /usr/bin/python3 make_evaluation_fixture.py
"""
import gzip
import json
import os
import tempfile

import h5py
import numpy as np

HISTORY, H, W, N, R, T_TRAIN, T_TEST = 40, 16, 16, 4, 5, 2000, 300
NOISE = [0.5, 1.5, 3.0, 5.0]  # noise per cell (Hz), against rates of a few Hz
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(10)

y, x = np.mgrid[0:H, 0:W]
lags = np.arange(HISTORY)
temporal = np.exp(-lags / 4.0) * np.sin(lags / 3.0)  # lag 0 is the most recent frame
filters = []
for n, (cy, cx) in enumerate([(5, 5), (5, 10), (10, 5), (10, 10)]):
    spatial = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / 8.0) * (1 if n % 2 == 0 else -1)
    filters.append(temporal[:, None, None] * spatial[None])
filters = np.stack(filters)  # (N, HISTORY, H, W)


def rates(movie):
    s = (movie.astype(np.float64) / 255.0 - 0.5)
    drive = np.zeros((N, len(movie)))
    for t in range(HISTORY - 1, len(movie)):
        window = s[t - HISTORY + 1:t + 1][::-1]  # lag 0 first
        drive[:, t] = np.tensordot(filters, window, axes=([1, 2, 3], [0, 1, 2]))
    return 4.0 * np.log1p(np.exp(2.0 * drive))  # (N, T), softplus around a few Hz


def checkers(frames):
    return (rng.integers(0, 2, (frames, H // 2, W // 2)) * 255).astype("uint8").repeat(2, axis=1).repeat(2, axis=2)


train_movie = checkers(T_TRAIN)
test_movie = checkers(T_TEST)
noise = np.array(NOISE)[None, :, None]


def stored(r):
    """Rates as stored: non-negative, in steps of 1/16 Hz (exact in float32, so the fixture compresses well)."""
    return (np.round(np.clip(r, 0, None) * 16) / 16).astype("float32")


train_rates = stored(rates(train_movie) + noise[0] * rng.standard_normal((N, T_TRAIN)))
repeats = stored(rates(test_movie)[None] + noise * rng.standard_normal((R, N, T_TEST)))

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "recording.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("train/stimulus", data=train_movie, chunks=(100, H, W), compression="gzip")
        f.create_dataset("train/response/firing_rate_10ms", data=train_rates)
        f.create_dataset("test/stimulus", data=test_movie)
        f.create_dataset("test/response/firing_rate_10ms", data=repeats.mean(0))
        f.create_dataset("test/repeats/firing_rate_10ms", data=repeats)
    with open(path, "rb") as src, open(os.path.join(here, "recording.h5.gz"), "wb") as gz:
        gz.write(gzip.compress(src.read(), compresslevel=9, mtime=0))

# The jackknife oracle per cell, on the repeats as stored (float32 read as float64), aligned to the model's 40-frame
# history: each repeat against the mean of the others, all repeats concatenated.
rep = repeats.astype(np.float64)[:, :, HISTORY:]
loo = (rep.sum(0, keepdims=True) - rep) / (R - 1)
oracle = [float(np.corrcoef(rep[:, i].ravel(), loo[:, i].ravel())[0, 1]) for i in range(N)]
with open(os.path.join(here, "numpy-oracle.json"), "w") as f:
    json.dump({"numpy": np.__version__, "history": HISTORY, "oracle": oracle}, f, indent=1)
    f.write("\n")
print("oracle per cell:", [round(o, 4) for o in oracle])
