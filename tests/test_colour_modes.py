"""`benchmarks/colour_modes.py`: the commonest hex colour literal of a set of held-out programs."""

import json
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import colour_modes  # a plain import: a broken benchmark import fails the test rather than skipping it


def test_counts_each_program_once_per_colour_case_blind():
    programs = ['ax.bar(x, y, color="#4C4444")\nax.plot(x, y, color="#4c4444")',  # one program, one colour
                "ax.bar(x, y, color='#4c4444', edgecolor='#55a868')",
                'ax.bar(x, y, color="tab:blue")',  # a named colour is not a hex literal
                'ax.set_title("#1 of 12")']  # nor is text that starts with #
    assert colour_modes.colour_modes(programs) == {"programs": 4, "with_hex_colour": 2, "distinct": 2,
                                                   "commonest": "#4c4444", "commonest_programs": 2}
    assert colour_modes.colour_modes(['ax.bar(x, y)'])["commonest"] is None


def test_a_rerun_keeps_the_rows_whose_programs_are_gone_and_replaces_the_rest(tmp_path):
    path = tmp_path / "colour_modes.json"
    lost, kept = {"programs": 128, "distinct": 16}, {"programs": 128, "distinct": 29}
    path.write_text(json.dumps({"budget": "b1", "evaluations": {"probe@48": lost, "run@24": {"distinct": 1}}}))
    assert colour_modes.merge_rows(path, "b1", {"run@24": kept}) == {"probe@48": lost, "run@24": kept}
    # another budget's rows are not this one's
    assert colour_modes.merge_rows(path, "b2", {"run@24": kept}) == {"run@24": kept}
    assert colour_modes.merge_rows(tmp_path / "absent.json", "b1", {}) == {}
