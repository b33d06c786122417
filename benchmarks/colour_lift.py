"""Does the feedback-reading teacher raise the student's own colour choice?

`benchmarks/colour_modes.py` finds that Visual-SDPO runs whose rubric quotes the student's program lines narrow their
colours as they train (credit: 33 distinct hex colours in 128 held-out programs at the warm start, 9 after 576
rollouts), while the probe that does not quote them (`rubric_code_lines="none"`) keeps 38. A teacher that can read
the student's colour in a quoted line gives that colour more probability than the student does; distilled on the
student's own samples, that raises whatever colour was sampled, and the commonest colours, sampled most, gain most.

This measures it on the warm start's own held-out programs (seed 0 of the grid's zero-shot run): the teacher's
log-probability (prompt + feedback) minus the student's (prompt alone) on the tokens of each hex colour literal
(`"#4c72b0"`), on the program as written:

- `quoted`: colours on a line the rubric quotes; `unquoted`: colours on the other lines of a flawed program (none
  in the warm start's programs: their colours sit in the drawing calls, which drew the defective elements);
  `clean`: colours of a program that rendered with no defect (its feedback quotes nothing);
- with the rubric as the trainer builds it by default (`quotes`, `rubric_code_lines="verbatim"`), with its quoted
  lines' string literals and colours elided (`elided`) and without quoted code (`no_quotes`, `"none"`);
- over the colour's tokens (`tokens`) and its first token after `#` alone (`start`: the choice of colour).

    python benchmarks/colour_lift.py [--model outputs/sft-chart-revise]

Writes `benchmarks/results/colour_lift.json`: per feedback and colour kind the mean lift with its bootstrap 95 %
interval over programs, and the rows.
"""

from __future__ import annotations

import argparse
import bisect
import json
from pathlib import Path

import colour_modes
import grid_v2
import repeat_lift
import teacher_lift as tl


RESULT = Path(__file__).parent / "results" / "colour_lift.json"


def colour_masks(tokenizer, code: str, quoted: set[int]) -> tuple[list[int], dict[str, list[float]]]:
    """Completion ids of the fenced `code` and, for `quoted` and `unquoted` colours, 0/1 masks of the tokens that
    overlap a colour's digits, and (`*_start`) of the first such token of each colour."""
    from trl_visual_sdpo.data.chart import fenced

    completion = fenced(code)
    head = completion.index("\n") + 1  # the program starts after the fence's first line
    encoded = tokenizer(completion, add_special_tokens=False, return_offsets_mapping=True)
    line_starts = [0] + [i + 1 for i, char in enumerate(code) if char == "\n"]
    # The colour's digits after "#": the tokens that choose it.
    spans = [(head + m.start(1) + 1, head + m.end(1),
              "quoted" if bisect.bisect_right(line_starts, m.start()) in quoted else "unquoted")
             for m in colour_modes.HEX_COLOUR.finditer(code)]
    masks = {f"{kind}{part}": [] for kind in ("quoted", "unquoted") for part in ("", "_start")}
    begun: set[int] = set()
    for start, end in encoded["offset_mapping"]:
        hits = {i for i, (a, b, _) in enumerate(spans) if start < b and end > a}
        for kind in ("quoted", "unquoted"):
            mine = {i for i in hits if spans[i][2] == kind}
            masks[kind].append(1.0 if mine else 0.0)
            masks[f"{kind}_start"].append(1.0 if mine - begun else 0.0)
        begun |= hits
    return list(encoded["input_ids"]) + [tokenizer.eos_token_id], {k: v + [0.0] for k, v in masks.items()}


def masked_mean(values, mask: list[float]) -> float | None:
    import torch

    weight = torch.tensor(mask)
    return None if weight.sum() == 0 else ((values * weight).sum() / weight.sum()).item()


def main() -> None:
    import torch

    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="outputs/sft-chart-revise")
    parser.add_argument("--run", default="zero_shot-seed0-1657fe77@0", help="Kept held-out programs (<run>@<step>).")
    args = parser.parse_args()
    _, results, tasks, samples = grid_v2.rendered_evaluation(args.run)
    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    model.eval()
    rows = []
    for i, result in enumerate(results):
        if not (result.ok and colour_modes.HEX_COLOUR.search(result.code)):
            continue
        prompt = tasks[i // samples]["prompt"]
        quoted = set(repeat_lift.quoted_lines(result))
        ids, masks = colour_masks(tokenizer, result.code, quoted)
        student = tl.completion_logprobs(model, tokenizer, prompt, ids)
        row = {"task_id": tasks[i // samples]["task_id"], "flawed": bool(result.defects)}
        for name, quotes in (("quotes", "verbatim"), ("elided", "elided"), ("no_quotes", "none")):
            teacher_prompt = build_teacher_prompt(prompt, result, ["rubric"], tl.MAX_ERROR_CHARS, code_lines=quotes)
            lift = tl.completion_logprobs(model, tokenizer, teacher_prompt, ids) - student
            for kind in ("quoted", "unquoted"):
                label = kind if result.defects else "clean"
                for part in ("", "_start"):
                    value = masked_mean(lift, masks[f"{kind}{part}"])
                    if value is not None:
                        row[f"{name}/{label}/{'start' if part else 'tokens'}"] = value
        rows.append(row)
    scopes = sorted({key for row in rows for key in row if "/" in key})
    summary = {}
    for scope in scopes:
        values = [row[scope] for row in rows if scope in row]
        summary[scope] = {"mean": sum(values) / len(values), "ci95": tl.bootstrap_interval(values), "n": len(values)}
    RESULT.write_text(json.dumps({"model": args.model, "run": args.run, "summary": summary, "rows": rows}, indent=2))
    print(json.dumps({scope: [*(round(v, 3) for v in (s["mean"], *s["ci95"])), s["n"]]
                      for scope, s in summary.items()}, indent=1))


if __name__ == "__main__":
    main()
