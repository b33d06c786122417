"""Slide rendering: python-pptx calls traced to program lines, LibreOffice kept warm and isolated, hostile decks."""

import json
import os
import time
from pathlib import Path

import psutil
import pytest
from slide_decks import CLEAN, deck, shared_renderer

from trl_visual_sdpo.render.office import OfficeConverter, OfficeError


HELPERS = """from pptx import Presentation
from pptx.util import Inches, Pt
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.dml.color import RGBColor


def note(slide, words, top):
    box = slide.shapes.add_textbox(Inches(1), Inches(top), Inches(8), Inches(0.8))
    box.text_frame.text = words
    return box


prs = Presentation()
slide = prs.slides.add_slide(prs.slide_layouts[5])
slide.shapes.title.text = "Results"
first = note(slide, "First note", 2.0)
note(slide, "Second note", 3.0)
first.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
for i in range(3):
    slide.shapes.add_shape(1, Inches(1 + 3 * i), Inches(4.2), Inches(2), Inches(0.5))
data = CategoryChartData()
data.categories = ["a", "b"]
data.add_series("s", (1, 2))
chart = slide.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(1), Inches(5), Inches(3), Inches(2), data).chart
chart.has_legend = True
slide.background.fill.solid()
slide.background.fill.fore_color.rgb = RGBColor(250, 250, 240)
prs.save("/no/such/dir/deck.pptx")
"""

THREE_SLIDES = """from pptx import Presentation
from pptx.util import Inches, Pt

prs = Presentation()
for number in range(3):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(3), Inches(8), Inches(1))
    box.text_frame.text = f"Slide number {number + 1}"
prs.save("deck.pptx")
"""


@pytest.fixture(scope="module")
def renderer():
    return shared_renderer()


def _by_text(result, text, kind="shape"):
    return next(e for e in result.elements if e.kind == kind and e.text == text)


def test_introspection_maps_shapes_to_their_lines(renderer):
    result = renderer.render(HELPERS)
    assert result.ok, result.error
    # add_slide creates the layout's title placeholder; a later assignment changes it.
    assert set(_by_text(result, "Results").lines) == {15, 16}
    # A helper called twice: each box credits the helper's lines and its own call site only; a later change to
    # the first box's font credits that line too.
    first, second = _by_text(result, "First note"), _by_text(result, "Second note")
    assert set(first.lines) == {9, 10, 17, 19}
    assert set(second.lines) == {9, 10, 18}
    # Shapes made in a loop credit the loop body; the chart frame credits its creation and the chart's change.
    rectangles = [e for e in result.elements if e.meta.get("shape_type") == "autoshape"]
    assert len(rectangles) == 3 and all(e.lines == [21] for e in rectangles)
    chart = next(e for e in result.elements if e.meta.get("shape_type") == "chart")
    assert set(chart.lines) == {25, 26} and chart.meta["chart_type"] == "pie"
    # The slide element: created by add_slide, its background changed later; the text element of a shape shares
    # the shape's lines and sits inside it.
    slide = next(e for e in result.elements if e.kind == "slide")
    assert set(slide.lines) == {15, 27, 28} and slide.colors["background"] == "#fafaf0"
    text = _by_text(result, "First note", kind="text")
    assert text.lines == first.lines and text.meta["container"] == first.id
    assert text.meta["font_pt"] == pytest.approx(28, abs=0.1)


def test_clean_deck_has_no_defects_and_measured_text(renderer):
    result = renderer.render(CLEAN)
    assert result.ok, result.error
    assert result.defects == [], [d.message for d in result.defects]
    assert result.rubric["overall"] == 1.0 and result.size == (960, 720)
    assert result.image_png.startswith(b"\x89PNG")
    title = _by_text(result, "Clean slide title", kind="text")
    shape = _by_text(result, "Clean slide title")
    # The text's box is where LibreOffice drew it (from the PDF), inside the 9 x 1 inch box at 96 px per inch.
    assert shape.bbox == pytest.approx((48, 38.4, 912, 134.4))
    assert shape.bbox[0] < title.bbox[0] < title.bbox[2] < 912 and title.bbox[3] - title.bbox[1] < 60
    assert title.colors["color"] == "#000000" and title.meta["background"] == "#ffffff"


def test_slides_are_stacked_with_boxes_in_image_pixels(renderer):
    result = renderer.render(THREE_SLIDES)
    assert result.ok, result.error
    gap = result.meta["gap_px"]
    assert result.meta["slides"] == 3 and result.size == (960, 3 * 720 + 2 * gap)
    for number in range(3):
        top = number * (720 + gap)
        slide = next(e for e in result.elements if e.kind == "slide" and e.meta["slide"] == number)
        text = _by_text(result, f"Slide number {number + 1}", kind="text")
        assert slide.bbox == (0, top, 960, top + 720)
        assert top + 288 <= text.bbox[1] < text.bbox[3] <= top + 384  # inside its 3-4 inch box
        assert text.lines == [7, 8]


@pytest.mark.parametrize(
    "code, expected",
    [
        (deck("for i in range(10_000):\n    prs.slides.add_slide(prs.slide_layouts[6])\n"), "Too many slides"),
        (deck("import io\nfrom PIL import Image\nstream = io.BytesIO()\n"
              "Image.new('L', (12000, 12000)).save(stream, format='PNG')\nstream.seek(0)\n"
              "slide.shapes.add_picture(stream, 0, 0)\n"), "12000 x 12000 px"),
        ("open('deck.pptx', 'wb').write(b'PK\\x03\\x04 this is not a real deck')\n", "not a valid .pptx"),
        ("while True:\n    pass\n", "Timed out"),
        ("x = 1\n", "made no deck"),
        (deck("slide.shapes.add_textbox(0, 0, 10, 10).text = undefined_name\n"), "NameError"),
    ],
    ids=["10000-slides", "huge-image", "corrupt-file", "infinite-loop", "no-deck", "exception"],
)
def test_hostile_programs_fail_cleanly_within_the_limit(renderer, code, expected):
    start = time.monotonic()
    result = renderer.render(code)
    assert time.monotonic() - start < renderer.sandbox_config.timeout_s + 5
    assert not result.ok and expected in result.error, result.error
    assert result.rubric["executable"] == 0.0


def test_a_deck_that_is_never_saved_still_renders(renderer):
    result = renderer.render(CLEAN.replace('prs.save("deck.pptx")\n', ""))
    assert result.ok and result.meta["source"] == "the deck (never saved)"


def _office_pids(converter):
    """soffice.bin processes in the converter's PID namespace (oosplash starts them from a thread, so they are not
    in the main thread's children list)."""
    tree = psutil.Process(converter._process.pid).children(recursive=True)
    namespaces = {os.readlink(f"/proc/{p.pid}/ns/pid") for p in tree}
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if ((entry / "comm").read_text().strip() == "soffice.bin"
                    and os.readlink(entry / "ns" / "pid") in namespaces):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_the_converter_is_isolated_restarts_after_a_hang_and_after_a_crash(renderer):
    pptx = renderer.sandbox.run(renderer.build_target, {"code": CLEAN, "limits": renderer._limits()}).value["deck"]
    converter = OfficeConverter(timeout_s=60)
    try:
        assert converter.convert(pptx).startswith(b"%PDF")
        office = _office_pids(converter)
        assert office, "no soffice.bin under the converter"
        # No network: LibreOffice lives in its own network namespace (bubblewrap --unshare-net).
        assert os.readlink(f"/proc/{office[0]}/ns/net") != os.readlink("/proc/self/ns/net")
        with pytest.raises(OfficeError, match="did not convert the deck within"):
            converter.convert(pptx, timeout_s=0.001)
        assert converter.convert(pptx).startswith(b"%PDF") and converter.restarts == 1
        os.kill(_office_pids(converter)[0], 9)  # the office dies under the bridge: restarted, the deck retried
        assert converter.convert(pptx).startswith(b"%PDF") and converter.restarts == 2
        with pytest.raises(OfficeError, match="could not convert the deck") as failed:
            converter.convert(b"not a zip file at all")
        assert not failed.value.infra
    finally:
        converter.close()


def test_an_office_that_dies_twice_is_an_infrastructure_failure(renderer, monkeypatch):
    from trl_visual_sdpo.render import office

    attempts = []
    monkeypatch.setattr(office.OfficeConverter, "_convert_once",
                        lambda self, deck, timeout: attempts.append(deck) or (office._FAILED, office._CRASHED))
    result = renderer.render(CLEAN)
    assert len(attempts) == 2 and not result.ok and result.infra_error
    assert "infrastructure failure, not the program's" in result.error


def test_cli_renders_and_scores_slides(tmp_path, monkeypatch, capsys, renderer):
    from trl_visual_sdpo import cli
    from trl_visual_sdpo.domains import load_renderer
    from trl_visual_sdpo.render.slide import SlideRenderer

    assert isinstance(load_renderer("slide"), SlideRenderer)  # registered (built lazily: nothing starts here)
    monkeypatch.setattr(cli, "load_renderer", lambda domain: renderer)  # the warm one: no second office
    (tmp_path / "deck.py").write_text(HELPERS)
    assert cli.main(["render", "slide", str(tmp_path / "deck.py"), "--json", "--out", str(tmp_path / "out")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and any(e["text"] == "First note" and e["lines"] for e in result["elements"])
    assert (tmp_path / "out" / "render.png").read_bytes().startswith(b"\x89PNG")
    (tmp_path / "pred.py").write_text(CLEAN.replace("Left column", "Another column"))
    (tmp_path / "ref.py").write_text(CLEAN)
    assert cli.main(["eval", "slide", "--pred", str(tmp_path / "pred.py"), "--ref", str(tmp_path / "ref.py"),
                     "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["ok"] and scores["position"] == 1.0 and 0.5 < scores["text"] < 1.0
    assert 0.5 < scores["similarity"] < 1.0
