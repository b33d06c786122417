"""Web defects through the shared checks: each is found on a page built to have it, and not on the same page with
the one change that fixes it. Low contrast is axe-core's verdict."""

import pytest

from trl_visual_sdpo.render.base import (
    CLIPPED_TEXT,
    LOW_CONTRAST,
    MISALIGNED,
    OUT_OF_CANVAS,
    OVERFLOW,
    SMALL_TEXT,
    TEXT_OVERLAP,
)
from trl_visual_sdpo.render.web import WebRenderer

STYLE = ('<style>body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #111; background: #fff; }'
         "</style>\n")

# kind -> (page with the defect, the change that fixes it)
PAGES = {
    TEXT_OVERLAP: ('<div style="position:relative;height:80px">\n'
                   '<p style="position:absolute;top:0;margin:0">Overlapping words here</p>\n'
                   '<p style="position:absolute;top:6px;left:20px;margin:0">Second sentence on top</p>\n</div>',
                   ("top:6px", "top:40px")),
    OVERFLOW: ('<div style="width:120px;border:1px solid #000">Pneumonoultramicroscopicsilicovolcanoconiosis</div>',
               ("border:1px", "overflow-wrap:anywhere;border:1px")),
    CLIPPED_TEXT: ('<div style="width:120px;overflow:hidden;white-space:nowrap;border:1px solid #000">\n'
                   "A sentence far too long for its narrow box</div>", ("white-space:nowrap;", "")),
    OUT_OF_CANVAS: ('<div style="width:1800px;border:1px solid #000">A banner wider than the window</div>',
                    ("width:1800px", "max-width:100%")),
    MISALIGNED: ('<div style="display:flex;gap:20px;align-items:flex-start">\n'
                 '<div style="width:200px;border:1px solid #000">Left box</div>\n'
                 '<div style="width:200px;border:1px solid #000;margin-top:5px">Right box</div>\n</div>',
                 ("margin-top:5px", "margin-top:0")),
    LOW_CONTRAST: ('<p style="color:#c8c8c8">Hard to read grey text</p>', ("#c8c8c8", "#595959")),
    SMALL_TEXT: ('<p style="font-size:6px">Tiny footnote text</p>', ("font-size:6px", "font-size:14px")),
}


@pytest.fixture(scope="module")
def renders():
    web = WebRenderer()
    broken = [STYLE + page for page, _ in PAGES.values()]
    fixed = [STYLE + page.replace(*fix) for page, fix in PAGES.values()]
    results = web.render_batch(broken + fixed)
    web.close()
    return {kind: (results[i], results[len(PAGES) + i]) for i, kind in enumerate(PAGES)}


@pytest.mark.parametrize("kind", list(PAGES))
def test_defect_is_found_with_region_elements_and_message(renders, kind):
    result, _ = renders[kind]
    assert result.ok, result.error
    found = [d for d in result.defects if d.kind == kind]
    assert found, [d.message for d in result.defects]
    defect = found[0]
    assert 0 < defect.severity <= 1 and defect.message
    assert defect.bbox[2] > defect.bbox[0] and defect.bbox[3] > defect.bbox[1]
    by_id = {e.id: e for e in result.elements}
    assert defect.element_ids and all(i in by_id for i in defect.element_ids)
    # the defect's elements point at the line of the page that causes it (line 1 is the <style>)
    assert any(line > 1 for i in defect.element_ids for line in by_id[i].lines)


@pytest.mark.parametrize("kind", list(PAGES))
def test_the_fixed_page_has_no_defect(renders, kind):
    _, fixed = renders[kind]
    assert fixed.ok and fixed.defects == [], [d.message for d in fixed.defects]
    assert fixed.rubric["overall"] == 1.0


def test_low_contrast_is_axe_cores_measurement(renders):
    result, fixed = renders[LOW_CONTRAST]
    text = next(e for e in result.elements if e.text == "Hard to read grey text")
    assert text.meta["contrast_audited"] and text.meta["contrast"]["required"] == 4.5
    assert text.meta["contrast"]["ratio"] == pytest.approx(1.67, abs=0.05)  # #c8c8c8 on white, as axe reports it
    assert text.colors == {"color": "#c8c8c8", "background": "#ffffff"}
    assert "contrast" not in next(e for e in fixed.elements if e.text == "Hard to read grey text").meta


def test_clipped_and_overflowing_text_name_their_container(renders):
    clipped = next(d for d in renders[CLIPPED_TEXT][0].defects if d.kind == CLIPPED_TEXT)
    overflowing = next(d for d in renders[OVERFLOW][0].defects if d.kind == OVERFLOW)
    assert "cut off by its div" in clipped.message and "overflows its div" in overflowing.message
    assert len(clipped.element_ids) == 2 and len(overflowing.element_ids) == 2


def test_a_page_cannot_hide_its_defects_by_patching_the_dom_api():
    """The measurements run in an isolated JavaScript world: the page's own patches do not reach them."""
    page = STYLE + PAGES[LOW_CONTRAST][0] + "\n" + PAGES[OVERFLOW][0] + """
<script>
const nothing = () => ({left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0});
Element.prototype.getBoundingClientRect = nothing;
Range.prototype.getBoundingClientRect = nothing;
window.getComputedStyle = () => ({display: "none"});
</script>"""
    web = WebRenderer()
    try:
        result = web.render(page)
    finally:
        web.close()
    assert result.ok, result.error
    assert {LOW_CONTRAST, OVERFLOW} <= {d.kind for d in result.defects}
