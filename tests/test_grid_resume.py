"""A grid training run stopped mid-way (`benchmarks/sample_efficiency.py`, which grid v2 runs) resumes from its last
complete checkpoint with the held-out curve it had, instead of starting over: on a CPU one run outlasts a sitting."""

import argparse
import json
import shutil
import sys
from pathlib import Path

import pytest


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import sample_efficiency as se  # a plain import: a broken benchmark import fails the test rather than skipping it


class Stopped(Exception):
    """Stands in for the end of a sitting (the process is killed)."""


def _args(tmp_path, tiny_text, **budget) -> argparse.Namespace:
    model, tokenizer = tiny_text
    model.save_pretrained(tmp_path / "model")
    tokenizer.save_pretrained(tmp_path / "model")
    return argparse.Namespace(**{**dict(model=str(tmp_path / "model"), steps=2, eval_every=1, batch_size=2,
                                        num_generations=2, max_completion_length=8, temperature=0.7,
                                        learning_rate=1e-3, eval_tasks=1, samples_per_task=2, eval_temperature=0.7,
                                        eval_max_new_tokens=8, eval_batch_size=2, revise_rounds=1,
                                        trainer_overrides={}), **budget})


def _stop_at_first_step_2_evaluation(monkeypatch) -> list[int]:
    """Make the first held-out evaluation at step 2 end the sitting; returns the evaluated steps, in order."""
    evaluated_steps = []
    evaluate = se.seeded_evaluate

    def stop_at_step_2(model, tokenizer, renderer, tasks, args, seed, step):
        evaluated_steps.append(step)
        if step == 2 and evaluated_steps.count(2) == 1:
            raise Stopped
        return evaluate(model, tokenizer, renderer, tasks, args, seed, step)

    monkeypatch.setattr(se, "seeded_evaluate", stop_at_step_2)
    return evaluated_steps


def test_a_stopped_training_run_resumes_with_its_curve(tmp_path, tiny_text, monkeypatch):
    monkeypatch.setattr(se, "CHECKPOINTS", tmp_path / "checkpoints")
    args = _args(tmp_path, tiny_text)
    path = tmp_path / "grid" / "grpo-seed0-key.json"
    evaluated_steps = _stop_at_first_step_2_evaluation(monkeypatch)
    with pytest.raises(Stopped):
        se.run("grpo", 0, args, path)
    run_dir = tmp_path / "checkpoints" / "grid" / "grpo-seed0-key"
    assert not path.exists() and (run_dir / "checkpoint-1" / "trainer_state.json").is_file()
    first = json.loads((run_dir / "checkpoint-1" / "trainer_state.json").read_text())
    held_out_1 = next(h["held_out"] for h in first["log_history"] if "held_out" in h)

    se.run("grpo", 0, args, path)  # the next sitting
    assert evaluated_steps == [1, 2, 2]  # step 1 was not trained or scored again
    final = json.loads(path.read_text())["final"]
    assert final["resumed_from"] == "checkpoint-1"
    assert [p["step"] for p in final["curve"]] == [1, 2] and final["curve"][0]["held_out"] == held_out_1
    assert [s["step"] for s in final["train_steps"]] == [1, 2]  # the first sitting's training log is kept
    assert len(final["programs"]) == 2
    assert not run_dir.exists()  # the record holds everything; the checkpoints are gone


def test_checkpoints_between_evaluations_save_the_steps_before_the_next_one(tmp_path, tiny_text, monkeypatch):
    # One held-out evaluation, at the end (step 2), but a checkpoint every step: a sitting that ends during that
    # evaluation loses only step 2, not the whole run.
    monkeypatch.setattr(se, "CHECKPOINTS", tmp_path / "checkpoints")
    args = _args(tmp_path, tiny_text, eval_every=2, checkpoint_every=1)
    path = tmp_path / "grid" / "grpo-seed0-key.json"
    evaluated_steps = _stop_at_first_step_2_evaluation(monkeypatch)
    with pytest.raises(Stopped):
        se.run("grpo", 0, args, path)
    se.run("grpo", 0, args, path)
    assert evaluated_steps == [2, 2]
    final = json.loads(path.read_text())["final"]
    assert final["resumed_from"] == "checkpoint-1" and [p["step"] for p in final["curve"]] == [2]
    assert [s["step"] for s in final["train_steps"]] == [1, 2]


def test_a_parked_run_resumes_on_a_new_machine(tmp_path, tiny_text, monkeypatch):
    # A sitting on a machine whose outputs/ is gone: the run resumes from the checkpoint parked in the repository.
    monkeypatch.setattr(se, "CHECKPOINTS", tmp_path / "checkpoints")
    monkeypatch.setattr(se, "PARKED", tmp_path / "parked")
    args = _args(tmp_path, tiny_text, park_checkpoints=True)
    path = tmp_path / "grid" / "grpo-seed0-key.json"
    evaluated_steps = _stop_at_first_step_2_evaluation(monkeypatch)
    with pytest.raises(Stopped):
        se.run("grpo", 0, args, path)
    parked = tmp_path / "parked" / "grid" / "grpo-seed0-key"
    assert [p.name for p in parked.iterdir()] == ["checkpoint-1"]  # the latest only
    files = {p.name for p in (parked / "checkpoint-1").iterdir()}
    assert {"trainer_state.json", "optimizer.pt", "scheduler.pt", "adapter_model.safetensors"} <= files
    assert "tokenizer.json" not in files and "training_args.bin" not in files
    shutil.rmtree(tmp_path / "checkpoints")  # the new machine

    se.run("grpo", 0, args, path)
    assert evaluated_steps == [1, 2, 2]
    final = json.loads(path.read_text())["final"]
    assert final["resumed_from"] == "checkpoint-1" and [p["step"] for p in final["curve"]] == [1, 2]
    assert not parked.exists()  # the record holds everything


def test_parking_replaces_the_parked_checkpoint_whole(tmp_path, monkeypatch):
    # A commit may land while a worker parks: at every moment the parked folder holds complete checkpoints only.
    monkeypatch.setattr(se, "PARKED", tmp_path / "parked")
    run = tmp_path / "checkpoints" / "grid" / "arm-seed0-key"
    for step, text in ((6, "six"), (12, "twelve"), (12, "twelve again")):
        (run / f"checkpoint-{step}").mkdir(parents=True, exist_ok=True)
        (run / f"checkpoint-{step}" / "trainer_state.json").write_text(text)
        (run / f"checkpoint-{step}" / "training_args.bin").write_text("left out")
        se.park(run / f"checkpoint-{step}")
    parked = tmp_path / "parked" / "grid" / "arm-seed0-key"
    assert [p.name for p in parked.iterdir()] == ["checkpoint-12"]  # no earlier checkpoint, no partial copy
    assert [p.name for p in (parked / "checkpoint-12").iterdir()] == ["trainer_state.json"]
    assert (parked / "checkpoint-12" / "trainer_state.json").read_text() == "twelve again"


def test_a_run_that_another_worker_holds_is_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(se, "CHECKPOINTS", tmp_path / "checkpoints")
    path = tmp_path / "grid" / "grpo-seed0-key.json"
    with se.claimed(path) as mine:
        assert mine
        with se.claimed(path) as theirs:  # another open of the lock, as another worker's
            assert not theirs
        se.run("grpo", 0, argparse.Namespace(), path)  # returns before it reads any setting
        assert "running in another process, skipped" in capsys.readouterr().out and not path.exists()
    with se.claimed(path) as mine:  # released with its holder
        assert mine
