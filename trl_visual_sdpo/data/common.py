"""What every domain's Hub loader shares: reading a Hub id or a local file, and checking the column mapping."""

from __future__ import annotations

import json
from pathlib import Path

from datasets import Dataset, IterableDataset, load_dataset
from datasets import Image as ImageFeature


_BUILDERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".csv": "csv"}


def load_rows(dataset_id: str, split: str, streaming: bool = False, **load_kwargs) -> Dataset | IterableDataset:
    """`dataset_id` is a Hub id, a local dataset directory, or a local `.json`/`.jsonl`/`.parquet`/`.csv` file."""
    path = Path(dataset_id)
    if path.is_file():
        builder = _BUILDERS.get(path.suffix)
        if builder is None:
            raise ValueError(f"Cannot read {dataset_id}: use a .json, .jsonl, .parquet or .csv file, or a Hub id.")
        return load_dataset(builder, data_files={split: str(path)}, split=split, streaming=streaming)
    return load_dataset(dataset_id, split=split, streaming=streaming, **load_kwargs)


def map_columns(
    dataset: Dataset | IterableDataset,
    dataset_id: str,
    defaults: dict[str, str],
    column_map: dict[str, str] | None,
    required: tuple[str, ...],
) -> dict[str, str]:
    """Our column -> the dataset's column, with `column_map` over `defaults`; a clear error names what is missing."""
    columns = {**defaults, **(column_map or {})}
    available = set(dataset.column_names or [])
    missing = [ours for ours in required if columns[ours] not in available]
    if missing:
        raise ValueError(
            f"{dataset_id} has no column {[columns[m] for m in missing]} for {missing}; its columns are "
            f"{sorted(available)}. Pass column_map={{{', '.join(repr(m) + ': <column>' for m in missing)}}}."
        )
    return columns


def as_images(dataset: Dataset | IterableDataset, column: str) -> Dataset | IterableDataset:
    """Paths or bytes in `column` -> PIL images, which TRL turns into the prompt's image part."""
    if not isinstance((dataset.features or {}).get(column), ImageFeature):
        dataset = dataset.cast_column(column, ImageFeature())
    return dataset


def conversational_prompt(system_prompt: str, instruction: str, image=None) -> list[dict]:
    """TRL's conversational prompt: a system turn, then the user's instruction (after an image part when the task
    shows a picture; TRL fills the part from the row's `image` column)."""
    if image is None:
        return [{"role": "system", "content": system_prompt}, {"role": "user", "content": instruction}]
    # With an image every turn holds content parts: one column type for Arrow, and what processors expect.
    return [{"role": "system", "content": [{"type": "text", "text": system_prompt}]},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": instruction}]}]


def parse_column_map(text: str | dict | None) -> dict[str, str] | None:
    """`--column_map` from the command line: JSON (`{"reference_code": "code"}`) or
    `reference_code=code,image=shot`."""
    if text is None or isinstance(text, dict):
        return text
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"--column_map is not valid JSON ({error}): write it as "
                             '\'{"reference_code": "code"}\' or reference_code=code.') from None
    else:
        pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
        if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
            raise ValueError(f"--column_map {text!r}: write it as ours=theirs pairs separated by commas, e.g. "
                             "reference_code=code,image=screenshot.")
        mapping = {ours.strip(): theirs.strip() for ours, theirs in pairs}
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ValueError(f"--column_map must map our column names to the dataset's, got {mapping!r}.")
    return mapping


def load_prompt_dataset(
    dataset_id: str,
    split: str = "train",
    n: int | None = None,
    prompt_column: str = "prompt",
    image_column: str | None = None,
    column_map: dict[str, str] | None = None,
    streaming: bool = False,
    **load_kwargs,
) -> Dataset | IterableDataset:
    """Any TRL prompt dataset, as it is: its `prompt_column` (plain text or conversational prompts) becomes `prompt`;
    `image_column`, when given, becomes the `image` column TRL puts into the prompt's image part; `reference_code` and
    `task_id` are kept when present (`column_map` renames ours -> theirs, like the benchmark loaders). Every other
    column stays, so reward functions still receive it."""
    dataset = load_rows(dataset_id, split, streaming, **load_kwargs)
    available = set(dataset.column_names or [])
    wanted = {"prompt": prompt_column, **({"image": image_column} if image_column else {}), **(column_map or {})}
    missing = {ours: theirs for ours, theirs in wanted.items() if theirs not in available}
    if missing:
        raise ValueError(f"{dataset_id} has no column {sorted(missing.values())} (for {sorted(missing)}); its columns "
                         f"are {sorted(available)}. Set --dataset_prompt_column / --dataset_image_column / "
                         "--column_map to the dataset's names.")
    renames = {theirs: ours for ours, theirs in wanted.items() if theirs != ours}
    clashes = sorted(set(renames.values()) & (available - set(renames)))
    if clashes:
        dataset = dataset.remove_columns(clashes)  # ours wins over a same-named column the map replaces
    if renames:
        dataset = dataset.rename_columns(renames)
    if image_column:
        dataset = as_images(dataset, "image")
    if n:
        dataset = (dataset.take(n) if isinstance(dataset, IterableDataset)
                   else dataset.select(range(min(n, len(dataset)))))
    return dataset
