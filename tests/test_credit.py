import pytest

from trl_visual_sdpo.credit import iou, line_credit, statement_spans, token_char_spans, token_weights
from trl_visual_sdpo.render.base import Defect, Element, RenderResult


PROGRAM = """import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.bar(["a", "b"], [1, 2])
ax.set_title(
    "A very long title",
    color="gray",
)
ax.set_xlabel("x")
"""
COMPLETION = "Sure! Here is the chart you asked for.\n\n```python\n" + PROGRAM + "```\nHope it helps."
TITLE_BOX = (10.0, 0.0, 110.0, 20.0)
DEFECT_BOX = (60.0, 0.0, 160.0, 20.0)  # IoU with the title box = 50*20 / (2*100*20 - 50*20) = 1/3


def _result() -> RenderResult:
    return RenderResult(
        ok=True,
        code=PROGRAM,
        size=(200, 200),
        elements=[
            Element(id="title", kind="text", bbox=TITLE_BOX, text="A very long title", lines=[4]),
            Element(id="xlabel", kind="text", bbox=(80.0, 180.0, 120.0, 195.0), text="x", lines=[8]),
            Element(id="bars", kind="patch", bbox=(20.0, 40.0, 180.0, 170.0), lines=[3]),
        ],
        defects=[Defect(kind="clipped_text", bbox=DEFECT_BOX, severity=0.5, element_ids=["title"], message="clipped")],
    )


def test_iou_known_boxes():
    assert iou(TITLE_BOX, DEFECT_BOX) == pytest.approx(1 / 3)
    assert iou(TITLE_BOX, TITLE_BOX) == 1.0
    assert iou(TITLE_BOX, (500, 500, 600, 600)) == 0.0


def test_multi_line_statement_credits_all_its_lines():
    spans = statement_spans(PROGRAM)
    assert spans[4] == spans[5] == spans[6] == spans[7] == (4, 7)
    credit = line_credit(_result())
    assert credit == {line: pytest.approx(1 / 3) for line in (4, 5, 6, 7)}


def test_element_box_credits_the_statement_that_drew_a_small_element_next_to_a_large_one():
    # `ax.bar` draws the bars and a tick label that the figure edge cuts: its union box is the bars' area, so the
    # union ("statement") credit is small, while the label's own box ("element") matches the defect exactly.
    label_box = (20.0, 175.0, 40.0, 185.0)
    result = RenderResult(
        ok=True,
        code=PROGRAM,
        size=(200, 200),
        elements=[
            Element(id="bars", kind="patch", bbox=(20.0, 40.0, 180.0, 170.0), lines=[3]),
            Element(id="tick", kind="text", bbox=label_box, text="a", lines=[3]),
        ],
        defects=[Defect(kind="clipped_text", bbox=label_box, severity=0.5, element_ids=["tick"], message="cut")],
    )
    union = iou((20.0, 40.0, 180.0, 185.0), label_box)
    assert union < 0.01
    assert line_credit(result, box="statement") == {3: pytest.approx(union)}
    assert line_credit(result) == line_credit(result, box="element") == {3: 1.0}
    with pytest.raises(ValueError, match="credit box"):
        line_credit(result, box="union")


def test_compound_statement_owns_only_its_header():
    spans = statement_spans("for i in range(3):\n    plt.plot([i])\nplt.title('t')\n")
    assert spans[1] == (1, 1) and spans[2] == (2, 2) and spans[3] == (3, 3)


def test_failed_render_has_no_credit():
    assert line_credit(RenderResult.failure("boom", code=PROGRAM)) == {}


def test_token_weights_with_a_real_tokenizer(smol_tokenizer):
    ids = smol_tokenizer(COMPLETION, add_special_tokens=False)["input_ids"]
    spans = token_char_spans(smol_tokenizer, ids, COMPLETION)
    offset = COMPLETION.index(PROGRAM)
    alpha = 2.0
    weights, credits, lines = token_weights(_result(), spans, COMPLETION, offset, alpha)
    assert len(weights) == len(ids)
    title_start, title_end = offset + PROGRAM.index("ax.set_title"), offset + PROGRAM.index("\nax.set_xlabel")
    expected = 1 + alpha / 3
    seen_title_token = False
    for (start, end), weight in zip(spans, weights):
        visible = [p for p in range(start, end) if not COMPLETION[p].isspace()]
        if visible and all(title_start <= p < title_end for p in visible):
            assert weight == pytest.approx(expected)
            seen_title_token = True
        elif not visible or all(p < title_start or p >= title_end for p in visible):
            assert weight == 1.0, COMPLETION[start:end]
    assert seen_title_token
    assert {line for line in lines if line is not None} <= {4, 5, 6, 7}
    # Prose before the fence and the fence itself are never credited.
    prose_tokens = [w for (s, e), w in zip(spans, weights) if e <= offset]
    assert prose_tokens and all(w == 1.0 for w in prose_tokens)


def test_char_spans_fall_back_to_prefix_decoding(smol_tokenizer):
    text = "x = 1\nprint(x)\n"
    # A non-canonical segmentation: one token per character, as sampling can produce.
    ids = [smol_tokenizer.convert_tokens_to_ids(smol_tokenizer.tokenize(ch)[0]) for ch in "x = 1"]
    spans = token_char_spans(smol_tokenizer, ids, text[:5])
    assert [text[s:e] for s, e in spans] == ["x", " ", "=", " ", "1"]


def test_program_token_mask_leaves_out_the_tokens_after_the_program():
    from trl_visual_sdpo.credit import program_token_mask

    text = "Here:\n```python\nx = 1\n```"  # the program "x = 1\n" starts at 16 and ends (non-blank) at 21
    spans = [(0, 5), (5, 16), (16, 17), (17, 21), (21, 22), (22, 25), (25, 25)]  # ..., "\n", "```", EOS
    assert program_token_mask(spans, text.index("x = 1") + len("x = 1")) == [1.0] * 4 + [0.0] * 3
