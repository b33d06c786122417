"""Logging with pictures: every `log_renders_steps` steps, a table of the last generation's completions.

Each row shows a completion's render with its defect boxes, its rubric, the error of a crashed program and the
per-token credit shown on the code (`trl_visual_sdpo.visualize` draws them). The table goes to:

- `<output_dir>/renders/step-<N>.html`, always: a self-contained page, for users without a tracker;
- wandb, when `"wandb"` is in `report_to` and a run is open: a `wandb.Table` with `wandb.Image` renders and
  `wandb.Html` heat maps (tooltips give each token's weight);
- trackio, when `"trackio"` is in `report_to`: a `trackio.Table` with `trackio.Image` cells (its tables show
  images and text, so the heat map travels as a picture);
- TensorBoard, when `"tensorboard"` is in `report_to`: `add_image` for each boxed render and heat map, `add_text`
  for the rubric, defects and error, into the event files of transformers' own `TensorBoardCallback`.

The trainer installs `RenderTableCallback` itself when `log_renders_steps > 0`; it reads what
`VisualSDPOTrainer` kept of its last training generation (`trainer.last_step_renders`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from transformers import TrainerCallback
from transformers.integrations import TensorBoardCallback

from trl_visual_sdpo.step_renders import StepRenders
from trl_visual_sdpo.visualize import RenderRow, render_row, rows_html


if TYPE_CHECKING:  # the trainer imports this module
    from trl_visual_sdpo.trainer import VisualSDPOTrainer

TABLE_KEY = "visual_sdpo/renders"
"""Name of the table in wandb and trackio."""
TABLE_COLUMNS = ["completion", "prompt", "reward", "render", "rubric", "defects", "error", "credit"]
_PROMPT_CHARS = 500  # the prompt is context in the table, not the subject: keep rows short


def prompt_text(prompt: Any) -> str:
    """The text of a TRL prompt (a string, or chat messages whose last user turn is shown; images as `[image]`)."""
    if isinstance(prompt, str):
        text = prompt
    else:
        users = [m for m in prompt if m.get("role") == "user"] or list(prompt)
        content = users[-1].get("content", "") if users else ""
        if isinstance(content, str):
            text = content
        else:
            text = "".join(part.get("text", "") if part.get("type") == "text" else f"[{part.get('type')}]"
                           for part in content)
    text = text.strip()
    return text if len(text) <= _PROMPT_CHARS else text[:_PROMPT_CHARS] + "..."


def step_rows(step: StepRenders, count: int, scale: float) -> list[RenderRow]:
    """Rows for the first `count` completions of one generation step (whole groups of siblings come together,
    as generations of one prompt are consecutive).

    `step`: the trainer's record of a generation step, with `prompts`, `texts`, `results`, `rewards`, and
    `token_spans` / `token_weights` (empty when no credit was computed).
    """
    rows = []
    for i in range(min(count, len(step.results))):
        has_credit = i < len(step.token_weights)
        rows.append(render_row(
            title=f"completion {i}",
            prompt=prompt_text(step.prompts[i]),
            completion=step.texts[i],
            result=step.results[i],
            spans=step.token_spans[i] if has_credit else None,
            weights=step.token_weights[i] if has_credit else None,
            scale=scale,
            reward=step.rewards[i] if step.rewards is not None else None,
        ))
    return rows


def tracker_table(module: ModuleType, rows: Sequence[RenderRow], html_cells: bool):
    """`module.Table` of the rows for wandb or trackio (trackio mirrors wandb's `Table`/`Image`/`Html` API).

    `html_cells`: the credit column as `module.Html` (wandb shows HTML cells) rather than a `module.Image` of the
    heat map (trackio's tables show images and text only). A failed program has no render: its cell is None.
    """
    data = []
    for row in rows:
        render = module.Image(row.render, caption=row.title) if row.render is not None else None
        if html_cells:
            credit = module.Html(row.credit_html)
        else:
            credit = module.Image(row.credit_image, caption=f"credit, {row.title}")
        data.append([row.title, row.prompt, row.reward, render, row.rubric, row.defects, row.error, credit])
    return module.Table(columns=TABLE_COLUMNS, data=data)


def tensorboard_text(row: RenderRow) -> str:
    """The row's text for TensorBoard's markdown text panel (the error as a code block, so nothing is parsed)."""
    reward = "-" if row.reward is None else f"{row.reward:.3f}"
    parts = [f"**{row.title}** ({'ran' if row.ok else 'failed'}, reward {reward})", f"rubric: {row.rubric}"]
    if row.defects:
        parts.append("defects:\n\n" + "\n".join(f"- {line}" for line in row.defects.splitlines()))
    if row.error:
        parts.append("error:\n\n" + "\n".join("    " + line for line in row.error.splitlines()))
    return "\n\n".join(parts)


class RenderTableCallback(TrainerCallback):
    """Every `args.log_renders_steps` optimizer steps, log the last generation's renders, rubric, errors and credit.

    Args:
        trainer: the `VisualSDPOTrainer`; read for its last generation step and for transformers' TensorBoard writer.
    """

    def __init__(self, trainer: "VisualSDPOTrainer"):
        self.trainer = trainer

    def on_step_end(self, args, state, control, **kwargs):
        every = args.log_renders_steps
        if every <= 0 or state.global_step % every != 0 or not state.is_world_process_zero:
            return
        step = getattr(self.trainer, "last_step_renders", None)
        if step is None:  # no training generation yet (e.g. only evaluation ran)
            return
        rows = step_rows(step, args.num_renders_to_log, scale=1.0 + args.credit_alpha)
        self.write_html(rows, args.output_dir, state.global_step)
        report_to = args.report_to or []
        if "wandb" in report_to and importlib.util.find_spec("wandb") is not None:
            import wandb

            if wandb.run is not None:  # opened by transformers' WandbCallback on train begin
                wandb.log({TABLE_KEY: tracker_table(wandb, rows, html_cells=True),
                           "train/global_step": state.global_step})
        if "trackio" in report_to and importlib.util.find_spec("trackio") is not None:
            import trackio

            trackio.log({TABLE_KEY: tracker_table(trackio, rows, html_cells=False),
                         "train/global_step": state.global_step})
        if "tensorboard" in report_to:
            self.log_tensorboard(rows, state.global_step)

    @staticmethod
    def write_html(rows: Sequence[RenderRow], output_dir: str, global_step: int) -> Path:
        path = Path(output_dir) / "renders" / f"step-{global_step}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rows_html(rows, f"Visual-SDPO renders at step {global_step}"), encoding="utf-8")
        return path

    def log_tensorboard(self, rows: Sequence[RenderRow], global_step: int) -> None:
        """Write into the event files of transformers' `TensorBoardCallback`, next to the training scalars."""
        writers = [cb.tb_writer for cb in self.trainer.callback_handler.callbacks
                   if isinstance(cb, TensorBoardCallback) and cb.tb_writer is not None]
        if not writers:
            return
        writer = writers[0]
        for i, row in enumerate(rows):
            if row.render is not None:
                writer.add_image(f"renders/completion_{i}", np.asarray(row.render), global_step, dataformats="HWC")
            writer.add_image(f"credit/completion_{i}", np.asarray(row.credit_image), global_step, dataformats="HWC")
            writer.add_text(f"rollouts/completion_{i}", tensorboard_text(row), global_step)
        writer.flush()
