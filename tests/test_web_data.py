"""Embedded web tasks (clean references, every page type) and the Design2Code loader on a local file."""

import io
from collections import Counter

import pytest
from datasets import Dataset
from PIL import Image

from trl_visual_sdpo.data import PAGE_TYPES, load_design2code, load_tasks, load_web_tasks, web_tasks
from trl_visual_sdpo.render.web import WebRenderer


def test_embedded_pages_are_many_deterministic_and_split():
    tasks = web_tasks()
    assert len(tasks) >= 100 and tasks == web_tasks()
    assert Counter(t["page_type"] for t in tasks) == {t: len(tasks) // len(PAGE_TYPES) for t in PAGE_TYPES}
    assert len({t["task_id"] for t in tasks}) == len(tasks)
    test = load_web_tasks("test")
    assert 0 < len(test) < len(load_web_tasks("train"))
    assert load_tasks("web", n=3)["task_id"] == load_web_tasks("test", n=3)["task_id"]
    prompt = test[0]["prompt"]
    assert prompt[0]["role"] == "system" and "html" in prompt[0]["content"]
    assert "readable" in prompt[1]["content"]


@pytest.fixture(scope="module")
def renderer():
    web = WebRenderer()
    yield web
    web.close()


def test_a_sample_of_reference_pages_renders_clean_with_its_traps(renderer):
    tasks = web_tasks()
    # every page type, with the two hardest unbreakable words (a URL and a 49-letter word) in its traps
    sample = [[t for t in tasks if t["page_type"] == page_type][i] for page_type in PAGE_TYPES for i in (2, 3)]
    for task, result in zip(sample, renderer.render_batch([t["reference_code"] for t in sample])):
        assert result.ok, (task["task_id"], result.error)
        assert not result.defects, (task["task_id"], [d.message for d in result.defects])


def test_vision_language_prompts_show_the_reference_screenshot(renderer):
    tasks = load_web_tasks("test", n=2, with_images=True, renderer=renderer)
    assert isinstance(tasks[0]["image"], Image.Image) and tasks[0]["image"].size[0] == 1280
    assert tasks[0]["prompt"][1]["content"][0]["type"] == "image"


def _design2code_file(tmp_path):
    """Shaped exactly like SALT-NLP/Design2Code-hf's data/train-00000-of-00001.parquet: two columns, `image` (an
    Image feature: the page's screenshot) and `text` (string: the page's HTML), no id column, one split `train`
    (its dataset card and the code that reads it: `load_dataset("SALT-NLP/Design2Code-hf", split="train")`,
    `row["image"]`, `row["text"]`)."""
    from datasets import Features, Value
    from datasets import Image as ImageFeature

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    rows = {"image": [{"bytes": buffer.getvalue(), "path": None}] * 2,
            "text": ["<html><body><h1>One</h1></body></html>", "<html><body><h1>Two</h1></body></html>"]}
    path = tmp_path / "train-00000-of-00001.parquet"
    features = Features({"image": ImageFeature(), "text": Value("string")})
    Dataset.from_dict(rows, features=features).to_parquet(str(path))
    return path


def test_design2code_loader_maps_the_rows_of_a_local_file(tmp_path):
    tasks = load_design2code(str(_design2code_file(tmp_path)))  # the defaults: split "train", image/text columns
    row = tasks[1]
    assert row["reference_code"].startswith("<html>") and row["task_id"] == "1"
    assert isinstance(row["image"], Image.Image) and row["image"].size == (40, 30)
    assert row["prompt"][1]["content"][0]["type"] == "image"


def test_design2code_loader_names_the_missing_column_and_the_fix(tmp_path):
    with pytest.raises(ValueError, match=r"column_map=\{'reference_code': <column>\}"):
        load_design2code(str(_design2code_file(tmp_path)), column_map={"reference_code": "html"})
