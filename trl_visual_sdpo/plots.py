"""Pictures of a run: training curves and grids of held-out renders, before and after training or one row per arm
(our own code, drawn in-process)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

import matplotlib


matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from trl_visual_sdpo.results import RenderResult  # noqa: E402


CURVES = (("reward", "reward"), ("render/defects_per_render", "defects per render"), ("render/exec_rate", "exec rate"))


def training_curves(log_history: list[dict], path: str | Path) -> None:
    """Reward, defects per render and execution rate against the training step."""
    fig, axes = plt.subplots(1, len(CURVES), figsize=(4 * len(CURVES), 3.2))
    for ax, (key, label) in zip(axes, CURVES):
        points = [(entry["step"], entry[key]) for entry in log_history if key in entry and "step" in entry]
        if points:
            steps, values = zip(*points)
            ax.plot(steps, values, marker="o")
        ax.set_title(label)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _thumbnail(result: RenderResult) -> Image.Image | None:
    if not result.ok or not result.image_png:
        return None
    return Image.open(io.BytesIO(result.image_png)).convert("RGB")


def renders_grid(
    rows: Sequence[tuple[str, Sequence[RenderResult]]], path: str | Path, titles: Sequence[str] = ()
) -> None:
    """One row of held-out renders per label (before and after training, or one per arm), a column per task; a failed
    program shows its error's last line."""
    columns = max((len(results) for _, results in rows), default=1) or 1
    fig, axes = plt.subplots(len(rows), columns, figsize=(3 * columns, 3.2 * len(rows)), squeeze=False)
    for row, (label, results) in enumerate(rows):
        for col in range(columns):
            ax = axes[row][col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col >= len(results):
                continue
            result = results[col]
            image = _thumbnail(result)
            if image is not None:
                ax.imshow(image)
                ax.set_xlabel(f"{len(result.defects)} defect(s)", fontsize=8)
            else:
                last_line = (result.error or "failed").strip().splitlines()[-1][:60]
                ax.text(0.5, 0.5, "failed:\n" + last_line, ha="center", va="center", wrap=True, fontsize=7,
                        transform=ax.transAxes)
            if col == 0:
                ax.set_ylabel(label)
            if row == 0 and col < len(titles):
                ax.set_title(str(titles[col]), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
