#!/usr/bin/env python3
"""Writes the h5py file InterneuronFileTests reads: no-interneurons.h5, an HDF5 file whose only group holds no
interneuron recordings.

The output is committed beside this script, gzip-compressed as no-interneurons.h5.gz (the tests unpack it), so the
tests need no Python. To regenerate (Debian/Ubuntu: apt-get install python3-h5py):
    /usr/bin/python3 make_h5py_fixtures.py
"""
import gzip
import os
import tempfile

import h5py

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "no-interneurons.h5")
    with h5py.File(path, "w") as f:
        f.create_group("nothing")
    with open(path, "rb") as src, open(os.path.join(here, "no-interneurons.h5.gz"), "wb") as gz:
        gz.write(gzip.compress(src.read(), compresslevel=9, mtime=0))
print("wrote", os.path.join(here, "no-interneurons.h5.gz"))
