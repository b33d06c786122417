"""Perceptual colour similarity shared by the benchmark metrics."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def _lab(colors: Sequence[str]) -> np.ndarray:
    from skimage.color import rgb2lab

    rgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors], dtype=float)
    return rgb2lab(rgb.reshape(1, -1, 3)).reshape(-1, 3)


def ciede2000_similarity(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """`(len(first), len(second))` similarities `max(0, 1 - dE2000 / 100)` between `#rrggbb` colours."""
    from skimage.color import deltaE_ciede2000

    distance = deltaE_ciede2000(_lab(first)[:, None, :], _lab(second)[None, :, :])
    return np.clip(1 - distance / 100, 0, 1)
