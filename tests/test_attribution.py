import pytest

from trl_visual_sdpo.attribution import attribute_missing_lines, parse_model_lines, static_lines
from trl_visual_sdpo.render.base import Defect, Element, RenderResult


PROGRAM = """import matplotlib.pyplot as plt
year = 2024
label = "Revenue in " + str(year)
fig, ax = plt.subplots()
ax.bar(["a", "b"], [3, 5], color="#1f77b4")
ax.set_title("Quarterly revenue")
ax.set_ylabel(label)
"""


def test_static_attribution_finds_a_title_from_its_text():
    title = Element(id="t", kind="text", bbox=(0, 0, 1, 1), text="Quarterly revenue")
    assert static_lines(PROGRAM, title) == [6]


def test_static_attribution_follows_a_string_built_in_a_variable():
    ylabel = Element(id="y", kind="text", bbox=(0, 0, 1, 1), text="Revenue in 2024")
    # The literal pieces (line 3, and the year on line 2), and where the built string is drawn (line 7).
    assert static_lines(PROGRAM, ylabel) == [2, 3, 7]


def test_static_attribution_matches_colours():
    bars = Element(id="b", kind="patch", bbox=(0, 0, 1, 1), colors={"face": "#1f77b4"})
    assert static_lines(PROGRAM, bars) == [5]


def test_model_answer_parser_is_strict():
    assert parse_model_lines("LINES: 6, 3", num_lines=7) == [3, 6]
    with pytest.raises(ValueError, match="outside"):
        parse_model_lines("LINES: 3, 12", num_lines=7)
    with pytest.raises(ValueError, match="LINES"):
        parse_model_lines("I think it is line 3", num_lines=7)


def test_layers_are_used_only_where_introspection_gave_nothing():
    result = RenderResult(
        ok=True,
        code=PROGRAM,
        elements=[
            Element(id="t", kind="text", bbox=(0, 0, 1, 1), text="Quarterly revenue", lines=[6]),
            Element(id="y", kind="text", bbox=(0, 0, 1, 1), text="Revenue in 2024"),
            Element(id="g", kind="line", bbox=(0, 0, 1, 1)),
            Element(id="h", kind="line", bbox=(0, 0, 1, 1)),
        ],
        defects=[Defect(kind="clipped_text", bbox=(0, 0, 1, 1), severity=1, element_ids=["g"], message="cut")],
    )
    answers = {"g": "LINES: 4", "h": "LINES: 99"}
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return answers["g" if "cut" in prompt else "h"]

    attribute_missing_lines(result, ask)
    layers = {e.id: (e.attribution, e.lines) for e in result.elements}
    assert layers["t"] == ("runtime", [6])
    assert layers["y"] == ("static", [2, 3, 7])
    assert layers["g"] == ("model", [4])
    assert layers["h"] == ("runtime", [])  # an invalid answer leaves it unattributed
    assert len(asked) == 2 and "  6: ax.set_title" in asked[0]
