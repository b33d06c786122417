"""Why do Visual-SDPO's held-out programs stop running late in training? Execution by program length and error class.

At 576 rollouts both seed-0 Visual-SDPO runs of grid budget 1657fe77 run 116 of 128 held-out programs where GRPO runs
123, although they ran as many as GRPO at 192. Their programs also grow (the teacher pulls towards one more line:
`benchmarks/repeat_lift.py`). This re-renders every kept held-out evaluation of the grid
(`grid_v2._kept_evaluations`: 32 tasks x 4 samples) in the chart sandbox and counts, per evaluation, how many programs
of each length run, and what the failures are (the exception's name, or the sandbox's verdict such as a time-out), so
that "longer programs fail more" and "the same programs fail more" can be told apart across arms, steps and seeds.

    python benchmarks/execution_by_length.py [--budget 1657fe77] [--force]

Writes `benchmarks/results/execution_by_length.json`: per `<run>@<step>` the programs' mean length (non-blank lines of
the extracted program) and the mean share of their lines that repeat an earlier line (`repeated_line_frac`), the
execution rate recorded at evaluation time and the one re-rendered here, runs per length bucket and failures per class;
and, pooled over seeds per `<arm>@<step>`, the execution rate of programs of at most 12 lines and of longer ones, and
the repeated share. Evaluations already in the file are not rendered again unless `--force`; rows whose programs are
gone stay as the file had them.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
from pathlib import Path

import grid_v2

from trl_visual_sdpo.extract import repeated_line_share


BUCKETS = ((0, 8, "<=8"), (9, 12, "9-12"), (13, 16, "13-16"), (17, 10**9, ">=17"))
SHORT = 12
"""Programs of at most this many lines count as short in the pooled summary (the warm start's typical length)."""
EXCEPTION = re.compile(r"^(?:\w+\.)*(\w+(?:Error|Exception|Exit|Interrupt))\b", re.MULTILINE)
"""An exception's class name at the start of a traceback line, without its module path."""


def program_lines(code: str) -> int:
    """Non-blank lines of an extracted program."""
    return sum(bool(line.strip()) for line in code.splitlines())


def failure_class(ok: bool, error: str | None, code: str) -> str | None:
    """None for a program that ran; else what stopped it: the last exception named in the error (`AttributeError`),
    `no program` when the completion held none, or the sandbox's verdict up to its first clause (`Timed out after
    20.0 s`)."""
    if ok:
        return None
    if not code.strip():
        return "no program"
    found = EXCEPTION.findall(error or "")
    if found:
        return found[-1]
    return re.split(r"[;:(]", error or "unknown")[0].strip() or "unknown"


def length_bucket(lines: int) -> str:
    return next(label for low, high, label in BUCKETS if low <= lines <= high)


def repeated_share(codes: list[str]) -> float:
    """Mean share of each program's lines that repeat an earlier line of it: the collapse's signature."""
    return round(sum(repeated_line_share(code) for code in codes) / max(len(codes), 1), 4)


def execution_row(codes: list[str], outcomes: list[tuple[bool, str | None]], recorded_exec_rate: float | None) -> dict:
    """Execution of one evaluation's programs: `codes[i]` (extracted) rendered with `outcomes[i]` = (ok, error)."""
    buckets = {label: {"programs": 0, "ran": 0} for _, _, label in BUCKETS}
    failures: collections.Counter[str] = collections.Counter()
    lines = [program_lines(code) for code in codes]
    for code, length, (ok, error) in zip(codes, lines, outcomes, strict=True):
        bucket = buckets[length_bucket(length)]
        bucket["programs"] += 1
        bucket["ran"] += ok
        failure = failure_class(ok, error, code)
        if failure:
            failures[failure] += 1
    ran = sum(ok for ok, _ in outcomes)
    return {"programs": len(codes), "mean_lines": round(sum(lines) / max(len(codes), 1), 2),
            "repeated_line_frac": repeated_share(codes),
            "recorded_exec_rate": recorded_exec_rate, "exec_rate": ran / max(len(codes), 1),
            "by_length": buckets, "failures": dict(failures.most_common())}


def pooled_by_arm_step(rows: dict[str, dict]) -> dict[str, dict]:
    """Rows keyed `<arm>-seed<k>-<budget>@<step>` pooled over seeds: programs, share longer than `SHORT` lines and
    the execution rate of short and of long programs."""
    pooled: dict[str, dict] = {}
    for name, row in rows.items():
        run, step = name.rsplit("@", 1)
        arm, seed, _ = grid_v2._run_name(run)
        entry = pooled.setdefault(f"{arm}@{step}", {"seeds": [], "short": [0, 0], "long": [0, 0], "repeated": []})
        entry["seeds"].append(seed)
        if "repeated_line_frac" in row:
            entry["repeated"].append((row["repeated_line_frac"], row["programs"]))
        for (low, _, label) in BUCKETS:
            side = entry["short"] if low <= SHORT else entry["long"]
            side[0] += row["by_length"][label]["programs"]
            side[1] += row["by_length"][label]["ran"]
    return {key: {"seeds": sorted(entry["seeds"]),
                  "programs": entry["short"][0] + entry["long"][0],
                  "long_share": entry["long"][0] / max(entry["short"][0] + entry["long"][0], 1),
                  "short_exec_rate": entry["short"][1] / entry["short"][0] if entry["short"][0] else None,
                  "long_exec_rate": entry["long"][1] / entry["long"][0] if entry["long"][0] else None,
                  "repeated_line_frac": (sum(share * n for share, n in entry["repeated"])
                                         / sum(n for _, n in entry["repeated"]) if entry["repeated"] else None)}
            for key, entry in sorted(pooled.items())}


def write(path: Path, budget: str, rows: dict[str, dict]) -> dict:
    """Write `rows` over the file's rows for `budget`, with the pooled summary; returns what was written."""
    rows = grid_v2.merge_kept_rows(path, budget, rows)
    data = {"budget": budget, "short_lines": SHORT, "evaluations": rows, "pooled": pooled_by_arm_step(rows)}
    path.write_text(json.dumps(data, indent=2))
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="1657fe77", help="Grid budget key (the last part of a run's name).")
    parser.add_argument("--force", action="store_true", help="Render again the evaluations the file already holds.")
    args = parser.parse_args()

    from trl_visual_sdpo.extract import render_completions
    from trl_visual_sdpo.render.chart import ChartRenderer

    path = Path(__file__).parent / "results" / "execution_by_length.json"
    done = {} if args.force else grid_v2.merge_kept_rows(path, args.budget, {})
    rows = {}
    renderer = ChartRenderer()
    try:
        for name, step, programs, held_out in grid_v2._kept_evaluations(args.budget):
            key = f"{name}@{step}"
            if key in done:
                continue
            results = render_completions(renderer, programs, description=key)
            if any(result.infra_error for result in results):
                raise SystemExit(f"{key}: the sandbox itself failed on some programs; rerun to render them again.")
            rows[key] = execution_row([r.code for r in results], [(r.ok, r.error) for r in results],
                                      held_out.get("exec_rate"))
            print(f"{key}: ran {rows[key]['exec_rate']:.3f} (recorded {held_out.get('exec_rate')}), "
                  f"{rows[key]['mean_lines']} lines, {rows[key]['failures']}")
            write(path, args.budget, rows)  # after each evaluation, so a stopped run keeps what it rendered
    finally:
        renderer.close()
    for key, entry in write(path, args.budget, rows)["pooled"].items():
        short = "-" if entry["short_exec_rate"] is None else f"{entry['short_exec_rate']:.3f}"
        long = "-" if entry["long_exec_rate"] is None else f"{entry['long_exec_rate']:.3f}"
        print(f"{key} (seeds {entry['seeds']}): {entry['long_share']:.0%} long; runs short {short}, long {long}; "
              f"{entry['repeated_line_frac'] or 0:.1%} of lines repeated")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
