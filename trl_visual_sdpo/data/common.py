"""What every domain's Hub loader shares: reading a Hub id or a local file, and checking the column mapping."""

from __future__ import annotations

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
