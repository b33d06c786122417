"""Once a policy has begun to write a line again, does its feedback-reading teacher feed the loop?

Visual-SDPO credit, seed 1 of grid budget 1657fe77, collapsed late: 13 % of its held-out program lines repeated an
earlier line after 384 rollouts, 43 % after 576 (`benchmarks/execution_by_length.py`), most of them one fix line
(`ax.tick_params(axis="x", labelrotation=45)`) written until the length limit. `repeat_lift.py` measures the pull
towards one more copy of a line appended to the warm start's programs; this measures the loop itself, on a run's own
held-out programs that repeat lines, as distillation sees them: per completion token the teacher's log-probability
(prompt + the render's feedback, as the trainer builds it: rubric with quoted lines, or the crash) minus the
student's (prompt alone), both renormalised without the tokens that end a program (`stop_neutral=True`, the default).
Reverse-KL distillation raises the student's tokens where this lift is positive. Scopes, per program:

- `repeated`: the tokens of lines that repeat an earlier line of the program (second and later copies);
- `repeated_start`: the first token of each such line (the decision to write it again);
- `first`: the tokens of every other line.

A positive `repeated` lift means the teacher feeds the loop it reads; a negative one, that distillation already
pushes against it and something else drives the collapse. `--model` is the student, and the teacher too unless
`--teacher` names other weights: a run's checkpoint alone is its live teacher (the student's own weights); with
`--teacher` the warm start, it is what `teacher_model_kind="base"` would teach that student.

    python benchmarks/loop_lift.py --model <checkpoint> --run sdpo_credit-seed1-1657fe77@48 [--teacher <warm start>]

The README's checkpoint, credit seed 1 at step 48, is in the repository's history (a parked checkpoint):

    mkdir -p outputs/parked && git archive 30c6d8f \
        benchmarks/results/parked_checkpoints/grid_v2/sdpo_credit-seed1-1657fe77/checkpoint-48 \
        | tar -x --strip-components=4 -C outputs/parked   # outputs/parked/sdpo_credit-seed1-1657fe77/checkpoint-48

Writes `benchmarks/results/loop_lift/<model>[_teacher_<teacher>]@<run>.json`: per scope the mean over programs with its
bootstrap 95 % interval, and the rows.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import grid_v2
import teacher_lift as tl


RESULTS = Path(__file__).parent / "results" / "loop_lift"


def line_segments(tokenizer, code: str) -> tuple[list[int], list[tuple[int, int, bool]]]:
    """Completion ids of the fenced `code` (no closing fence: the tokens after a program are not distilled) and, per
    non-blank line, `(start, end, repeated)`: its token span and whether an earlier line had the same text. Lines are
    tokenised apart so that each span is exact."""
    ids = tokenizer("```python\n", add_special_tokens=False)["input_ids"]
    spans, seen = [], set()
    for line in code.splitlines():
        piece = tokenizer(f"{line}\n", add_special_tokens=False)["input_ids"]
        if line.strip():
            spans.append((len(ids), len(ids) + len(piece), line.strip() in seen))
            seen.add(line.strip())
        ids += piece
    return ids, spans


def neutral_logps(model, tokenizer, prompt, ids: list[int], stop: list[int]):
    """Per-token log-probabilities of `ids` after `prompt` with the stop tokens' mass removed and the rest
    renormalised, as the divergence sees them under `stop_neutral=True`."""
    import torch

    logps = tl.next_token_logps(model, tokenizer, prompt, ids)
    go_on = torch.log1p(-logps[:, stop].exp().sum(-1).clamp(max=1 - 1e-6))
    return logps.gather(-1, torch.tensor(ids).unsqueeze(-1)).squeeze(-1) - go_on


def program_lift(lift, spans: list[tuple[int, int, bool]]) -> dict[str, float] | None:
    """Mean lift per scope over one program's line spans; None when it repeats no line."""
    repeated = [(start, end) for start, end, again in spans if again]
    first = [(start, end) for start, end, again in spans if not again]
    if not repeated:
        return None

    def mean(ranges):
        values = [lift[i].item() for start, end in ranges for i in range(start, end)]
        return sum(values) / len(values)

    return {"repeated": mean(repeated), "repeated_start": mean([(start, start + 1) for start, _ in repeated]),
            "first": mean(first), "repeated_lines": len(repeated), "lines": len(spans)}


def main() -> None:
    import torch

    from trl_visual_sdpo.extract import stop_token_ids
    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="The student (and teacher): a checkpoint or the warm start.")
    parser.add_argument("--teacher", help="Other weights for the teacher, e.g. the warm start (default: --model).")
    parser.add_argument("--run", default="sdpo_credit-seed1-1657fe77@48",
                        help="Kept held-out programs (<run>@<step>).")
    parser.add_argument("--programs", type=int, default=40, help="Most programs measured (those that repeat a line).")
    args = parser.parse_args()
    _, results, tasks, samples = grid_v2.rendered_evaluation(args.run)
    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    teacher = load_policy(args.teacher, dtype=torch.float32)[0] if args.teacher else model
    model.eval()
    teacher.eval()
    stop = stop_token_ids(tokenizer)
    rows = []
    for i, result in enumerate(results):
        if len(rows) >= args.programs or result.infra_error:
            continue
        ids, spans = line_segments(tokenizer, result.code or "")
        if not any(again for _, _, again in spans):
            continue
        prompt = tasks[i // samples]["prompt"]
        teacher_prompt = build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS, code_lines="verbatim")
        lift = (neutral_logps(teacher, tokenizer, teacher_prompt, ids, stop)
                - neutral_logps(model, tokenizer, prompt, ids, stop))
        row = program_lift(lift, spans)
        rows.append({"task_id": tasks[i // samples]["task_id"], "ran": result.ok, **row})
    if not rows:
        raise SystemExit(f"No program of {args.run} repeats a line: nothing to measure.")
    summary = {scope: {"mean": sum(r[scope] for r in rows) / len(rows),
                       "ci95": tl.bootstrap_interval([r[scope] for r in rows]), "n": len(rows)}
               for scope in ("repeated", "repeated_start", "first")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.model.strip("/") + (f"_teacher_{args.teacher.strip('/')}" if args.teacher else "")
    path = RESULTS / (re.sub(r"[^\w.-]+", "_", f"{name}@{args.run}") + ".json")
    path.write_text(json.dumps({"model": args.model, "teacher": args.teacher or args.model, "run": args.run,
                                "summary": summary, "rows": rows}, indent=2))
    print(json.dumps({scope: [round(v, 3) for v in (s["mean"], *s["ci95"])] for scope, s in summary.items()},
                     indent=1))


if __name__ == "__main__":
    main()
