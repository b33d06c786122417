"""Does the feedback-reading self-teacher know better than the student? The premise of Visual-SDPO, measured.

On held-out chart tasks we build (flawed program, feedback, corrected program) triples:

- `rubric` channel: the flawed program is the task's reference without its layout fixes
  (`trl_visual_sdpo.data.chart.without_layout_fixes`), kept when its render has a defect; the feedback is the rubric
  text the trainer shows (defects, the lines that made them, scores); the correction is the reference program.
- `error` channel: the flawed program is the reference with one injected bug (a misspelled method, or `subplot`
  for `subplots`); the feedback is the crash's error as the trainer shows it; the correction is the reference.

- `rubric_demo` channel: the rubric triples again, the teacher also reading a sibling demonstration as
  `VisualSDPOTrainer(demonstrations="on_failure")` shows it: the best of `--demo_samples` programs the measured model
  itself samples for the task (temperature 0.7, like the trainer's rollouts), when it runs with fewer defects than the
  flawed program (triples without one are left out, so its `n` can be smaller). Siblings are ranked by (runs, fewest
  defects); the trainer also ranks by reward, which needs the reward functions.
- `rubric_hints` channel: the rubric triples again, the rubric ending with the renderer's repair hint for each kind
  of defect found (`VisualSDPOConfig(repair_hints=True)`, `ChartRenderer.repair_hints`). The hints name matplotlib
  idioms, some of which are the reference's own fix statements, so on the fix lines this channel measures in part
  copying, as the credited lines do for the plain rubric; whether hints teach layout is a training question.
- `rubric_unquoted` channel: the rubric triples again, the rubric without the program lines that made each defect
  (`VisualSDPOConfig(rubric_code_lines="none")`): how much of the lift on the fix lines survives when the teacher
  has not read the flawed lines it could copy; and `rubric_elided`, the lines quoted with their string literals and
  colours replaced by `...` (`rubric_code_lines="elided"`): the statements named, their values not copyable.

Rows of the variant channels keep the plain rubric lift of the same triple (`plain`), so each variant is compared
with the plain rubric on the same triples (`plain_mean` in the summary).

The teacher prompt is built by `trl_visual_sdpo.feedback.build_teacher_prompt` exactly as `VisualSDPOTrainer` does.
For each triple, the lift is the mean per-token log-probability of the corrected completion (one fenced program)
under the teacher (prompt + feedback) minus under the student (prompt alone), at temperature 1, over four token
sets: `all` completion tokens, the `credited` lines (lines of the correction that the credit weighting marked in
the flawed render, i.e. where Visual-SDPO's weights land; rubric channel only), the `fix` lines (lines of the
correction missing from the flawed program: the repair itself) and `fix_start`, the first token of each fix line
(the decision to write the repair at all; once a line has begun, its later tokens are nearly certain under both). A
positive lift means the teacher puts more mass on the corrected program than the student does, so distilling the
teacher moves the student towards it.

    python benchmarks/teacher_lift.py --models base outputs/sft-chart-revise   # one JSON per model, then the aggregate
    python benchmarks/teacher_lift.py --models outputs/sft-chart-revise \
        --demo_samples 4   # adds the rubric_demo channel
    python benchmarks/teacher_lift.py --models outputs/sft-chart-revise --hints   # adds the rubric_hints channel
    python benchmarks/teacher_lift.py --models outputs/sft-chart-revise --unquoted   # adds rubric_unquoted
    python benchmarks/teacher_lift.py --report

Writes `benchmarks/results/teacher_lift/<model>.json` per model and `benchmarks/results/teacher_lift.json` with
`lift[model][channel][scope]` = mean and bootstrap 95 % interval over triples.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

from sample_efficiency import code_commit


RESULTS = Path(__file__).parent / "results"
RUNS = RESULTS / "teacher_lift"
SCOPES = ("all", "credited", "fix", "fix_start")
MAX_ERROR_CHARS = 1200  # VisualSDPOConfig's default


def inject_bug(code: str, index: int) -> str:
    """A reference program with one deterministic bug that makes it crash (alternating between two kinds)."""
    if index % 2 == 0:
        return re.sub(r"\.set_title\(", ".set_titel(", code, count=1)
    return code.replace("plt.subplots(", "plt.subplot(", 1)


def build_triples(tasks, renderer, max_per_channel: int) -> list[dict]:
    """Held-out (flawed program, render of it, corrected program) triples for the rubric and error channels."""
    from trl_visual_sdpo.credit import line_credit
    from trl_visual_sdpo.data.chart import without_layout_fixes

    flawed = {"rubric": [without_layout_fixes(code) for code in tasks["reference_code"]],
              "error": [inject_bug(code, i) for i, code in enumerate(tasks["reference_code"])]}
    triples = []
    for channel, programs in flawed.items():
        results = renderer.render_batch(programs)
        kept = 0
        for task, program, result in zip(tasks, programs, results):
            wanted = (result.ok and result.defects) if channel == "rubric" else not result.ok
            if not wanted or kept >= max_per_channel:
                continue
            result.code = program
            credited = {program.splitlines()[line - 1].strip() for line in line_credit(result)}
            triples.append({"task_id": task["task_id"], "channel": channel, "prompt": task["prompt"],
                            "flawed": program, "result": result, "corrected": task["reference_code"],
                            "credited_texts": credited - {""}})
            kept += 1
    return triples


def token_scopes(tokenizer, completion: str, code_offset: int, code: str, line_sets: dict[str, set[int]],
                 first_tokens_of: tuple[str, ...] = ("fix",)):
    """Completion token ids and, per scope, a 0/1 mask of the tokens with a visible character on the scope's lines;
    for each scope in `first_tokens_of` also `<scope>_start`, the first such token of each line: the decision to
    write that line at all, which the line's later tokens (nearly certain once it has begun) dilute in a mean."""
    encoded = tokenizer(completion, add_special_tokens=False, return_offsets_mapping=True)
    line_starts = [0] + [i + 1 for i, char in enumerate(code) if char == "\n"]
    import bisect

    masks = {scope: [] for scope in [*line_sets, *(f"{scope}_start" for scope in first_tokens_of)]}
    begun: set[int] = set()
    for start, end in encoded["offset_mapping"]:
        lines = {bisect.bisect_right(line_starts, pos - code_offset)
                 for pos in range(max(start, code_offset), min(end, code_offset + len(code)))
                 if not completion[pos].isspace()}
        for scope, wanted in line_sets.items():
            masks[scope].append(1.0 if lines & wanted else 0.0)
        for scope in first_tokens_of:
            masks[f"{scope}_start"].append(1.0 if (lines & line_sets[scope]) - begun else 0.0)
        begun |= lines
    return list(encoded["input_ids"]), masks


def sibling_demonstrations(model, tokenizer, renderer, triples: list[dict], samples: int, seed: int) -> list:
    """Per triple, the best of `samples` programs the model samples for its task, if it runs with fewer defects than
    the flawed program (else `None`): the sibling rollout a `demonstrations="on_failure"` teacher reads."""
    from transformers import set_seed

    from trl_visual_sdpo.evaluation import generate_completions, render_completions

    set_seed(seed)
    prompts = [triple["prompt"] for triple in triples for _ in range(samples)]
    completions = generate_completions(model, tokenizer, prompts, max_new_tokens=448, temperature=0.7,
                                       description="Sampling siblings")
    results = render_completions(renderer, completions)
    picks = []
    for i, triple in enumerate(triples):
        siblings = [r for r in results[i * samples : (i + 1) * samples] if r.ok]
        best = min(siblings, key=lambda r: len(r.defects), default=None)
        picks.append(best if best is not None and len(best.defects) < len(triple["result"].defects) else None)
    return picks


def next_token_logps(model, tokenizer, prompt, completion_ids: list[int]):
    """`(len(completion_ids), V)` next-token log-probabilities at each completion position after the chat-formatted
    `prompt` (generation prompt added, as TRL tokenises prompts)."""
    import torch

    prompt_ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True, return_dict=True)
    prompt_ids = list(prompt_ids["input_ids"])
    ids = torch.tensor([prompt_ids + completion_ids])
    with torch.no_grad():
        logits = model(input_ids=ids, logits_to_keep=len(completion_ids) + 1).logits[0, :-1].float()
    return torch.log_softmax(logits, dim=-1)


def completion_logprobs(model, tokenizer, prompt, completion_ids: list[int]):
    """Per-token log-probabilities of `completion_ids` after the chat-formatted `prompt`."""
    import torch

    logps = next_token_logps(model, tokenizer, prompt, completion_ids)
    return logps.gather(-1, torch.tensor(completion_ids).unsqueeze(-1)).squeeze(-1)


def lift_row(teacher, student, masks: dict) -> dict:
    """Per scope with tokens: the mean teacher-minus-student log-probability and its parts. Shapes: `teacher`,
    `student` (completion tokens,); each mask the same length, 1.0 on the scope's tokens."""
    import torch

    row = {}
    for scope in SCOPES:
        mask = torch.tensor(masks[scope])
        if mask.sum() == 0:
            continue
        diff = (teacher - student) * mask
        row[scope] = {"lift": (diff.sum() / mask.sum()).item(), "tokens": int(mask.sum().item()),
                      "student": ((student * mask).sum() / mask.sum()).item(),
                      "teacher": ((teacher * mask).sum() / mask.sum()).item(),
                      "teacher_higher_frac": (((teacher > student).float() * mask).sum() / mask.sum()).item()}
    return row


def measure(model_path: str | None, triples: list[dict], renderer=None, demo_samples: int = 0,
            seed: int = 0, hints: dict[str, str] | None = None, unquoted: bool = False) -> list[dict]:
    import torch

    from trl_visual_sdpo.data.chart import fenced
    from trl_visual_sdpo.feedback import build_teacher_prompt
    from trl_visual_sdpo.models import load_policy

    model, tokenizer = load_policy(model_path, dtype=torch.float32)
    model.eval()
    rubric = [triple for triple in triples if triple["channel"] == "rubric"]
    demonstrations = {}
    if demo_samples:
        picks = sibling_demonstrations(model, tokenizer, renderer, rubric, demo_samples, seed)
        demonstrations = {id(triple): pick for triple, pick in zip(rubric, picks)}
    rows = []
    for triple in triples:
        completion = fenced(triple["corrected"])
        code_offset = completion.index("\n") + 1
        code = triple["corrected"].rstrip()
        code_lines = code.splitlines()
        flawed_lines = {line.strip() for line in triple["flawed"].splitlines()}
        line_sets = {
            "all": set(range(1, len(code_lines) + 1)),
            "credited": {n for n, line in enumerate(code_lines, 1) if line.strip() in triple["credited_texts"]},
            "fix": {n for n, line in enumerate(code_lines, 1) if line.strip() and line.strip() not in flawed_lines},
        }
        completion_ids, masks = token_scopes(tokenizer, completion, code_offset, code, line_sets)
        # The exact teacher context of the trainer: same builder, the trainer's default channel and error budget.
        teacher_prompt = build_teacher_prompt(triple["prompt"], triple["result"], ["rubric"], MAX_ERROR_CHARS)
        student = completion_logprobs(model, tokenizer, triple["prompt"], completion_ids)
        teacher = completion_logprobs(model, tokenizer, teacher_prompt, completion_ids)
        row = {"task_id": triple["task_id"], "channel": triple["channel"], "tokens": len(completion_ids),
               **lift_row(teacher, student, masks)}
        rows.append(row)
        print(f"{triple['task_id']} {triple['channel']}: lift {row['all']['lift']:+.3f}", flush=True)
        variants = {}  # rubric variants of this triple: channel -> (build_teacher_prompt keywords, extra row fields)
        demonstration = demonstrations.get(id(triple))
        if demonstration is not None:
            variants["rubric_demo"] = ({"demonstration": demonstration},
                                       {"demonstration_defects": len(demonstration.defects)})
        if hints and triple["channel"] == "rubric":
            variants["rubric_hints"] = ({"hints": hints}, {})
        if unquoted and triple["channel"] == "rubric":
            variants["rubric_unquoted"] = ({"code_lines": "none"}, {})
            variants["rubric_elided"] = ({"code_lines": "elided"}, {})
        for channel, (context, extra) in variants.items():
            variant_prompt = build_teacher_prompt(triple["prompt"], triple["result"], ["rubric"], MAX_ERROR_CHARS,
                                                  **context)
            variant = lift_row(completion_logprobs(model, tokenizer, variant_prompt, completion_ids), student, masks)
            for scope, values in variant.items():
                values["plain"] = row[scope]["lift"]
            rows.append({"task_id": triple["task_id"], "channel": channel, "tokens": len(completion_ids), **extra,
                         **variant})
            print(f"{triple['task_id']} {channel}: lift {variant['all']['lift']:+.3f}", flush=True)
    return rows


def bootstrap_interval(values: list[float], samples: int = 2000, seed: int = 0) -> list[float]:
    """95 % percentile bootstrap interval of the mean."""
    rng = random.Random(seed)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(samples))
    return [means[int(0.025 * samples)], means[int(0.975 * samples) - 1]]


def summarize(rows: list[dict]) -> dict:
    table = {}
    for channel in sorted({r["channel"] for r in rows}):
        table[channel] = {}
        for scope in SCOPES:
            values = [r[scope]["lift"] for r in rows if r["channel"] == channel and scope in r]
            if not values:
                continue
            table[channel][scope] = {
                "mean": statistics.fmean(values), "ci95": bootstrap_interval(values), "n": len(values),
                "student_logp": statistics.fmean(
                    r[scope]["student"] for r in rows if r["channel"] == channel and scope in r),
                "teacher_logp": statistics.fmean(
                    r[scope]["teacher"] for r in rows if r["channel"] == channel and scope in r),
                "teacher_higher_frac": statistics.fmean(
                    r[scope]["teacher_higher_frac"] for r in rows if r["channel"] == channel and scope in r),
            }
            paired = [r[scope]["plain"] for r in rows if r["channel"] == channel and scope in r
                      and "plain" in r[scope]]
            if paired:  # the plain rubric lift of the same triples, for a like-for-like comparison
                table[channel][scope]["plain_mean"] = statistics.fmean(paired)
    return table


def model_name(model: str) -> str:
    return "base" if model == "base" else Path(model).name


def report() -> dict:
    runs = {p.stem: json.loads(p.read_text()) for p in sorted(RUNS.glob("*.json"))}
    out = {"description": "mean per-token log-prob of the corrected program, teacher (prompt + feedback) minus "
                          "student (prompt alone), per model, channel and token scope; mean and bootstrap 95 % "
                          "interval over triples",
           "lift": {name: run["summary"] for name, run in runs.items()},
           "models": {name: run["model"] for name, run in runs.items()},
           "eval_tasks": {name: run["eval_tasks"] for name, run in runs.items()},
           # the credited scope follows the credit weighting of the commit a model was measured at
           "code_commits": {name: run.get("code_commit", "unrecorded") for name, run in runs.items()}}
    (RESULTS / "teacher_lift.json").write_text(json.dumps(out, indent=2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["base", "outputs/sft-chart-revise"],
                        help="'base' (the embedded SmolLM2-135M-Instruct), Hub ids or checkpoint directories.")
    parser.add_argument("--eval_tasks", type=int, default=35, help="Held-out tasks the triples are built from.")
    parser.add_argument("--max_per_channel", type=int, default=12, help="Triples per feedback channel.")
    parser.add_argument("--demo_samples", type=int, default=0,
                        help="Programs the model samples per rubric triple to pick a sibling demonstration from "
                             "(the rubric_demo channel); 0 leaves that channel out.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the sibling samples.")
    parser.add_argument("--hints", action="store_true",
                        help="Also measure the rubric with the renderer's repair hints (the rubric_hints channel).")
    parser.add_argument("--unquoted", action="store_true",
                        help="Also measure the rubric without the quoted program lines (the rubric_unquoted channel) "
                             "and with their literals elided (rubric_elided).")
    parser.add_argument("--report", action="store_true", help="Only aggregate the finished runs.")
    args = parser.parse_args()
    if not args.report:
        from trl_visual_sdpo.data import load_chart_tasks
        from trl_visual_sdpo.render.chart import ChartRenderer

        tasks = load_chart_tasks("test", n=args.eval_tasks)
        renderer = ChartRenderer()
        RUNS.mkdir(parents=True, exist_ok=True)
        try:
            triples = build_triples(tasks, renderer, args.max_per_channel)
            for model in args.models:
                path = RUNS / f"{model_name(model)}.json"
                start = time.perf_counter()
                rows = measure(None if model == "base" else model, triples, renderer, args.demo_samples, args.seed,
                               renderer.repair_hints if args.hints else None, args.unquoted)
                path.write_text(json.dumps({"model": model, "eval_tasks": args.eval_tasks,
                                            "demo_samples": args.demo_samples, "hints": args.hints,
                                            "unquoted": args.unquoted, "code_commit": code_commit(), "rows": rows,
                                            "summary": summarize(rows), "seconds": time.perf_counter() - start},
                                           indent=2))
        finally:
            renderer.close()
    print(json.dumps(report()["lift"], indent=2))


if __name__ == "__main__":
    sys.exit(main())
