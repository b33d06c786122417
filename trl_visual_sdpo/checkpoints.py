"""Which checkpoint a run resumes from after a hard kill.

transformers writes a checkpoint's files one after another and `trainer_state.json` last, and its
`get_last_checkpoint` takes the highest-numbered `checkpoint-*` directory, complete or not. A run killed while
saving would then fail to resume, or resume from half-written weights. Here only complete checkpoints count.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from transformers.trainer import TRAINER_STATE_NAME


logger = logging.getLogger(__name__)

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def last_complete_checkpoint(output_dir: str | Path) -> str | None:
    """The highest-step `checkpoint-N` in `output_dir` whose trainer state was written; `None` if there is none."""
    folder = Path(output_dir)
    if not folder.is_dir():
        return None
    steps = sorted(((int(m.group(1)), p) for p in folder.iterdir() if p.is_dir() and (m := _CHECKPOINT.match(p.name))),
                   reverse=True)
    for _, path in steps:
        if (path / TRAINER_STATE_NAME).is_file():
            return str(path)
        logger.warning(f"{path} is incomplete (no {TRAINER_STATE_NAME}: the run was stopped while saving it); "
                       "resuming from an earlier checkpoint. Delete it once the run has resumed.")
    return None
