"""Label fidelity: does the render still show the labels the request named?

The defect rubric only sees what was drawn, so a program can reach "no defect" by drawing less: a crowded axis
"fixed" by `ax.set_xticks([])`, a stacked chart whose legend is dropped. ChartMimic's text score leaves x and y tick
labels out (`metrics.chartmimic`), so the similarity reward does not dock the first either. This measure does: the
share of the labels the prompt quotes (`['Apples', 'Bananas']`, series names `{'2021': ...}`) that the render
draws somewhere, in any text (a tick label, a legend entry, a pie label, "Apples (12 %)"), as whole words, case and
spacing aside.
With a reference render, only the quoted labels the reference draws count, so a request whose answer need not show
a quoted string is not held to it.
"""

from __future__ import annotations

import re

from trl_visual_sdpo.results import RenderResult


_QUOTED = re.compile(r"""'([^'\n]{1,80})'|"([^"\n]{1,80})\"""")


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def requested_labels(prompt: str) -> list[str]:
    """The distinct strings the prompt quotes (single or double quotes), normalised for case and spacing, in order."""
    found = (_normal(single or double) for single, double in _QUOTED.findall(prompt))
    return list(dict.fromkeys(label for label in found if label))


def drawn_text(result: RenderResult) -> str:
    """Every text the render drew, normalised and joined by newlines (a label may be part of a longer text)."""
    return "\n".join(_normal(e.text) for e in result.elements if e.kind == "text" and e.text)


def _shows(text: str, label: str) -> bool:
    """`label` is in `text` as a whole word run ('Go' is not in 'Google')."""
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


def expected_labels(prompt: str, reference: RenderResult | None = None) -> list[str]:
    """The prompt's quoted labels; with a reference render that ran, only those it draws."""
    labels = requested_labels(prompt)
    if reference is not None and reference.ok:
        shown = drawn_text(reference)
        labels = [label for label in labels if _shows(shown, label)]
    return labels


def missing_labels(predicted: RenderResult, labels: list[str]) -> list[str]:
    """The `labels` (from `expected_labels`) that `predicted` does not draw; all of them for a failed render."""
    if not predicted.ok:
        return list(labels)
    shown = drawn_text(predicted)
    return [label for label in labels if not _shows(shown, label)]


def label_recall(predicted: RenderResult, prompt: str, reference: RenderResult | None = None) -> float | None:
    """Share of the prompt's quoted labels (those the reference draws, with a reference) that `predicted` draws;
    0 for a failed render; None when no label is requested (nothing to measure)."""
    labels = expected_labels(prompt, reference)
    return 1 - len(missing_labels(predicted, labels)) / len(labels) if labels else None


def prompt_text(prompt) -> str:
    """The text of a prompt: a string, or the text parts of a conversational prompt's user turns."""
    if isinstance(prompt, str):
        return prompt
    parts = []
    for message in prompt:
        if message.get("role") != "user":
            continue
        content = message["content"]
        parts.extend([content] if isinstance(content, str) else
                     [part.get("text", "") for part in content if part.get("type") == "text"])
    return "\n".join(parts)
