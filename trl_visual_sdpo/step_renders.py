"""`StepRenders`: what one generation step rendered, as the trainer hands it to credit, the teacher and the logs.

`VisualSDPOTrainer` fills one per generation step in its reward hook and keeps the last training step's as
`trainer.last_step_renders`, which `RenderTableCallback` draws. Read it in your own callbacks to log or inspect
renders; it is plain data (no tensors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trl_visual_sdpo.results import RenderResult


@dataclass
class StepRenders:
    """The completions of one generation step, local to this process, in TRL's batch order (the `num_generations`
    completions of a prompt are consecutive)."""

    prompts: list[Any]
    """TRL prompts (text or chat messages)."""
    texts: list[str]
    """Completion texts."""
    code_offsets: list[int]
    """Character offset of each completion's program in its text (credit maps program lines back through it)."""
    results: list[RenderResult]
    """Each completion's render; `result.code` is exactly the extracted program."""
    completion_ids: list[list[int]]
    rewards: list[float] | None = None
    """Weighted sum of the reward functions per completion, once the rewards are computed."""
    missing_labels: list[list[str]] | None = None
    """`label_feedback`: per completion, the labels the prompt quotes (and the task's reference draws) that its render
    does not."""
    token_spans: list[list[tuple[int, int]]] = field(default_factory=list)
    token_weights: list[list[float]] = field(default_factory=list)
    """Per completion, each token's characters and distillation weight (empty when no credit was computed)."""
