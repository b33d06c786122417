"""Visual-grounded code credit: defects x elements x code spans -> per-token distillation weights.

credit(statement) = max over defects d and elements e the statement made of IoU(box(e), region(d)),
weight(token)     = 1 + alpha * credit(statement the token belongs to).

`box="statement"` compares the union box of all the statement's elements instead (the first version). A statement
such as `ax.bar(labels, values)` draws the bars and the tick labels, so the union is the whole axes and a clipped
tick label gets an IoU near 0.01 with it; each element's own box gives that label's statement an IoU near 1
(benchmarks/attribution_injection.py measures both).

Knows `RenderResult` and a tokenizer, nothing of the trainer.
"""

from __future__ import annotations

import ast
import bisect
from collections import defaultdict
from typing import Sequence

from trl_visual_sdpo.results import ATTRIBUTION_RUNTIME, BBox, RenderResult


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two `(x0, y0, x1, y1)` boxes; 0 when either is empty."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area_a = max(0.0, a[2] - a[0]) * max(0.0, a[3] - a[1])
    area_b = max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def union_box(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def statement_spans(code: str) -> dict[int, tuple[int, int]]:
    """Map each line to the `(first, last)` lines of the innermost statement it belongs to.

    A simple statement spans all its physical lines (a call written over three lines is one statement); a
    compound statement (`for`, `with`, `def`...) owns only its header lines, its body belongs to the body's
    statements. Lines of a program that does not parse map to themselves.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return {}
    spans: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            first, last = node.lineno, max(node.lineno, body[0].lineno - 1)
        else:
            first, last = node.lineno, node.end_lineno or node.lineno
        for line in range(first, last + 1):
            old = spans.get(line)
            if old is None or (last - first) < (old[1] - old[0]):
                spans[line] = (first, last)
    return spans


CREDIT_BOXES = ("element", "statement")


def line_credit(result: RenderResult, box: str = "element") -> dict[int, float]:
    """Per source line (1-based), the max IoU between a defect region and the statement's box.

    `box="element"`: the best IoU over the boxes of the elements the statement made; `"statement"`: the IoU with the
    union box of those elements. Lines an element names are first widened to their whole statement, so every line of
    a multi-line call is credited. Lines with no element, and every line of a failed render, get no entry (credit 0).
    """
    if box not in CREDIT_BOXES:
        raise ValueError(f"box={box!r} is not a credit box; use one of {CREDIT_BOXES}.")
    if not result.ok or not result.defects:
        return {}
    spans = statement_spans(result.code)
    boxes: dict[tuple[int, int], list[BBox]] = defaultdict(list)
    for element in result.elements:
        for statement in {spans.get(line, (line, line)) for line in element.lines}:
            boxes[statement].append(element.bbox)
    credit: dict[int, float] = {}
    for (first, last), statement_boxes in boxes.items():
        compared = statement_boxes if box == "element" else [union_box(statement_boxes)]
        score = max(iou(one, defect.bbox) for one in compared for defect in result.defects)
        if score > 0:
            for line in range(first, last + 1):
                credit[line] = max(credit.get(line, 0.0), score)
    return credit


def token_char_spans(tokenizer, token_ids: Sequence[int], text: str) -> list[tuple[int, int]]:
    """Character span in `text` of each token of `token_ids`, where `text` is their decoded completion.

    Uses the tokenizer's offset mapping when re-encoding `text` gives back exactly `token_ids` (the usual case);
    otherwise (special tokens, a non-canonical sampled segmentation) spans come from decoding growing prefixes of
    the sampled ids, which is exact for the ids that were really generated.
    """
    ids = list(token_ids)
    if getattr(tokenizer, "is_fast", False):
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        if list(encoded["input_ids"]) == ids:
            return [tuple(span) for span in encoded["offset_mapping"]]
    spans, previous = [], 0
    for i in range(len(ids)):
        end = len(tokenizer.decode(ids[: i + 1], skip_special_tokens=True))
        end = max(previous, min(end, len(text)))
        spans.append((previous, end))
        previous = end
    return spans


def program_token_mask(spans: Sequence[tuple[int, int]], program_end: int) -> list[float]:
    """1.0 for each token that starts before `program_end` (the offset just past the program's last non-blank
    character in the completion), 0.0 for the tokens after it: the closing fence, any trailing prose and EOS, where
    the completion decides to stop."""
    return [1.0 if start < program_end else 0.0 for start, _ in spans]


def credited_line_layers(result: RenderResult) -> dict[int, str]:
    """Line -> attribution layer (`runtime`, `static`, `model`) of the elements that credit the line's statement."""
    spans = statement_spans(result.code)
    layers: dict[int, str] = {}
    for element in result.elements:
        for line in element.lines:
            first, last = spans.get(line, (line, line))
            for covered in range(first, last + 1):
                if layers.get(covered) != ATTRIBUTION_RUNTIME:  # runtime evidence wins over a fallback
                    layers[covered] = element.attribution
    return layers


def token_weights(
    result: RenderResult,
    char_spans: Sequence[tuple[int, int]],
    completion: str,
    code_offset: int,
    alpha: float,
    box: str = "element",
) -> tuple[list[float], list[float], list[int | None]]:
    """Distillation weight `1 + alpha * credit`, the raw credit and the credited line of each completion token.

    Args:
        result: the render of the code found in `completion`.
        char_spans: `(start, end)` of each token in `completion` (see `token_char_spans`).
        completion: the completion text.
        code_offset: where `result.code` starts inside `completion`.
        alpha: credit strength.
        box: how a statement's box meets a defect's region (see `line_credit`).

    A token takes the highest credit of the lines its visible characters lie on (its credited line, None when
    it has no credit); whitespace-only tokens and tokens outside the code (prose, fences) get credit 0, weight 1.
    """
    credit_by_line = line_credit(result, box)
    line_starts = [0] + [i + 1 for i, char in enumerate(result.code) if char == "\n"]
    credits, credited_lines = [], []
    code_end = code_offset + len(result.code)
    for start, end in char_spans:
        credit, credited_line = 0.0, None
        if credit_by_line:
            lines = {
                bisect.bisect_right(line_starts, pos - code_offset)
                for pos in range(max(start, code_offset), min(end, code_end))
                if not completion[pos].isspace()
            }
            best = max(lines, key=lambda line: credit_by_line.get(line, 0.0), default=None)
            if best is not None and credit_by_line.get(best, 0.0) > 0:
                credit, credited_line = credit_by_line[best], best
        credits.append(credit)
        credited_lines.append(credited_line)
    return [1.0 + alpha * c for c in credits], credits, credited_lines
