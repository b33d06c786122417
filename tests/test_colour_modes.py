"""`benchmarks/colour_modes.py`: the commonest hex colour literal of a set of held-out programs."""

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

