"""`benchmarks/execution_by_length.py`: execution of held-out programs by length and by what stopped them."""

import sys
from pathlib import Path

import pytest


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import execution_by_length as ebl  # a plain import: a broken benchmark import fails the test rather than skipping it


def test_failure_classes_name_the_exception_or_the_sandbox_verdict():
    traceback = "Traceback (most recent call last):\n  line 3, in <module>\nAttributeError: 'numpy.ndarray' object"
    assert ebl.failure_class(False, traceback, "ax.pie(x)") == "AttributeError"
    syntax = '  line 1: x=(\nFile "<program>", line 1\n    x=(\n      ^\nSyntaxError: \'(\' was never closed'
    assert ebl.failure_class(False, syntax, "x=(") == "SyntaxError"
    dotted = "Traceback (most recent call last):\nnumpy._core._exceptions._UFuncNoLoopError: ufunc 'add'"
    assert ebl.failure_class(False, dotted, "x + 'a'") == "_UFuncNoLoopError"
    assert ebl.failure_class(False, "Timed out after 20.0 s (wall clock); the program was killed.", "while 1: pass") \
        == "Timed out after 20.0 s"
    assert ebl.failure_class(False, "The program produced no figure: call plt.figure()", "x = 1") \
        == "The program produced no figure"
    assert ebl.failure_class(False, "The program produced no figure: call plt.figure()", "  \n") == "no program"
    assert ebl.failure_class(True, None, "plt.plot(x)") is None


def test_rows_count_runs_per_length_and_pool_short_and_long_over_seeds():
    short, long = "a\n\nb\n", "\n".join(["x"] * 14)  # 2 and 14 non-blank lines
    row = ebl.execution_row([short, long, long], [(True, None), (False, "NameError: name 'x'"), (True, None)], 0.5)
    assert row["by_length"]["<=8"] == {"programs": 1, "ran": 1}
    assert row["by_length"]["13-16"] == {"programs": 2, "ran": 1}
    assert row["failures"] == {"NameError": 1}
    assert row["exec_rate"] == 2 / 3 and row["recorded_exec_rate"] == 0.5 and row["mean_lines"] == 10.0
    assert row["repeated_line_frac"] == round((0 + 13 / 14 + 13 / 14) / 3, 4)  # "x" written 14 times: 13 repeats
    other_seed = ebl.execution_row([long], [(False, "SyntaxError: x")], 0.0)
    pooled = ebl.pooled_by_arm_step({"sdpo_uniform-seed0-k@72": row, "sdpo_uniform-seed1-k@72": other_seed,
                                     "grpo-seed0-k@72": ebl.execution_row([short], [(True, None)], 1.0)})
    uniform = pooled["sdpo_uniform@72"]
    assert uniform.pop("seeds") == [0, 1]
    assert uniform == pytest.approx({
        "programs": 4, "long_share": 0.75, "short_exec_rate": 1.0, "long_exec_rate": 1 / 3,
        "repeated_line_frac": (3 * row["repeated_line_frac"] + other_seed["repeated_line_frac"]) / 4})
    assert pooled["grpo@72"]["long_exec_rate"] is None


def test_repeated_line_share_counts_lines_written_again():
    from trl_visual_sdpo.extract import repeated_line_share

    collapsed = "import x\nax.bar(a, b)\n" + "ax.tick_params(rotation=45)\n" * 4 + "  ax.tick_params(rotation=45)"
    assert repeated_line_share(collapsed) == pytest.approx(4 / 7)  # 5 copies of one line: 4 repeats in 7 lines
    assert repeated_line_share("a = 1\n\nb = 2\n") == 0.0 and repeated_line_share("") == 0.0
