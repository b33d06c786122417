"""Does telling the teacher which requested labels a render dropped turn it against the deletion?

The rubric cannot see a label that is not drawn, so a rollout that cured a crowded axis by deleting its labels renders
"flawless", the teacher reads "no visual problems ... keep it just as clean", and distillation endorses the deletion.
`VisualSDPOConfig(label_feedback=True)` adds a rubric line naming the quoted labels the render leaves out. This
measures, with the teacher context built exactly as the trainer builds it (`build_teacher_prompt`), what that line does
to the training signal, on real label-dropping programs: the held-out programs of grid runs (`grid_v2.py` keeps them)
that ran with no defect but without some labels the prompt names (`metrics.fidelity`), one per distinct program.

Per program, mean per-token log-probabilities (temperature 1) under the student (prompt alone), the plain teacher
(prompt + today's rubric: "no visual problems") and the label teacher (prompt + rubric with the missing-labels line):

- `own_tokens`: on the student's own program, the tokens distillation trains on: `label_vs_plain` = label teacher
  minus plain teacher over `all` tokens and over the `deviating` lines (lines absent from the task's reference
  program: the deletion, and whatever else the program did its own way), and `deviating_start` (their first tokens).
  Negative: the line pushes the student off its deletion. `plain_vs_student`: positive means today's clean review
  endorses the program.
- `reference`: on the task's reference program (which draws every label), teacher minus student, as in
  `teacher_lift.py`, over `all` tokens and the `fix` lines (reference lines absent from the dropping program), for
  the plain and the label teacher: whether the line points the teacher to the complete program.

    python benchmarks/label_feedback_lift.py   # the warm start, programs of the 1657fe77 runs listed in --runs

Writes `benchmarks/results/label_feedback_lift.json`: per scope the mean and bootstrap 95 % interval over programs;
and `label_dropping.png`, some of the programs under their task's reference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import grid_v2
import teacher_lift as tl


RESULTS = Path(__file__).parent / "results"
DEFAULT_RUNS = ["critique_revise-seed0-1657fe77@0", "sdpo_uniform_stopping-seed0-1657fe77@24",
                "sdpo_credit_statement-seed0-1657fe77@24", "sdpo_credit_stopping-seed0-1657fe77@24"]


def dropping_programs(runs: list[str]) -> list[dict]:
    """The distinct held-out programs of `runs` (`<run>@<step>`) that ran with no defect but left out labels the
    prompt names, with their task, render and missing labels."""
    from trl_visual_sdpo.extract import render_completions
    from trl_visual_sdpo.metrics.fidelity import expected_labels, missing_labels, prompt_text
    from trl_visual_sdpo.render.chart import ChartRenderer

    found, seen = [], set()
    renderer = ChartRenderer()
    try:
        for run, (programs, held_out) in grid_v2.kept_evaluations(runs).items():
            tasks, samples = grid_v2.evaluation_tasks(programs, held_out)
            references = renderer.render_batch(list(tasks["reference_code"]))
            for i, result in enumerate(render_completions(renderer, programs, description=run)):
                task = tasks[i // samples]
                if not result.ok or result.defects or (task["task_id"], result.code) in seen:
                    continue
                wanted = expected_labels(prompt_text(task["prompt"]), references[i // samples])
                missing = missing_labels(result, wanted)
                if missing:
                    seen.add((task["task_id"], result.code))
                    found.append({"run": run, "task": task, "completion": programs[i], "result": result,
                                  "missing": missing, "reference": references[i // samples]})
    finally:
        renderer.close()
    return found


def plot_examples(found: list[dict], path: Path, columns: int = 6) -> None:
    """The first dropping program of up to `columns` tasks under its task's reference render: what "flawless" by
    deleting labels looks like."""
    from trl_visual_sdpo.plots import renders_grid

    firsts, tasks = [], set()
    for item in found:
        if item["task"]["task_id"] not in tasks and len(firsts) < columns:
            tasks.add(item["task"]["task_id"])
            firsts.append(item)
    renders_grid([("reference", [item["reference"] for item in firsts]),
                  ("dropped labels", [item["result"] for item in firsts])], path,
                  titles=[f"{item['task']['task_id']}\n{item['run'].split('-seed')[0]}, "
                          f"{len(item['missing'])} missing" for item in firsts])


def _line_sets(code: str, other: str) -> dict[str, set[int]]:
    """`all` lines of `code`, and as `fix` its non-blank lines absent from `other` (stripped)."""
    lines = code.rstrip().splitlines()
    others = {line.strip() for line in other.splitlines()}
    return {"all": set(range(1, len(lines) + 1)), "credited": set(),
            "fix": {n for n, line in enumerate(lines, 1) if line.strip() and line.strip() not in others}}


def measure(model_path: str, found: list[dict]) -> list[dict]:
    import torch

    from trl_visual_sdpo.data.chart import fenced
    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy
    from trl_visual_sdpo.render.chart import ChartRenderer

    model, tokenizer = load_policy(model_path, dtype=torch.float32)
    model.eval()
    rows = []
    for item in found:
        prompt, result, reference = item["task"]["prompt"], item["result"], item["task"]["reference_code"]
        teachers = {"plain": build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS),
                    "label": build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS,
                                                  missing_labels=item["missing"]),
                    "label_hint": build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS,
                                                       hints=ChartRenderer.repair_hints,
                                                       missing_labels=item["missing"])}
        row = {"run": item["run"], "task_id": item["task"]["task_id"], "missing": item["missing"]}
        # the student's own tokens: what distillation trains on
        completion = item["completion"]
        offset = completion.find(result.code)
        if offset < 0:
            continue
        ids, masks = tl.token_scopes(tokenizer, completion, offset, result.code.rstrip(),
                                     _line_sets(result.code, reference))
        student = tl.completion_logprobs(model, tokenizer, prompt, ids)
        own = {name: tl.completion_logprobs(model, tokenizer, context, ids) for name, context in teachers.items()}
        rename = {"all": "all", "fix": "deviating", "fix_start": "deviating_start"}
        pairs = {"label_vs_plain": (own["label"], own["plain"]),
                 "label_hint_vs_plain": (own["label_hint"], own["plain"]), "plain_vs_student": (own["plain"], student)}
        row["own_tokens"] = {name: {rename[k]: v for k, v in tl.lift_row(first, second, masks).items()}
                             for name, (first, second) in pairs.items()}
        # the complete program: does the line point the teacher to it?
        fixed = fenced(reference)
        ids, masks = tl.token_scopes(tokenizer, fixed, fixed.index("\n") + 1, reference.rstrip(),
                                     _line_sets(reference, result.code))
        student = tl.completion_logprobs(model, tokenizer, prompt, ids)
        row["reference"] = {name: tl.lift_row(tl.completion_logprobs(model, tokenizer, context, ids), student, masks)
                            for name, context in teachers.items()}
        rows.append(row)
        print(f"{row['run']} {row['task_id']} missing {len(item['missing'])}: own tokens label-plain "
              f"{row['own_tokens']['label_vs_plain']['all']['lift']:+.3f}", flush=True)
    return rows


def summarize(rows: list[dict]) -> dict:
    """Per comparison and scope: mean over programs with its bootstrap 95 % interval, and how many programs."""
    def stats(values: list[float]) -> dict:
        return {"mean": statistics.fmean(values), "ci95": tl.bootstrap_interval(values), "n": len(values)}

    out: dict = {"own_tokens": {}, "reference": {}}
    for comparison in ("label_vs_plain", "label_hint_vs_plain", "plain_vs_student"):
        parts = [r["own_tokens"][comparison] for r in rows]
        out["own_tokens"][comparison] = {
            scope: stats([part[scope]["lift"] for part in parts if scope in part])
            for scope in ("all", "deviating", "deviating_start") if any(scope in part for part in parts)}
    for teacher in ("plain", "label", "label_hint"):
        parts = [r["reference"][teacher] for r in rows]
        out["reference"][teacher] = {
            scope: stats([part[scope]["lift"] for part in parts if scope in part])
            for scope in ("all", "fix", "fix_start") if any(scope in part for part in parts)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="outputs/sft-chart-revise", help="The policy whose teacher is measured.")
    parser.add_argument("--runs", nargs="+", default=DEFAULT_RUNS,
                        help="Held-out evaluations (<run>@<step>) whose kept programs are searched.")
    args = parser.parse_args()
    found = dropping_programs(args.runs)
    print(f"{len(found)} distinct programs ran with no defect but dropped requested labels")
    plot_examples(found, RESULTS / "label_dropping.png")
    rows = measure(args.model, found)
    result = {"model": args.model, "runs": args.runs, "programs": len(rows), "summary": summarize(rows),
              "rows": rows}
    path = RESULTS / "label_feedback_lift.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result["summary"], indent=2))
    print(path)


if __name__ == "__main__":
    sys.exit(main())
