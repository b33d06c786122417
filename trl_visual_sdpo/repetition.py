"""A warning for the drift into repeated lines, before it costs the run.

Distillation from a teacher told to fix defects can drift into writing a fix line again and again until
`max_completion_length`, after which the programs are cut off and stop running (docs/RESULTS.md, "The end of a
program"). The share of program lines that repeat an earlier line (`completions/repeated_line_frac`) rises well before
execution falls: on the chart grid, the held-out programs of GRPO runs repeat at most 0.1 % of their lines and those
of healthy Visual-SDPO runs 1 to 5 %, while the run that collapsed repeated 13 % after 48 of its 72 steps, when 84 %
of its programs still ran, and 43 % at the end, when 47 % did.

The trainer installs `RepeatedLineAlarm` when `repeated_line_warning` is set (the default).
"""

from __future__ import annotations

import logging
from collections import deque

from transformers import TrainerCallback


logger = logging.getLogger(__name__)

METRIC = "completions/repeated_line_frac"
"""The training metric `VisualSDPOTrainer` logs: the mean share of repeated lines over a generation's programs."""


class RepeatedLineAlarm(TrainerCallback):
    """Warn once when the training rollouts' share of repeated program lines, averaged over the last `window` logs,
    reaches `threshold`.

    Args:
        threshold: the share (0 to 1) of program lines repeating an earlier line that raises the warning.
        window: how many logged values are averaged (one log a `logging_steps`), so that one odd batch does not.
    """

    def __init__(self, threshold: float, window: int = 4):
        if not 0 < threshold <= 1:
            raise ValueError(f"The repeated-line threshold must be in (0, 1], got {threshold}.")
        self.threshold = threshold
        self.values: deque[float] = deque(maxlen=window)
        self.warned_at: int | None = None

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs is None or METRIC not in logs or self.warned_at is not None:
            return
        self.values.append(float(logs[METRIC]))
        mean = sum(self.values) / len(self.values)
        if len(self.values) < self.values.maxlen or mean < self.threshold:
            return
        self.warned_at = state.global_step
        if state.is_world_process_zero:
            logger.warning(
                f"At step {state.global_step}, {mean:.0%} of the lines of the training programs repeat an earlier "
                f"line (`{METRIC}`, mean of the last {len(self.values)} logs). Visual-SDPO runs have drifted this "
                "way into writing a fix line again and again until `max_completion_length`, after which their "
                "programs stop running (docs/RESULTS.md, 'The end of a program'). Watch `completions/clipped_ratio` "
                "and the execution rate, and keep a checkpoint from before this step. `repeated_line_warning` (now "
                f"{self.threshold}) sets this threshold; None turns the warning off."
            )
