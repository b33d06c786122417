"""Every domain's recipe end to end on a tiny model: 2 training steps on real renders, and every output it promises."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from datasets import Dataset, IterableDataset
from tiny_models import tiny_text_model

from trl_visual_sdpo.recipe import RecipeArguments, recipe_tasks


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("domain", ["chart", "web", "slide"])
def test_two_step_recipe_writes_its_outputs(tmp_path, domain):
    """`trl-visual-sdpo train DOMAIN` with the packaged config, every flag from the command line; the chart run also
    evaluates the held-out split during training and loads the model with TRL's model init flags."""
    model, _ = tiny_text_model()
    out = tmp_path / "run"
    command = [
        sys.executable, "-m", "trl_visual_sdpo.cli", "train", domain,
        "--model_name_or_path", model.config.name_or_path, "--output_dir", str(out), "--max_steps", "2",
        "--num_eval_tasks", "2", "--eval_max_new_tokens", "16", "--max_completion_length", "16",
        "--per_device_train_batch_size", "4", "--num_generations", "4", "--save_steps", "1",
    ]
    if domain == "chart":
        command += ["--eval_strategy", "steps", "--eval_steps", "2", "--per_device_eval_batch_size", "4",
                    "--attn_implementation", "eager", "--dtype", "float32",
                    "--eval_temperature", "1.0", "--eval_samples_per_task", "2"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    for name in ("adapter_model.safetensors", "metrics.json", "curves.png", "before_after.png", "checkpoint-2",
                 "README.md"):
        assert (out / name).exists(), name
    card = (out / "README.md").read_text()
    assert f"Domain:** `{domain}`" in card and "| Programs that run |" in card and "Cite TRL as" in card
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["held_out_before"]) >= {"exec_rate", "defects_per_render", "reference_similarity",
                                               "held_out_reward"}
    change = metrics["held_out_change"]
    assert change["tasks"] == 2 and change["ci95"][0] <= change["difference"] <= change["ci95"][1]
    assert change["difference"] == pytest.approx(metrics["held_out_after"]["held_out_reward"]
                                                 - metrics["held_out_before"]["held_out_reward"])
    assert "Held-out reward" in completed.stdout and "95 % interval" in completed.stdout
    flawless = metrics["flawless_change"]
    assert flawless["difference"] == pytest.approx(metrics["held_out_after"]["flawless_rate"]
                                                   - metrics["held_out_before"]["flawless_rate"])
    assert "Flawless share" in completed.stdout
    assert any("distill/loss" in entry for entry in metrics["log_history"])
    assert metrics["domain"] == domain and metrics["dataset"] == f"embedded {domain} tasks"
    rewards = [entry["rewards/executability_reward/mean"] for entry in metrics["log_history"]
               if "rewards/executability_reward/mean" in entry]
    assert len(rewards) == 2  # both steps rewarded from real renders
    if domain == "chart":  # held-out evaluation during training, scored with the domain metric beside TRL's logs
        evaluated = [entry for entry in metrics["log_history"]
                     if "eval_rewards/reference_similarity_reward/mean" in entry]
        assert evaluated and "eval_render/exec_rate" in evaluated[0]


def test_the_old_recipe_paths_still_run():
    for domain in ("chart", "web", "slide"):
        script, config = ROOT / "recipes" / f"{domain}.py", ROOT / "recipes" / f"{domain}.yaml"
        assert config.resolve().is_file() and script.resolve().is_file()
    done = subprocess.run([sys.executable, str(ROOT / "recipes" / "chart.py"), "--help"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "--dataset_prompt_column" in done.stdout and "--credit_alpha" in done.stdout


def test_model_flags_reach_the_model(tmp_path):
    from trl import ModelConfig

    from trl_visual_sdpo import VisualSDPOConfig
    from trl_visual_sdpo.models import load_policy
    from trl_visual_sdpo.recipe import model_init_kwargs

    args = VisualSDPOConfig(output_dir=str(tmp_path), use_cpu=True, trust_remote_code=True,
                            model_init_kwargs={"low_cpu_mem_usage": True})
    model_args = ModelConfig(model_revision="main", attn_implementation="eager", dtype="float32")
    kwargs = model_init_kwargs(model_args, args)
    assert kwargs == {"revision": "main", "trust_remote_code": True, "attn_implementation": "eager",
                      "dtype": "float32", "low_cpu_mem_usage": True}
    model, _ = tiny_text_model()
    kwargs.pop("revision")  # a local directory has no revisions
    loaded, _ = load_policy(model.config.name_or_path, **kwargs)
    assert loaded.config._attn_implementation == "eager" and loaded.dtype == torch.float32


def test_any_prompt_dataset_trains_without_reference_programs(tmp_path, capsys):
    from trl_visual_sdpo.recipe import default_rewards
    from trl_visual_sdpo.render.chart import ChartRenderer

    rows = [{"question": [{"role": "user", "content": f"Plot {i} bars."}], "level": i} for i in range(6)]
    path = tmp_path / "prompts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    args = RecipeArguments(dataset_name=str(path), dataset_test_split="train", dataset_prompt_column="question",
                           num_train_tasks=4, num_eval_tasks=2)
    train, test = recipe_tasks(args, "chart")
    assert set(train.column_names) == {"prompt", "level"} and len(train) == 4 and len(test) == 2
    assert train[0]["prompt"][0]["content"] == "Plot 0 bars."
    renderer = ChartRenderer()
    try:
        names = [r.__name__ for r in default_rewards(renderer, train)]
    finally:
        renderer.close()
    assert names == ["executability_reward", "defect_free_reward"]
    assert "reference-similarity reward is left out" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no column.*--dataset_prompt_column"):
        recipe_tasks(RecipeArguments(dataset_name=str(path), dataset_prompt_column="question",
                                     column_map="reference_code=code"), "chart")


def test_column_map_from_the_command_line():
    from trl_visual_sdpo.data.common import parse_column_map

    assert parse_column_map('{"reference_code": "code"}') == {"reference_code": "code"}
    assert parse_column_map("reference_code=code, image=shot") == {"reference_code": "code", "image": "shot"}
    assert parse_column_map(None) is None
    with pytest.raises(ValueError, match="ours=theirs"):
        parse_column_map("reference_code")


def test_dataset_config_reaches_the_hub_loader(monkeypatch):
    from trl_visual_sdpo.data import common

    seen = {}

    def fake_load_dataset(dataset_id, split=None, streaming=False, **kwargs):
        seen.update(kwargs, id=dataset_id)
        return Dataset.from_dict({"instruction": ["Make a slide"], "code": ["# program"]})

    monkeypatch.setattr(common, "load_dataset", fake_load_dataset)
    recipe_tasks(RecipeArguments(dataset_name="org/slides", dataset_config="v2", num_eval_tasks=1), "slide")
    assert seen == {"id": "org/slides", "name": "v2"}


def test_cli_version_and_train_help():
    done = subprocess.run([sys.executable, "-m", "trl_visual_sdpo.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("trl-visual-sdpo ")
    done = subprocess.run([sys.executable, "-m", "trl_visual_sdpo.cli", "train", "--help"], capture_output=True,
                          text=True)
    assert done.returncode == 0 and "examples:" in done.stdout and "--accelerate_config" in done.stdout


def test_recipe_tasks_stream_the_training_split_and_keep_the_held_out_tasks(tmp_path):
    rows = [{"instruction": f"Make slide {i}", "code": f"# program {i}"} for i in range(5)]
    path = tmp_path / "slides.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    args = RecipeArguments(dataset_name=str(path), dataset_test_split="train", dataset_streaming=True,
                           num_train_tasks=4, num_eval_tasks=2)
    train, test = recipe_tasks(args, "slide")
    assert isinstance(train, IterableDataset) and len(list(train)) == 4
    assert isinstance(test, Dataset) and test["reference_code"] == ["# program 0", "# program 1"]
    embedded_train, embedded_test = recipe_tasks(RecipeArguments(num_eval_tasks=3), "slide")
    assert len(embedded_test) == 3 and len(embedded_train) > 50
