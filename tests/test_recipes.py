"""Every domain's recipe end to end on a tiny model: 2 training steps on real renders, and every output it promises."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from datasets import Dataset, IterableDataset

from trl_visual_sdpo.models import tiny_text_model
from trl_visual_sdpo.recipe import RecipeArguments, recipe_tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("domain", ["chart", "web", "slide"])
def test_two_step_recipe_writes_its_outputs(tmp_path, domain):
    model, _ = tiny_text_model()
    out = tmp_path / "run"
    command = [
        sys.executable, str(ROOT / "recipes" / f"{domain}.py"), "--config", str(ROOT / "recipes" / f"{domain}.yaml"),
        "--model_name_or_path", model.config.name_or_path, "--output_dir", str(out), "--max_steps", "2",
        "--num_eval_tasks", "2", "--eval_max_new_tokens", "16", "--max_completion_length", "16",
        "--per_device_train_batch_size", "4", "--num_generations", "4", "--save_steps", "1",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    for name in ("adapter_model.safetensors", "metrics.json", "curves.png", "before_after.png", "checkpoint-2"):
        assert (out / name).exists(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["held_out_before"]) >= {"exec_rate", "defects_per_render", "reference_similarity"}
    assert any("distill/loss" in entry for entry in metrics["log_history"])
    assert metrics["domain"] == domain and metrics["dataset"] == f"embedded {domain} tasks"
    rewards = [entry["rewards/executability_reward/mean"] for entry in metrics["log_history"]
               if "rewards/executability_reward/mean" in entry]
    assert len(rewards) == 2  # both steps rewarded from real renders


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
