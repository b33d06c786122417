"""`benchmarks/loop_lift.py`: the teacher's lift on the lines a program writes again, against its other lines."""

import sys
from pathlib import Path

import pytest
import torch


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import loop_lift  # a plain import: a broken benchmark import fails the test rather than skipping it


def test_line_spans_mark_the_second_and_later_copies_of_a_line(smol_tokenizer):
    tokenizer = smol_tokenizer
    code = 'ax.bar(x, y)\nax.tick_params(rotation=45)\n\n  ax.tick_params(rotation=45)\nax.tick_params(rotation=45)'
    ids, spans = loop_lift.line_segments(tokenizer, code)
    assert [again for _, _, again in spans] == [False, False, True, True]  # blank line skipped, indentation ignored
    assert tokenizer.decode(ids[spans[1][0]:spans[1][1]]) == "ax.tick_params(rotation=45)\n"
    assert tokenizer.decode(ids[:spans[0][0]]) == "```python\n" and spans[-1][1] == len(ids)


def test_program_lift_averages_each_scope_and_skips_programs_without_repeats():
    lift = torch.tensor([0.0, 1.0, 1.0, 3.0, 5.0, 2.0])
    spans = [(0, 3, False), (3, 5, True), (5, 6, True)]
    row = loop_lift.program_lift(lift, spans)
    assert row == pytest.approx({"repeated": 10 / 3, "repeated_start": 2.5, "first": 2 / 3, "repeated_lines": 2,
                                 "lines": 3})
    assert loop_lift.program_lift(lift, [(0, 6, False)]) is None
