#!/usr/bin/env python3
"""Writes image.npy with numpy (the reference .npy writer) for NaturalImagesTests: a 2x3 float32 image with the same
pixel values as the 8-bit PGM that test writes itself.

The output is committed beside this script, so the tests need no Python. To regenerate (Debian/Ubuntu:
apt-get install python3-numpy):
    /usr/bin/python3 make_npy_fixture.py
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
np.save(os.path.join(here, "image.npy"), np.array([[0, 51, 102], [153, 204, 255]], dtype="float32"))
print("wrote", os.path.join(here, "image.npy"))
