"""Does the feedback-reading teacher want the student to write a line of its program again?

The Visual-SDPO runs of grid budget 1657fe77 collapse after about 40 steps into one line repeated to the length
limit (`ax.set_title(...)` 30 times over). The rubric the teacher reads quotes the program lines that drew each
defective element ("made by line 6: `ax.set_title(...)`"), so the teacher has seen those lines and can copy them.
This measures, on the warm start's own held-out programs that rendered with a defect (seed 0 of the grid's zero-shot
run), the teacher's log-probability (prompt + rubric) minus the student's (prompt alone) of one more copy of a line
appended at the end of the program, where the collapsed programs repeat:

- `quoted`: a line the rubric quotes; `other`: a statement of the same program that it does not quote;
- with the rubric as the trainer builds it (`quotes`), with its quoted lines' string literals and colours elided
  (`elided`, `rubric_code_lines="elided"`) and without the quoted code (`no_quotes`: the defect kinds and messages
  only, `rubric_code_lines="none"`);
- over the repeated line's tokens (`line`) and its first token alone (`start`: the decision to write it again);
- `start_neutral`: the first token's lift with both distributions renormalised without the tokens that end the
  program (`extract.stop_token_ids`, what `stop_neutral=True` leaves out): what is left of the pull once stopping
  is out of the comparison.

A positive lift is what reverse-KL distillation moves the student towards: a teacher that prefers the repeat teaches
repetition. `--model` measures a run's checkpoint instead (the live teacher drifts with the student).

    python benchmarks/repeat_lift.py [--model outputs/grid_v2/sdpo_credit_stopping-seed0-1657fe77/checkpoint-36]

Writes `benchmarks/results/repeat_lift/<model>.json`: per rubric and line kind the mean lift with its bootstrap 95 %
interval, and the rows.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import grid_v2
import teacher_lift as tl


RESULTS = Path(__file__).parent / "results" / "repeat_lift"
STATEMENT = re.compile(r"^(ax|plt|fig)\w*\.\w+\(")  # a drawing call, the kind of line the collapsed runs repeat


def quoted_lines(result) -> list[int]:
    """1-based lines the rubric quotes for any of the render's defects."""
    from trl_visual_sdpo.feedback import defect_lines

    return sorted({line for defect in result.defects for line in defect_lines(defect, result)})


def repeated(tokenizer, code: str, line: str) -> tuple[list[int], int, int]:
    """Completion ids of the fenced `code` with `line` written once more at its end, and the span of that line's
    tokens. Segments are tokenised apart so that the repeat's span is exact."""
    head = tokenizer(f"```python\n{code.rstrip()}\n", add_special_tokens=False)["input_ids"]
    body = tokenizer(f"{line}\n", add_special_tokens=False)["input_ids"]
    tail = tokenizer("```", add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return head + body + tail, len(head), len(head) + len(body)


def scores(model, tokenizer, prompt, ids: list[int], position: int, stop: list[int]):
    """Per-token log-probabilities of the completion `ids` after `prompt`, and the log of the probability mass not on
    `stop` tokens at completion `position`."""
    import torch

    logps = tl.next_token_logps(model, tokenizer, prompt, ids)
    go_on = torch.log1p(-logps[position, stop].exp().sum().clamp(max=1 - 1e-6))
    return logps.gather(-1, torch.tensor(ids).unsqueeze(-1)).squeeze(-1), go_on


def main() -> None:
    import torch

    from trl_visual_sdpo.extract import stop_token_ids
    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="outputs/sft-chart-revise")
    parser.add_argument("--run", default="zero_shot-seed0-1657fe77@0", help="Kept held-out programs (<run>@<step>).")
    parser.add_argument("--programs", type=int, default=40, help="Most flawed programs measured.")
    args = parser.parse_args()
    _, results, tasks, samples = grid_v2.rendered_evaluation(args.run)
    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    model.eval()
    stop = stop_token_ids(tokenizer)
    rng = random.Random(0)
    rows = []
    for i, result in enumerate(results):
        if len(rows) >= args.programs or not (result.ok and result.defects):
            continue
        source = result.code.splitlines()
        quoted = [n for n in quoted_lines(result) if STATEMENT.match(source[n - 1].strip())]
        others = [n for n, text in enumerate(source, 1) if STATEMENT.match(text.strip()) and n not in quoted]
        if not quoted or not others:
            continue
        prompt = tasks[i // samples]["prompt"]
        teacher_prompts = {name: build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS,
                                                      code_lines=quotes)
                           for name, quotes in (("quotes", "verbatim"), ("elided", "elided"), ("no_quotes", "none"))}
        row = {"task_id": tasks[i // samples]["task_id"]}
        for kind, line in (("quoted", rng.choice(quoted)), ("other", rng.choice(others))):
            ids, start, end = repeated(tokenizer, result.code, source[line - 1].strip())
            student, student_go_on = scores(model, tokenizer, prompt, ids, start, stop)
            row[f"student_{kind}_start"] = student[start].item()
            for name, teacher_prompt in teacher_prompts.items():
                teacher, teacher_go_on = scores(model, tokenizer, teacher_prompt, ids, start, stop)
                lift = teacher - student
                row[f"{name}/{kind}/line"] = lift[start:end].mean().item()
                row[f"{name}/{kind}/start"] = lift[start].item()
                row[f"{name}/{kind}/start_neutral"] = (lift[start] - teacher_go_on + student_go_on).item()
        rows.append(row)
    scopes = [key for key in rows[0] if key != "task_id"]
    summary = {scope: {"mean": sum(r[scope] for r in rows) / len(rows),
                       "ci95": tl.bootstrap_interval([r[scope] for r in rows]), "n": len(rows)} for scope in scopes}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / (re.sub(r"[^\w.-]+", "_", args.model.strip("/")) + ".json")
    path.write_text(json.dumps({"model": args.model, "run": args.run, "summary": summary, "rows": rows}, indent=2))
    print(json.dumps({scope: [round(v, 3) for v in (s["mean"], *s["ci95"])] for scope, s in summary.items()},
                     indent=1))


if __name__ == "__main__":
    main()
