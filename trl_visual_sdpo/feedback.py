"""The teacher's privileged context: what the same model reads about its own rollout.

The wording here is part of the method (it decides what the teacher knows), so all of it lives in this module.
Per rollout the teacher gets the student's prompt, then, appended to the last user turn:

- for a program that failed: its error (always, whatever the channels say);
- channel "image": the rendered picture, as an image content part (vision-language models);
- channel "rubric": each defect with its kind, message and the code lines responsible (verbatim, with their string
  literals and colours elided, or not at all: `rubric_code_lines`), plus the rubric scores;
  with repair hints, then the renderer's hint for each kind of defect found (what to change, in the medium's own
  terms: the rubric names the problem, a small model does not know the idiom that fixes it); with label feedback, a
  line naming the labels the request quotes that the render leaves out (a render that cured its defects by deleting
  their labels is then not called clean).

Then the teacher scores the student's own completion tokens after this longer prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from trl_visual_sdpo.results import Defect, RenderResult


MISSING_LABELS = "missing_labels"
"""The rubric's name for requested labels the render leaves out: not a `Defect` (it has no place on the render)."""


CRASH_TEMPLATE = (
    "Your previous program for this request failed and drew nothing. The error was:\n"
    "{error}\n"
    "Write the program again so that it runs and draws what was asked."
)
IMAGE_INTRO = "This is how your previous program for this request rendered:"
RUBRIC_TEMPLATE = (
    "An automatic review of the render of your previous program found {count}:\n"
    "{defects}\n"
    "Scores (1 is best): {scores}\n"
    "Write the program again, fixing these problems."
)
DEMONSTRATION_TEMPLATE = (
    "For comparison, another attempt at the same request {quality}:\n"
    "```{language}\n{code}\n```"
)
CLEAN_TEMPLATE = (
    "An automatic review of the render of your previous program found no visual problems.\n"
    "Scores (1 is best): {scores}\n"
    "Write the program again, keeping it just as clean."
)


def trim_error(error: str, max_chars: int) -> str:
    """Keep the head and the tail of a long error: the exception line is at the end of a traceback."""
    error = error.strip()
    if len(error) <= max_chars:
        return error
    marker = "\n[... trimmed ...]\n"
    head = (max_chars - len(marker)) // 3
    tail = max_chars - len(marker) - head
    return error[:head] + marker + error[-tail:]


CODE_LINE_MODES = ("verbatim", "elided", "none")
"""How the rubric quotes the lines that drew a defective element (`VisualSDPOConfig.rubric_code_lines`)."""

_STRING = re.compile(r"""(?P<quote>["'])(?:\\.|(?!(?P=quote)).)*?(?P=quote)""")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def elide_literals(statement: str) -> str:
    """`statement` with the contents of each quoted string and each hex colour replaced by `...`
    (`ax.bar(labels, values, color="...")`): the teacher still reads which statement drew the element, but cannot
    copy the student's colours and texts from the quote (`benchmarks/colour_lift.py`)."""
    statement = _STRING.sub(lambda match: f"{match['quote']}...{match['quote']}", statement)
    return _HEX_COLOUR.sub("#...", statement)


def _code_lines(code: str, lines: list[int], mode: str) -> str:
    source = code.splitlines()
    shown = elide_literals if mode == "elided" else str
    quoted = [f"line {n}: `{shown(source[n - 1].strip())}`" for n in sorted(set(lines)) if 0 < n <= len(source)]
    return "; ".join(quoted)


def defect_lines(defect: Defect, result: RenderResult) -> list[int]:
    """The 1-based program lines that made the elements involved in `defect` (those the rubric quotes)."""
    involved = set(defect.element_ids)
    return [line for element in result.elements if element.id in involved for line in element.lines]


def describe_defect(defect: Defect, result: RenderResult, code_lines: str = "verbatim") -> str:
    """One rubric line: kind, message and (`code_lines`, one of `CODE_LINE_MODES`) the code lines that made the
    elements involved."""
    if code_lines not in CODE_LINE_MODES:
        raise ValueError(f"`code_lines` must be one of {CODE_LINE_MODES}, got {code_lines!r}.")
    where = _code_lines(result.code, defect_lines(defect, result), code_lines) if code_lines != "none" else ""
    return f"- [{defect.kind}] {defect.message}" + (f" (made by {where})" if where else "")


def repair_text(kinds: list[str], hints: Mapping[str, str] | None) -> str:
    """How to fix the kinds of problem found (defect kinds, `MISSING_LABELS`), one hint per kind in order of first
    appearance (eight overlapping tick labels get one hint, not eight); empty when `hints` has none of them."""
    kinds = dict.fromkeys(kinds)
    lines = [f"- [{kind}] {hints[kind]}" for kind in kinds if hints and hints.get(kind)]
    return "How to fix them:\n" + "\n".join(lines) if lines else ""


def missing_labels_text(labels: list[str]) -> str:
    """The rubric line for labels the request names that the render does not show (`metrics.fidelity`)."""
    quoted = ", ".join(f"'{label}'" for label in labels)
    return f"- [{MISSING_LABELS}] the request names {quoted}, which the render does not show: draw every one"


def rubric_text(result: RenderResult, hints: Mapping[str, str] | None = None,
                missing_labels: list[str] | None = None, code_lines: str = "verbatim") -> str:
    """The rubric channel's text for a successful render (`hints`: repair hint per defect kind, or None;
    `missing_labels`: labels the request names that the render does not draw, or None; `code_lines`: how to quote
    the lines that made each defective element, one of `CODE_LINE_MODES`). A render with no defect
    that dropped requested labels is not called clean: otherwise the teacher would endorse deleting the labels a
    defect was in."""
    scores = ", ".join(f"{axis} {score:.2f}" for axis, score in sorted(result.rubric.items()))
    if not result.defects and not missing_labels:
        return CLEAN_TEMPLATE.format(scores=scores or "n/a")
    ranked = sorted(result.defects, key=lambda d: -d.severity)
    problems = len(ranked) + bool(missing_labels)
    count = f"{problems} problem" + ("s" if problems > 1 else "")
    found = [describe_defect(d, result, code_lines) for d in ranked] + ([missing_labels_text(missing_labels)]
                                                             if missing_labels else [])
    repair = repair_text([str(d.kind) for d in ranked] + ([MISSING_LABELS] if missing_labels else []), hints)
    return RUBRIC_TEMPLATE.format(count=count, defects="\n".join(found + ([repair] if repair else [])),
                                  scores=scores or "n/a")


def demonstration_text(demonstration: RenderResult, language: str) -> str:
    """A sibling rollout shown to the teacher: its program and how its render scored."""
    if demonstration.defects:
        count = len(demonstration.defects)
        problems = "\n".join(describe_defect(d, demonstration) for d in demonstration.defects)
        quality = f"rendered with {count} problem{'s' if count > 1 else ''}:\n{problems}\nIts program was"
    else:
        quality = "rendered with no visual problems. Its program was"
    return DEMONSTRATION_TEMPLATE.format(quality=quality, language=language, code=demonstration.code.strip())


def feedback_text(
    result: RenderResult,
    channels: list[str],
    max_error_chars: int,
    demonstration: RenderResult | None = None,
    language: str = "python",
    hints: Mapping[str, str] | None = None,
    missing_labels: list[str] | None = None,
    code_lines: str = "verbatim",
) -> str:
    """All the text the teacher reads about one rollout (the image, if any, is added separately)."""
    demo = [demonstration_text(demonstration, language)] if demonstration is not None else []
    if not result.ok:
        crash = CRASH_TEMPLATE.format(error=trim_error(result.error or "unknown error", max_error_chars))
        return "\n\n".join([crash, *demo])
    parts = []
    if "image" in channels and result.image_png:
        parts.append(IMAGE_INTRO)
    if "rubric" in channels:
        parts.append(rubric_text(result, hints, missing_labels, code_lines))
    return "\n\n".join(parts + demo)


def build_teacher_prompt(
    prompt: Any,
    result: RenderResult,
    channels: list[str],
    max_error_chars: int,
    demonstration: RenderResult | None = None,
    language: str = "python",
    hints: Mapping[str, str] | None = None,
    missing_labels: list[str] | None = None,
    code_lines: str = "verbatim",
) -> Any:
    """The teacher's prompt for one rollout, in the same format as the student's prompt.

    Args:
        prompt: the student's prompt, a string or a list of chat messages (TRL's conversational format, possibly
            with image parts).
        result: the render of the student's completion.
        channels: feedback channels (`"image"`, `"rubric"`).
        max_error_chars: longest error text shown.
        demonstration: the render of a better sibling rollout to show after the feedback, if any.
        language: fence language of the demonstration's program.
        hints: the renderer's repair hint per defect kind (`repair_hints`), shown after each rubric defect; None
            shows none.
        missing_labels: labels the prompt names that the render does not draw (`label_feedback`), a rubric line;
            None or empty adds none.
        code_lines: how the rubric quotes the program lines that made each defective element (`rubric_code_lines`):
            `"verbatim"`, `"elided"` (string literals and colours replaced by `...`) or `"none"`.

    Returns:
        The prompt with the feedback appended to its last user turn. The render travels as an image content part
        `{"type": "image", "image": PIL.Image}` (TRL's multimodal message format) when the image channel applies.
        A render that failed because of our infrastructure (`result.infra_error`) says nothing about the program:
        the prompt comes back unchanged, so the teacher knows no more than the student.
    """
    if result.infra_error:
        return prompt
    text = feedback_text(result, channels, max_error_chars, demonstration, language, hints, missing_labels,
                         code_lines)
    image = result.image() if "image" in channels else None
    if isinstance(prompt, str):
        if image is not None:
            raise ValueError("The image feedback channel needs conversational prompts (a list of chat messages); "
                             "use feedback_channels=['rubric'] with plain-text prompts.")
        return f"{prompt}\n\n{text}\n\n"
    messages = [dict(m) for m in prompt]
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    content = messages[last_user]["content"]
    if image is None and isinstance(content, str):  # keep plain-string content plain for text-only templates
        messages[last_user] = {**messages[last_user], "content": f"{content}\n\n{text}"}
        return messages
    parts = list(content) if isinstance(content, list) else [{"type": "text", "text": content}]
    if image is not None:
        parts += [{"type": "text", "text": "\n\n" + IMAGE_INTRO}, {"type": "image", "image": image}]
        text = text.replace(IMAGE_INTRO, "", 1).strip()
    if text:
        parts.append({"type": "text", "text": "\n\n" + text})
    messages[last_user] = {**messages[last_user], "content": parts}
    return messages


def revision_prompt(prompt: list[dict], completion: str, result: RenderResult, max_error_chars: int) -> list[dict]:
    """An inference-time critique-revise turn: the conversation so far, the model's answer, then the same feedback
    the teacher reads (rubric text or the error) as the next user turn. Used by the render-critique-revise baseline
    of `benchmarks/sample_efficiency.py`, which gives the model at inference what Visual-SDPO gives it in training."""
    return [*prompt, {"role": "assistant", "content": completion},
            {"role": "user", "content": feedback_text(result, ["rubric"], max_error_chars)}]
