"""Rubric: per-axis scores in [0, 1] from a render's defects (1 = no problem of that kind).

score(kind) = exp(-sum of the severities of that kind's defects): one severe defect gives ~0.37, three mild
ones (0.2 each) ~0.55. `executable` is 1 or 0; `overall` is the mean over all axes. A failed program scores 0
on every axis, and so does a blank render (beyond `executable`): a program that draws nothing has no layout to
be right about, so an empty figure, page or slide never earns a defect-free score.
"""

from __future__ import annotations

import math
from typing import Sequence

from trl_visual_sdpo.results import BLANK, DEFECT_KINDS, Defect


def rubric_scores(ok: bool, defects: Sequence[Defect]) -> dict[str, float]:
    if not ok:
        return {"executable": 0.0, **dict.fromkeys(DEFECT_KINDS, 0.0), "overall": 0.0}
    if any(d.kind == BLANK for d in defects):
        return {"executable": 1.0, **dict.fromkeys(DEFECT_KINDS, 0.0), "overall": 0.0}
    scores = {"executable": 1.0}
    for kind in DEFECT_KINDS:
        scores[kind] = math.exp(-sum(d.severity for d in defects if d.kind == kind))
    scores["overall"] = sum(scores.values()) / len(scores)
    return scores
