import html
import io
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image
from test_trainer import _config, _trainer

from trl_visual_sdpo.callbacks import TABLE_COLUMNS, TABLE_KEY, RenderTableCallback, step_rows, tracker_table
from trl_visual_sdpo.render.base import TEXT_OVERLAP
from trl_visual_sdpo.visualize import DEFECT_COLORS


def _credited(page_or_cell: str) -> str:
    """The text of the shaded tokens of a heat map."""
    return html.unescape("".join(re.findall(r'<span style="background:rgba[^"]*" title="weight [0-9.]+">(.*?)</span>',
                                            page_or_cell, flags=re.S)))


def test_render_logging_config_is_validated(tmp_path):
    with pytest.raises(ValueError, match="log_renders_steps"):
        _config(tmp_path, log_renders_steps=-1)
    with pytest.raises(ValueError, match="num_renders_to_log.*log_renders_steps=0"):
        _config(tmp_path, num_renders_to_log=0)


def test_no_callback_when_render_logging_is_off(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, log_renders_steps=0)
    assert not any(isinstance(cb, RenderTableCallback) for cb in trainer.callback_handler.callbacks)


def test_training_writes_html_tables_and_tensorboard_images(tmp_path, tiny_text):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    trainer = _trainer(tmp_path, tiny_text, log_renders_steps=1, num_renders_to_log=3, credit_alpha=2.0,
                       report_to=["tensorboard"])
    trainer.train()

    # One self-contained page per step, rows = the first 3 completions: overlap, clean, crash (the prose is cut).
    pages = sorted(p.name for p in (tmp_path / "renders").iterdir())
    assert pages == ["step-1.html", "step-2.html"]
    page = (tmp_path / "renders" / "step-2.html").read_text()
    assert page.count("<tr class='ran'>") == 2 and page.count("<tr class='failed'>") == 1
    assert "I cannot draw that." not in page
    assert page.count("src='data:image/png;base64,") == 2  # the crashed program has no render
    assert "RuntimeError: division by zero" in page
    assert "text_overlap: &#x27;title&#x27; overlaps &#x27;label&#x27;" in page
    assert "executable 1.00, text_overlap 0.50" in page
    credited = _credited(page)
    assert "title" in credited and "label" in credited and "legend" not in credited and "Here" not in credited
    assert 'title="weight 1.500"' in page  # 1 + alpha * IoU = 1 + 2 * 0.25, the weight the loss used

    # TensorBoard: boxed renders and heat maps as images at both steps, the rubric and error as text.
    run_dirs = list((tmp_path / "runs").iterdir())
    events = EventAccumulator(str(run_dirs[0]), size_guidance={"images": 0, "tensors": 0})
    events.Reload()
    images = set(events.Tags()["images"])
    assert {"renders/completion_0", "renders/completion_1", "credit/completion_2"} <= images
    assert "renders/completion_2" not in images and "credit/completion_3" not in images
    logged = events.Images("renders/completion_0")
    assert [event.step for event in logged] == [1, 2]
    render = np.asarray(Image.open(io.BytesIO(logged[-1].encoded_image_string)).convert("RGB"))
    # The overlap (50, 10)-(100, 20) of the 200x200 canvas, on the 64x64 render enlarged to 320x320.
    red = DEFECT_COLORS[TEXT_OVERLAP]
    assert tuple(render[24, 80]) == red and tuple(render[24, 159]) == red and tuple(render[24, 60]) != red

    def reddish(tag):  # pixels of a heat map shaded towards red
        heat = np.asarray(Image.open(io.BytesIO(events.Images(tag)[-1].encoded_image_string)).convert("RGB"))
        return int(((heat[..., 0].astype(int) - heat[..., 1]) > 40).sum())

    assert reddish("credit/completion_0") > 100 and reddish("credit/completion_1") == 0  # clean: no credit
    texts = {tag: events.Tensors(tag)[-1].tensor_proto.string_val[0].decode()
             for tag in events.Tags()["tensors"] if tag.startswith("rollouts/")}
    assert "RuntimeError: division by zero" in texts["rollouts/completion_2/text_summary"]
    assert "text_overlap 0.50" in texts["rollouts/completion_0/text_summary"]

    # Every N steps only: with N = 2, step 3 logs nothing.
    callback = next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, RenderTableCallback))
    trainer.args.log_renders_steps = 2
    callback.on_step_end(trainer.args, SimpleNamespace(global_step=3, is_world_process_zero=True), None)
    assert not (tmp_path / "renders" / "step-3.html").exists()


def test_wandb_gets_a_table_with_images_and_html_heat_maps(tmp_path, tiny_text, monkeypatch):
    import wandb  # the dev extra installs the trackers, so a missing one fails rather than skips
    for key, value in {"WANDB_MODE": "offline", "WANDB_DIR": tmp_path, "WANDB_DATA_DIR": tmp_path / "data",
                       "WANDB_CACHE_DIR": tmp_path / "cache", "WANDB_CONFIG_DIR": tmp_path / "config",
                       "WANDB_SILENT": "true", "WANDB_CONSOLE": "off", "WANDB_PROJECT": "visual-sdpo-test"}.items():
        monkeypatch.setenv(key, str(value))
    logged = []
    real_log = wandb.Run.log  # wandb.init points `wandb.log` at the new run's `log`: record there

    def recording_log(run, data, *args, **kwargs):
        logged.append(data)
        return real_log(run, data, *args, **kwargs)

    monkeypatch.setattr(wandb.Run, "log", recording_log)
    trainer = _trainer(tmp_path, tiny_text, log_renders_steps=1, max_steps=1, report_to=["wandb"])
    try:
        trainer.train()
    finally:
        wandb.finish()
    tables = [(data["train/global_step"], data[TABLE_KEY]) for data in logged if TABLE_KEY in data]
    assert [step for step, _ in tables] == [1]
    table = tables[0][1]
    assert isinstance(table, wandb.Table) and table.columns == TABLE_COLUMNS
    rows = [dict(zip(table.columns, row)) for row in table.data]
    assert [row["completion"] for row in rows] == [f"completion {i}" for i in range(4)]  # all 4 (8 asked)
    assert isinstance(rows[0]["render"], wandb.Image) and rows[2]["render"] is None
    assert "RuntimeError: division by zero" in rows[2]["error"]
    assert all(isinstance(row["credit"], wandb.Html) for row in rows)
    assert "title" in _credited(rows[0]["credit"].html) and "legend" not in _credited(rows[0]["credit"].html)
    # The offline run really recorded it (wandb serialises the table into the run's media folder).
    saved = list(tmp_path.glob("wandb/offline-run-*/files/media/table/visual_sdpo/renders_*.table.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["columns"] == TABLE_COLUMNS


def test_trackio_table_carries_the_heat_map_as_an_image(tmp_path, tiny_text):
    import trackio  # the `trackers` extra (in `dev`)
    import trackio.utils

    media = Path(trackio.utils.MEDIA_DIR) / "visual-sdpo-test"  # a local run: nothing leaves the machine
    trainer = _trainer(tmp_path, tiny_text, log_renders_steps=0)
    trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1
    trainer._generate_and_score_completions([trainer.train_dataset[i] for i in range(4)])
    rows = step_rows(trainer.last_step_renders, 8, scale=1.0 + trainer.args.credit_alpha)
    table = tracker_table(trackio, rows, html_cells=False)
    cells = table.data  # trackio keeps a table as one dict per row
    assert len(cells) == 4 and list(cells[0]) == TABLE_COLUMNS
    assert all(isinstance(cell["credit"], trackio.Image) for cell in cells)  # trackio tables show images, not HTML
    assert isinstance(cells[0]["render"], trackio.Image) and cells[2]["render"] is None and cells[3]["render"] is None
    assert cells[0]["rubric"] == "executable 1.00, text_overlap 0.50"
    assert "RuntimeError: division by zero" in cells[2]["error"] and cells[0]["error"] == ""
    trackio.init(project="visual-sdpo-test", name="renders")
    trackio.log({TABLE_KEY: table})
    trackio.finish()
    assert list(media.rglob("*.png"))  # the run stored the pictures
    shutil.rmtree(media, ignore_errors=True)
