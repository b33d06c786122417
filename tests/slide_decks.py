"""Decks shared by the slide tests, and one warm `SlideRenderer` for all of them (starting one costs seconds)."""

import atexit

from trl_visual_sdpo.render.slide import SlideRenderer
from trl_visual_sdpo.sandbox import SandboxConfig


_RENDERER: list[SlideRenderer] = []


def shared_renderer() -> SlideRenderer:
    """One renderer per test session (6 s wall-clock limit per program), closed at exit."""
    if not _RENDERER:
        _RENDERER.append(SlideRenderer(SandboxConfig(num_workers=2, timeout_s=6.0)))
        atexit.register(_RENDERER[0].close)
    return _RENDERER[0]


PREAMBLE = """from pptx import Presentation
from pptx.util import Inches, Pt
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE

prs = Presentation()
slide = prs.slides.add_slide(prs.slide_layouts[6])


def text(left, top, width, height, words, size=20, color=None):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.text = words
    run = frame.paragraphs[0].runs[0]
    run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return box

"""


def deck(body: str) -> str:
    """A one-slide program: the preamble (a blank slide and a `text(...)` helper), `body`, and the save."""
    return PREAMBLE + body + 'prs.save("deck.pptx")\n'


CLEAN = deck("""text(0.5, 0.4, 9, 1.0, "Clean slide title", 36)
text(0.5, 1.6, 9, 1.2, "A short body paragraph that fits in its box.", 20)
text(0.5, 3.2, 4.2, 1.0, "Left column", 20)
text(5.3, 3.2, 4.2, 1.0, "Right column", 20)
""")

PICTURE = """import io
from PIL import Image


def picture(left, top, color):
    stream = io.BytesIO()
    Image.new("RGB", (300, 200), color).save(stream, format="PNG")
    stream.seek(0)
    return slide.shapes.add_picture(stream, Inches(left), Inches(top), width=Inches(3))

"""

DEFECTIVE = {
    "overflow": deck('text(0.5, 0.5, 4, 0.6, "This paragraph is far too long for the small box it was given, so it '
                     'runs out of the bottom of the box and over what comes below.", 20)\n'),
    "clipped_text": deck('text(0.5, 6.6, 9, 1.5, "Words near the bottom edge " * 6, 24)\n'),
    "text_overlap": deck('text(1, 1, 6, 1, "First heading text here", 28)\n'
                         'text(1.3, 1.2, 6, 1, "Second heading on top", 28)\n'),
    "out_of_canvas": deck("slide.shapes.add_shape(1, Inches(7.5), Inches(2), Inches(4), Inches(2))\n"),
    "misaligned": deck('text(0.5, 1.0, 4, 1, "Left card", 20)\ntext(5.0, 1.05, 4, 1, "Right card", 20)\n'),
    "low_contrast": deck('text(0.5, 1.0, 9, 1, "Barely visible words", 20, "DDDDDD")\n'),
    "small_text": deck('text(0.5, 1.0, 9, 1, "Tiny footnote text that nobody can read", 8)\n'),
    "data_overlap": deck(PICTURE + 'picture(1, 1, "#336699")\npicture(2.5, 1.5, "#993366")\n'),
}
"""Defect kind -> a deck built to have exactly that problem."""
