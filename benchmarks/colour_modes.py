"""Do trained policies collapse onto one colour? The commonest hex colour literal in each kept held-out evaluation.

At 576 rollouts the seed-0 Visual-SDPO credit run of grid budget 1657fe77 paints most single-series bar charts
`#4c4444`, and its ChartMimic-style colour score falls while GRPO's rises (the teacher copies the colour of a line
the rubric quotes: `benchmarks/colour_lift.py`). This
counts, for every kept held-out evaluation of the grid (`grid_v2._kept_evaluations`: 32 tasks x 4 samples), how many
programs use each hex colour literal (`"#rrggbb"`), so the collapse can be followed over steps and compared between
arms and seeds. Text only: nothing is rendered or run.

    python benchmarks/colour_modes.py [--budget 1657fe77]

Writes `benchmarks/results/colour_modes.json`: per `<run>@<step>` the number of programs, how many use any hex colour,
how many distinct ones appear, and the commonest with the number of programs that use it. A row whose programs are
gone (a stopped run's checkpoints lost with its machine) stays as the previous file had it, so that a rerun on a new
machine does not drop the counts the README cites.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
from pathlib import Path

import grid_v2


HEX_COLOUR = re.compile(r"""["'](#[0-9a-fA-F]{6})["']""")


def colour_modes(programs: list[str]) -> dict:
    """How many of `programs` use each hex colour literal (a program counts once per colour)."""
    colours = [{colour.lower() for colour in HEX_COLOUR.findall(program)} for program in programs]
    uses = collections.Counter(colour for found in colours for colour in found)
    commonest, count = uses.most_common(1)[0] if uses else (None, 0)
    return {"programs": len(programs), "with_hex_colour": sum(bool(found) for found in colours),
            "distinct": len(uses), "commonest": commonest, "commonest_programs": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="1657fe77", help="Grid budget key (the last part of a run's name).")
    args = parser.parse_args()
    rows = {f"{name}@{step}": colour_modes(programs)
            for name, step, programs, _ in grid_v2._kept_evaluations(args.budget)}
    path = Path(__file__).parent / "results" / "colour_modes.json"
    rows = grid_v2.merge_kept_rows(path, args.budget, rows)
    path.write_text(json.dumps({"budget": args.budget, "evaluations": rows}, indent=2))
    for name, row in rows.items():
        print(f"{name}: {row['commonest']} in {row['commonest_programs']} of {row['programs']} "
              f"({row['distinct']} distinct)")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
