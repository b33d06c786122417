"""A tiny pure-Python domain for trainer tests: programs are lines of `box("name", x0, y0, x1, y1)`.

Every box is an element made by its line; two overlapping boxes are a text_overlap defect over their intersection;
a line `fail("message")`, or a program with no box at all, fails like a crashing program; a line `infra("message")`
fails like our infrastructure (a sandbox worker that died twice), not the program.
"""

import re
import time

from trl_visual_sdpo.render.base import TEXT_OVERLAP, Defect, Element, RenderResult


_BOX = re.compile(r'box\("(\w+)",\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)\)')
_FAIL = re.compile(r'fail\("([^"]*)"\)')
_INFRA = re.compile(r'infra\("([^"]*)"\)')


class BoxRenderer:
    domain = "box"
    code_languages = ("python",)

    def __init__(self, introspect: bool = True):
        self.calls = 0
        self.introspect = introspect  # False: elements come without source lines, as from an uninstrumented library

    def render(self, code: str) -> RenderResult:
        self.calls += 1
        start = time.perf_counter()
        elements = []
        for number, line in enumerate(code.splitlines(), start=1):
            if _INFRA.search(line):
                return RenderResult.failure(f"The sandbox failed twice: {_INFRA.search(line).group(1)}", code=code,
                                            infra=True)
            failed = _FAIL.search(line)
            if failed:
                return RenderResult.failure(f"Traceback (most recent call last):\n  line {number}\n"
                                            f"RuntimeError: {failed.group(1)}", code=code)
            match = _BOX.search(line)
            if match:
                x0, y0, x1, y1 = (float(v) for v in match.groups()[1:])
                elements.append(Element(id=match.group(1), kind="text", bbox=(x0, y0, x1, y1),
                                        text=match.group(1), lines=[number] if self.introspect else []))
        if not elements:
            return RenderResult.failure("NameError: the program drew no box.", code=code)
        defects = []
        for i, a in enumerate(elements):
            for b in elements[i + 1:]:
                box = (max(a.bbox[0], b.bbox[0]), max(a.bbox[1], b.bbox[1]),
                       min(a.bbox[2], b.bbox[2]), min(a.bbox[3], b.bbox[3]))
                if box[0] < box[2] and box[1] < box[3]:
                    defects.append(Defect(kind=TEXT_OVERLAP, bbox=box, severity=1.0, element_ids=[a.id, b.id],
                                          message=f"'{a.id}' overlaps '{b.id}'"))
        rubric = {"executable": 1.0, TEXT_OVERLAP: 1.0 / (1 + len(defects))}
        return RenderResult(ok=True, code=code, size=(200, 200), elements=elements, defects=defects,
                            rubric=rubric, seconds=time.perf_counter() - start,
                            image_png=_png(elements))

    def render_batch(self, codes):
        return [self.render(code) for code in codes]

    def close(self):
        pass  # nothing kept warm


def _png(elements) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (64, 64), "white")
    draw = ImageDraw.Draw(image)
    for e in elements:
        draw.rectangle([v * 64 / 200 for v in e.bbox], outline="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def box_reward(completions, render_results=None, **kwargs):
    """Plain TRL-style reward: 1 for a render without defects, 0.5 with defects, 0 for a failure."""
    return [0.0 if not r.ok else (1.0 if not r.defects else 0.5) for r in render_results]


def length_reward(completions, **kwargs):
    """A plain TRL reward function that knows nothing about rendering."""
    return [float(len(str(c))) / 100 for c in completions]
