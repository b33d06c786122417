"""`benchmarks/colour_lift.py`: which completion tokens choose a program's colours, quoted by the rubric or not."""

import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import colour_lift  # a plain import: a broken benchmark import fails the test rather than skipping it


def test_colour_masks_cover_the_digits_of_each_colour_split_by_quoted_line(smol_tokenizer):
    tokenizer = smol_tokenizer
    code = ('import matplotlib.pyplot as plt\n'
            'fig, ax = plt.subplots()\n'
            'ax.bar(["a", "b"], [1, 2], color="#4c4444")\n'
            'ax.plot([0, 1], [1, 2], color=\'#55A868\')\n'
            'ax.set_title("#1 of 12")\n')
    ids, masks = colour_lift.colour_masks(tokenizer, code, quoted={3})
    assert len(ids) == len(masks["quoted"]) == len(masks["unquoted_start"]) and ids[-1] == tokenizer.eos_token_id

    def chosen(mask):
        return tokenizer.decode([i for i, m in zip(ids, mask) if m])

    assert "4c4444" in chosen(masks["quoted"]) and "55" not in chosen(masks["quoted"])
    assert "55A868" in chosen(masks["unquoted"]) and "4c" not in chosen(masks["unquoted"])
    assert "#1" not in chosen(masks["quoted"]) + chosen(masks["unquoted"])  # text, not a colour
    # One first token per colour: the choice of colour.
    assert sum(masks["quoted_start"]) == 1 and sum(masks["unquoted_start"]) == 1
    assert chosen(masks["quoted_start"]).strip("#\"'") and "4" in chosen(masks["quoted_start"])
