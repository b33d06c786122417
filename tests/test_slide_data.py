"""The embedded slide task set and the slide dataset loader."""

import json

import pytest
from slide_decks import shared_renderer

from trl_visual_sdpo.data import SLIDE_TYPES, load_slide_dataset, load_slide_tasks, load_tasks, slide_tasks
from trl_visual_sdpo.domains import get_domain


def test_task_set_is_big_varied_and_deterministic():
    tasks = slide_tasks()
    assert len(tasks) >= 100 and {t["slide_type"] for t in tasks} == set(SLIDE_TYPES)
    assert len({t["task_id"] for t in tasks}) == len(tasks) and tasks == slide_tasks()
    assert {t["split"] for t in tasks} == {"train", "test"}
    assert all("prs.save(" in t["reference_code"] for t in tasks)


def test_load_slide_tasks_is_a_trl_conversational_dataset():
    train, test = load_slide_tasks("train"), load_slide_tasks("test", n=5)
    assert len(test) == 5 and len(train) + len(load_slide_tasks("test")) == len(slide_tasks())
    assert set(train.column_names) == {"prompt", "reference_code", "task_id", "slide_type"}
    system, user = train[0]["prompt"]
    assert system["role"] == "system" and "python-pptx" in system["content"] and "prs.save" in system["content"]
    assert user["role"] == "user" and "python-pptx" in user["content"]
    assert get_domain("slide").embedded_tasks.endswith(":load_slide_tasks")
    with pytest.raises(ValueError, match="split must be"):
        load_slide_tasks("validation")


def test_reference_programs_render_without_defects():
    """Two references of every slide type (all 108 render clean; this sample keeps the test fast)."""
    tasks = slide_tasks()
    sample = [t for slide_type in SLIDE_TYPES for t in [x for x in tasks if x["slide_type"] == slide_type][:2]]
    results = shared_renderer().render_batch([t["reference_code"] for t in sample])
    for task, result in zip(sample, results):
        assert result.ok, (task["task_id"], result.error)
        assert result.defects == [], (task["task_id"], [d.message for d in result.defects])


def test_dataset_loader_reads_local_files_with_a_column_map(tmp_path):
    rows = [{"id": f"t{i}", "request": f"Make slide {i}", "program": f"# program {i}", "kind": "title"}
            for i in range(3)]
    jsonl = tmp_path / "slides.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows))
    columns = {"instruction": "request", "reference_code": "program", "slide_type": "kind"}
    tasks = load_slide_dataset(str(jsonl), split="train", column_map=columns)
    assert set(tasks.column_names) == {"prompt", "reference_code", "task_id", "slide_type"}
    assert tasks[1]["task_id"] == "t1" and tasks[1]["reference_code"] == "# program 1"
    assert tasks[1]["slide_type"] == "title" and tasks[1]["prompt"][1]["content"] == "Make slide 1"
    from datasets import Dataset

    parquet = tmp_path / "slides.parquet"
    Dataset.from_list([{"instruction": r["request"], "code": r["program"]} for r in rows]).to_parquet(str(parquet))
    via_domain = load_tasks("slide", str(parquet), split="test", n=2)
    assert len(via_domain) == 2 and via_domain[0]["task_id"] == "0" and via_domain[0]["slide_type"] == "unknown"
    with pytest.raises(ValueError, match=r"column_map=\{'reference_code': <column>\}"):
        load_slide_dataset(str(jsonl), split="train", column_map={"instruction": "request"})
