"""An evaluation's results as `report.json` and a self-contained `report.html` (images inlined, no network)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Sequence

from trl_visual_sdpo.evaluation import TaskEvaluation
from trl_visual_sdpo.results import RenderResult


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; background: #fff; }
table.summary td, table.summary th { padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; text-align: left; }
.task { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin: 1rem 0; }
.renders { display: flex; gap: 1rem; flex-wrap: wrap; }
.renders figure { margin: 0; max-width: 48%; }
.renders img { max-width: 100%; border: 1px solid #eee; }
.error { color: #a40000; white-space: pre-wrap; font-family: monospace; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }
"""


def _image(result: RenderResult | None, caption: str) -> str:
    if result is None:
        return ""
    if not result.ok or not result.image_png:
        return (f"<figure><figcaption>{caption}</figcaption>"
                f"<p class='error'>{html.escape(result.error or '')}</p></figure>")
    data = base64.b64encode(result.image_png).decode()
    return (f"<figure><figcaption>{caption}</figcaption>"
            f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'></figure>")


def _value(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else html.escape(str(value))


def _task(evaluation: TaskEvaluation) -> str:
    result = evaluation.result
    defects = "".join(f"<li><b>{html.escape(d.kind)}</b>: {html.escape(d.message)}</li>" for d in result.defects)
    scores = ", ".join(f"{html.escape(k)} {_value(v)}" for k, v in evaluation.scores.items()
                       if isinstance(v, (int, float)))
    status = "ran" if result.ok else "failed"
    return (f"<section class='task'><h3>{html.escape(evaluation.task_id)} &middot; {status}, "
            f"{len(result.defects)} defect(s)</h3>"
            f"<div class='renders'>{_image(result, 'generated')}{_image(evaluation.reference, 'reference')}</div>"
            f"{f'<ul>{defects}</ul>' if defects else ''}"
            f"{f'<p>{scores}</p>' if scores else ''}"
            f"<details><summary>program</summary><pre>{html.escape(result.code or evaluation.completion)}</pre>"
            f"</details></section>")


def write_report(
    out_dir: str | Path, summary: dict, evaluations: Sequence[TaskEvaluation], meta: dict
) -> tuple[Path, Path]:
    """Write `report.json` (summary, meta and every task's scores and render, images left out) and `report.html`.

    `meta` names what was evaluated, e.g. `{"model": ..., "domain": ..., "dataset": ...}`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [{"task_id": e.task_id, "completion": e.completion, "scores": e.scores, "render": e.result.to_dict()}
             for e in evaluations]
    json_path = out / "report.json"
    json_path.write_text(json.dumps({**meta, "summary": summary, "tasks": tasks}, indent=2))
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_value(v)}</td></tr>" for k, v in summary.items())
    heading = " &middot; ".join(f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in meta.items())
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>trl-visual-sdpo evaluation</title>"
            f"<style>{_STYLE}</style></head><body><h1>Evaluation</h1><p>{heading}</p>"
            f"<table class='summary'>{rows}</table>{''.join(_task(e) for e in evaluations)}</body></html>")
    html_path = out / "report.html"
    html_path.write_text(page)
    return json_path, html_path
