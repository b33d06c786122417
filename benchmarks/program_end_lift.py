"""Does the feedback-reading teacher want the student's program to end where it ends?

Both Visual-SDPO arms of grid budget 1657fe77 collapsed after about 30 steps: their completions grew into repeated
fix lines (`ax.tick_params(...)`, `ax.set_title(...)` again and again) until the 448-token limit, and stopped running.
This measures the cause on the warm start's own held-out programs (seed 0 of the grid's zero-shot run): per program,
the teacher's log-probability (prompt + the feedback the trainer builds: rubric, or the error) minus the student's
(prompt alone) of each completion token, at temperature 1, over `all` tokens, the closing `fence` and the `eos`
token, for programs that rendered with a defect (`flawed`), without one (`clean`) and that crashed (`crash`).

A teacher told "found 3 problems ... fix them" expects a rewrite that contains the fixes, so where the student's
program ends without them it prefers another line to the closing fence. Distilled on every flawed rollout, that
lowers the student's probability of ending; `VisualSDPOConfig(distill_program_end=False)` (the default since) leaves
the tokens after the program out of distillation.

    python benchmarks/program_end_lift.py

Writes `benchmarks/results/program_end_lift.json`: per kind and scope the mean and bootstrap 95 % interval.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import grid_v2
import teacher_lift as tl


RESULTS = Path(__file__).parent / "results"


def main() -> None:
    import torch

    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="outputs/sft-chart-revise")
    parser.add_argument("--run", default="zero_shot-seed0-1657fe77@0", help="Kept held-out programs (<run>@<step>).")
    parser.add_argument("--per_kind", type=int, default=30, help="Most programs measured per kind.")
    args = parser.parse_args()
    programs, results, tasks, samples = grid_v2.rendered_evaluation(args.run)
    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    model.eval()
    rows: dict[str, list[dict]] = {"flawed": [], "clean": [], "crash": []}
    for i, (program, result) in enumerate(zip(programs, results, strict=True)):
        kind = "crash" if not result.ok else "flawed" if result.defects else "clean"
        program = program.rstrip()
        if len(rows[kind]) >= args.per_kind or not program.endswith("```"):
            continue  # only completions that closed their fence (a truncated one never decided to stop)
        ids = tokenizer(program, add_special_tokens=False)["input_ids"]
        ids = ids + [tokenizer.eos_token_id]  # as TRL's completion ids end
        prompt = tasks[i // samples]["prompt"]
        student = tl.completion_logprobs(model, tokenizer, prompt, ids)
        teacher = tl.completion_logprobs(model, tokenizer, build_teacher_prompt(prompt, result, ["rubric"],
                                                                                tl.MAX_ERROR_CHARS), ids)
        lift = teacher - student
        rows[kind].append({"task_id": tasks[i // samples]["task_id"], "all": lift.mean().item(),
                           "fence": lift[-2].item(), "eos": lift[-1].item(),
                           "student_fence": student[-2].item(), "teacher_fence": teacher[-2].item()})
    summary = {kind: {scope: {"mean": sum(r[scope] for r in found) / len(found),
                              "ci95": tl.bootstrap_interval([r[scope] for r in found]), "n": len(found)}
                      for scope in ("all", "fence", "eos", "student_fence", "teacher_fence")}
               for kind, found in rows.items() if found}
    result = {"model": args.model, "run": args.run, "summary": summary, "rows": rows}
    path = RESULTS / "program_end_lift.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    sys.exit(main())
