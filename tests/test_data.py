import json

import pytest
from PIL import Image

from trl_visual_sdpo.data import CHART_TYPES, chart_tasks, load_chart_tasks, load_chartmimic
from trl_visual_sdpo.render.chart import ChartRenderer


def test_embedded_tasks_are_many_deterministic_and_split():
    tasks = chart_tasks()
    assert len(tasks) >= 200 and tasks == chart_tasks()
    assert {t["chart_type"] for t in tasks} == set(CHART_TYPES)
    train, test = load_chart_tasks("train"), load_chart_tasks("test")
    assert len(train) + len(test) == len(tasks) and len(test) >= 20
    assert not set(train["task_id"]) & set(test["task_id"])
    prompt = train[0]["prompt"]
    assert prompt[0]["role"] == "system" and "```python" in prompt[0]["content"] and prompt[1]["role"] == "user"


def test_a_sample_of_reference_programs_renders_clean():
    renderer = ChartRenderer()
    sample = chart_tasks()[::20]
    try:
        results = renderer.render_batch([t["reference_code"] for t in sample])
    finally:
        renderer.close()
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert all(not r.defects for r in results), [[d.message for d in r.defects] for r in results]


def _rows(tmp_path, image_column="InputFigurePreview", code_column="GroundTruthFigureCode"):
    """Rows shaped like the ChartMimic Hub dataset's (config `chartmimic`, split `test`): these column names, a
    preview image per figure, the program as text, no chart-type column."""
    image = tmp_path / "target.png"
    Image.new("RGB", (32, 32), "white").save(image)
    rows = [{"Task": "chart2code", "ExampleID": f"line_{i}", "Instruction": "Redraw this chart.",
             "InputFigure": f"ori_500/line_{i}.pdf", image_column: str(image),
             "GroundTruthFigure": f"ori_500/line_{i}.pdf",
             code_column: "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n",
             "GroundTruthFigurePreview": str(image)} for i in range(3)]
    path = tmp_path / "chartmimic.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return path


def test_chartmimic_loader_maps_columns_of_a_local_file(tmp_path):
    dataset = load_chartmimic(str(_rows(tmp_path)), split="test")
    row = dataset[0]
    assert row["task_id"] == "line_0" and row["chart_type"] == "line" and "plt.plot" in row["reference_code"]
    assert row["prompt"][1]["content"][1]["text"] == "Redraw this chart."
    assert row["prompt"][1]["content"][0]["type"] == "image"
    assert isinstance(row["image"], Image.Image) and row["image"].size == (32, 32)


def test_chartmimic_loader_reads_program_paths_under_code_root(tmp_path):
    path = _rows(tmp_path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    (tmp_path / "ori_500").mkdir()
    for row in rows:
        (tmp_path / "ori_500" / f"{row['ExampleID']}.py").write_text(row["GroundTruthFigureCode"])
        row["GroundTruthFigureCode"] = f"ori_500/{row['ExampleID']}.py"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(ValueError, match="code_root"):
        load_chartmimic(str(path), split="test")
    dataset = load_chartmimic(str(path), split="test", code_root=str(tmp_path))
    assert "plt.plot" in dataset[0]["reference_code"]


def test_chartmimic_loader_column_map_and_clear_error(tmp_path):
    path = _rows(tmp_path, image_column="figure", code_column="program")
    with pytest.raises(ValueError, match=r"column_map=\{'image': <column>, 'reference_code': <column>\}"):
        load_chartmimic(str(path), split="test")
    dataset = load_chartmimic(str(path), split="test", column_map={"image": "figure", "reference_code": "program"})
    assert len(dataset) == 3
