"""Attribution fallback: source lines for elements that runtime introspection could not attribute.

Used only where an element has no `lines` (a library we do not instrument, a program that failed before drawing).
Two layers, tried in order, each recorded in `Element.attribution`:

1. `static`: match the element's text, colours and numbers to literals in the program (Python's `ast`), following
   a literal through the variable it is assigned to, to the lines that use that variable.
2. `model`: ask a model which lines made the element, with the numbered code and the defect described; the answer
   is parsed strictly and validated against the program's line count.

Knows `RenderResult` and `Element`, nothing of torch or the trainer (the model layer takes a plain callable).
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Iterable

from trl_visual_sdpo.results import Element, RenderResult


ATTRIBUTION_STATIC = "static"
ATTRIBUTION_MODEL = "model"

MODEL_PROMPT = (
    "Here is a program, with line numbers:\n{code}\n\n"
    "Its rendered output has an element {element}. {problem}\n"
    "Which line numbers of the program created or styled that element? "
    "Answer with one line of the form `LINES: 3, 7` and nothing else."
)
_ANSWER = re.compile(r"^\s*LINES:\s*(\d+(?:\s*,\s*\d+)*)\s*$", re.MULTILINE)


def _literal_values(node: ast.AST) -> Iterable[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) and not isinstance(
        node.value, bool
    ):
        yield str(node.value)
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _literal_values(part)


def _assigned_names(tree: ast.AST) -> dict[int, set[str]]:
    """Line -> names a statement on that line assigns."""
    names: dict[int, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names.setdefault(node.lineno, set()).add(name.id)
    return names


def _name_uses(tree: ast.AST) -> dict[str, set[int]]:
    uses: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            uses.setdefault(node.id, set()).add(node.lineno)
    return uses


def _needles(element: Element) -> list[str]:
    """What to look for in the source: the element's whole text and its colours."""
    text = (element.text or "").strip()
    return ([text] if text else []) + [c for c in element.colors.values() if c]


def static_lines(code: str, element: Element) -> list[int]:
    """Lines whose literals match the element's text or colours, plus the lines using a variable they set."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    needles = [n.lower() for n in _needles(element)]
    if not needles:
        return []
    full_text = (element.text or "").lower()
    literal_lines = set()
    for node in ast.walk(tree):
        for value in _literal_values(node):
            value = value.strip().lower()
            # A literal matches when it contains a needle, or is a piece (>= 3 chars) of a text built from parts.
            if value and (any(n in value for n in needles) or (len(value) >= 3 and value in full_text)):
                literal_lines.add(node.lineno)
    assigned, uses = _assigned_names(tree), _name_uses(tree)
    lines = set(literal_lines)
    for line in literal_lines:
        for name in assigned.get(line, ()):
            lines |= uses.get(name, set())
    return sorted(lines)


def parse_model_lines(answer: str, num_lines: int) -> list[int]:
    """Parse `LINES: a, b` strictly; every number must be a line of the program (1..num_lines)."""
    match = _ANSWER.search(answer)
    if not match:
        raise ValueError(f"The attribution answer has no 'LINES: <numbers>' line: {answer[:120]!r}")
    lines = sorted({int(n) for n in match.group(1).split(",")})
    bad = [n for n in lines if not 1 <= n <= num_lines]
    if bad:
        raise ValueError(f"The attribution answer names line(s) {bad} outside the program's 1..{num_lines}.")
    return lines


def model_prompt(code: str, element: Element, problem: str = "") -> str:
    numbered = "\n".join(f"{i:>3}: {line}" for i, line in enumerate(code.splitlines(), start=1))
    described = f"of kind {element.kind}" + (f" with text {element.text!r}" if element.text else "")
    return MODEL_PROMPT.format(code=numbered, element=described, problem=problem)


def attribute_missing_lines(result: RenderResult, ask_model: Callable[[str], str] | None = None) -> RenderResult:
    """Fill `lines` of unattributed elements in place: static matching first, then the model if one is given."""
    num_lines = len(result.code.splitlines())
    problems = {eid: d.message for d in result.defects for eid in d.element_ids}
    for element in result.elements:
        if element.lines:
            continue
        lines = static_lines(result.code, element)
        if lines:
            element.lines, element.attribution = lines, ATTRIBUTION_STATIC
            continue
        if ask_model is not None:
            try:
                element.lines = parse_model_lines(
                    ask_model(model_prompt(result.code, element, problems.get(element.id, ""))), num_lines
                )
                element.attribution = ATTRIBUTION_MODEL
            except ValueError:
                continue  # an unusable answer leaves the element unattributed rather than guessed
    return result
