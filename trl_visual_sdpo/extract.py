"""Find the program inside a model completion, where it starts, and render completions.

The offset matters: credit weights are placed on completion tokens through character
offsets, so the code's position inside the completion (after prose, inside a fence) must
be exact. `render_completions` is the one "extract, then render" step of the trainer, the
rewards and the evaluation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence


if TYPE_CHECKING:
    from trl_visual_sdpo.render.base import Renderer, RenderResult

# An opening fence with an optional language tag, the body, and the closing fence (or the end
# of the text, since generation is often cut off by max_completion_length).
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n(.*?)(?:\n?```|\Z)", re.DOTALL)


def completion_text(completion: Any) -> str:
    """The text of a TRL completion: a plain string, or a conversational list of messages."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list):
        parts = []
        for message in completion:
            content = message.get("content", "") if isinstance(message, dict) else message
            if isinstance(content, list):  # content parts: keep the text ones
                content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
            parts.append(str(content))
        return "".join(parts)
    raise TypeError(f"Cannot read a completion of type {type(completion).__name__}; expected str or list of messages.")


def extract_code(text: str, languages: tuple[str, ...] = ()) -> tuple[str, int]:
    """Return ``(code, offset)``: the program in ``text`` and its character offset in ``text``.

    The first fenced block whose language tag is in ``languages`` wins (any tag when
    ``languages`` is empty); else the first fenced block; else the whole text.
    ``text[offset:offset + len(code)] == code`` always holds.
    """
    blocks = list(_FENCE.finditer(text))
    wanted = {lang.lower() for lang in languages}
    for match in blocks:
        if not wanted or match.group(1).lower() in wanted:
            return match.group(2), match.start(2)
    if blocks:
        return blocks[0].group(2), blocks[0].start(2)
    return text, 0


def repeated_line_share(code: str) -> float:
    """Share of a program's non-blank lines that repeat an earlier line of it exactly (surrounding whitespace aside).
    Distillation from a teacher told to fix defects can drift into writing a fix line again and again until the
    length limit; this share rises before held-out execution falls."""
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    return (len(lines) - len(set(lines))) / len(lines) if lines else 0.0


def stop_token_ids(tokenizer: Any) -> list[int]:
    """Ids of the tokens that end a program: those whose text opens a closing fence (```), and end of sequence."""
    fences = [i for i in range(len(tokenizer)) if tokenizer.decode([i]).strip().startswith("```")]
    return sorted({*fences, *([tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else [])})


def render_completions(
    renderer: "Renderer", completions: Sequence[Any], description: str | None = None, chunk_size: int = 16
) -> list["RenderResult"]:
    """Extract each completion's program (in the renderer's `code_languages`) and render them all, in parallel where
    the renderer allows. Each result's `code` is exactly the extracted program, whose lines credit maps back to the
    completion's characters. With a `description`, a progress bar advances chunk by chunk."""
    codes = [extract_code(completion_text(c), tuple(renderer.code_languages))[0] for c in completions]
    if description is None:
        results = renderer.render_batch(codes)
    else:
        from rich.progress import Progress

        results = []
        with Progress(transient=True) as progress:
            task = progress.add_task(description, total=len(codes))
            for start in range(0, len(codes), chunk_size):
                results += renderer.render_batch(codes[start : start + chunk_size])
                progress.advance(task, len(codes[start : start + chunk_size]))
    for result, code in zip(results, codes, strict=True):
        result.code = code
    return results
