"""The grid v2 report (`benchmarks/grid_v2.py --report`) on synthetic run files: the fields the issue asks for, the
paired intervals against GRPO and the warm start, and the refusal to pool runs trained from another warm start."""

import json
import random
import sys
from pathlib import Path

import pytest


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import grid_v2  # a plain import: a broken benchmark import fails the test rather than skipping it


KEY = "testkey0"
TASKS = 32


def _task_rewards(level: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    # the same per-task difficulty for every arm (tasks are paired), plus sampling noise per seed
    difficulty = [random.Random(t).uniform(-0.3, 0.3) for t in range(TASKS)]
    return [min(1.0, max(0.0, level + d + rng.gauss(0, 0.02))) for d in difficulty]


def _held_out(rewards: list[float], step: int) -> dict:
    """A held-out evaluation at `step` of a 2-step run whose final per-task rewards are `rewards`."""
    return {"held_out_reward": sum(rewards) / TASKS - 0.01 * (2 - step), "flawless_rate": 0.5, "exec_rate": 0.9,
            "task_rewards": rewards, "task_flawless": [max(0.0, r - 0.3) for r in rewards]}


def _run(arm: str, seed: int, level: float) -> dict:
    rewards = _task_rewards(level, seed)
    final = {"task_rewards": rewards, "held_out_reward": sum(rewards) / TASKS, "exec_rate": 0.9, "defect_rate": 0.3,
             "flawless_rate": 0.6, "rubric_overall": 0.885,
             "rollouts": 0 if arm in ("zero_shot", "critique_revise") else 16}
    if final["rollouts"]:
        final["curve"] = [{"step": step, "rollouts": 8 * step, "held_out": _held_out(rewards, step)}
                          for step in (1, 2)]
        final["train_steps"] = [{"step": step, "reward": 2.0 + step, "exec_rate": 0.8,
                                 "completion_length": 100.0 * step} for step in (1, 2)]
        if arm.startswith("sdpo"):  # Visual-SDPO logs its credit: weights 1.1 and 1.3, 10 % and 30 % credited
            for step in final["train_steps"]:
                step.update(credit_weight=0.9 + 0.2 * step["step"], credited_frac=-0.1 + 0.2 * step["step"])
    if arm == "critique_revise":  # as runs made before per-task flawless shares were recorded
        final.update(extra_generated_tokens=100, extra_renders=3)
    else:  # a flawless share 0.3 below the reward level, per task
        final["task_flawless"] = [max(0.0, r - 0.3) for r in rewards]
    return {"arm": arm, "seed": seed, "final": final,
            "budget": {"key": KEY, "samples_per_task": 4, "warm_start_probe": [-0.5] * 4, "code_commit": "abc",
                       "warm_start_sha256": "sha", "steps": 2, "batch_size": 8, "eval_tasks": TASKS}}


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    runs = tmp_path / "grid_v2"
    runs.mkdir()
    monkeypatch.setattr(grid_v2, "RESULTS", tmp_path)
    monkeypatch.setattr(grid_v2, "RUNS", runs)
    monkeypatch.setattr(grid_v2.se, "CHECKPOINTS", tmp_path / "checkpoints")
    monkeypatch.setattr(grid_v2.se, "PARKED", tmp_path / "parked")
    levels = {"zero_shot": 0.6, "grpo": 0.6, "sdpo_credit": 0.7, "critique_revise": 0.6}
    for arm, level in levels.items():
        for seed in range(3):
            (runs / f"{arm}-seed{seed}-{KEY}.json").write_text(json.dumps(_run(arm, seed, level)))
    return runs


def test_report_has_the_issue_fields_and_paired_intervals(runs_dir):
    arms = grid_v2.report()[KEY]["arms"]
    for arm in ("grpo", "sdpo_credit"):
        row = arms[arm]
        assert row["seeds"] == [0, 1, 2] and row["eval_tasks"] == TASKS and row["samples_per_task"] == 4
        low, high = row["final"]["ci95"]
        assert low <= row["final"]["mean"] <= high
        assert [p["step"] for p in row["train_reward"]] == [1, 2] and row["train_reward"][0]["n"] == 3
        assert [p["mean"] for p in row["train_completion_length"]] == [100.0, 200.0]
        assert "train_clipped_ratio" not in row  # not in these records
    # a 0.1 better arm on the same tasks: the paired interval excludes 0 although the per-arm intervals overlap
    better = arms["sdpo_credit"]
    assert better["vs_grpo"]["ci95"][0] > 0.05 and better["vs_zero_shot"]["ci95"][0] > 0.05
    assert better["final"]["ci95"][0] < arms["grpo"]["final"]["ci95"][1]
    # an arm that matches GRPO and the warm start: both paired intervals hold 0
    same = arms["critique_revise"]
    assert same["vs_grpo"]["ci95"][0] < 0 < same["vs_grpo"]["ci95"][1]
    assert same["vs_zero_shot"]["ci95"][0] < 0 < same["vs_zero_shot"]["ci95"][1]
    assert same["extra_renders"] == 3
    assert "vs_grpo" not in arms["grpo"] and "vs_zero_shot" not in arms["zero_shot"]
    # how far from uniform the distillation weights were, averaged over steps and seeds; GRPO has no credit
    assert arms["sdpo_credit"]["train_credit"] == pytest.approx({"credit_weight": 1.2, "credited_frac": 0.2,
                                                                 "steps": 6})
    assert "train_credit" not in arms["grpo"]
    assert arms["sdpo_credit"]["rollouts_to_reach_grpo_final"] == 0.0  # the warm start already reaches it
    assert arms["sdpo_credit"]["rollouts_to_reach_grpo_final_flawless"] == 0.0  # and its flawless share
    assert "rollouts_to_reach_grpo_final_flawless" not in arms["critique_revise"]  # no curve
    # the flawless share gets the same paired intervals, where every run of both arms recorded it
    assert better["vs_grpo_flawless"]["ci95"][0] > 0.05 and better["vs_zero_shot_flawless"]["ci95"][0] > 0.05
    low, high = arms["grpo"]["flawless"]["ci95"]
    assert low <= arms["grpo"]["flawless"]["mean"] <= high
    assert "flawless" not in same and "vs_grpo_flawless" not in same
    # 0.3 of the runs are flawed and lose 0.015 of rubric between them: 0.05 each, 0.005 of held-out reward at most
    headroom = arms["grpo"]["defect_headroom"]
    assert headroom["loss_per_flawed_render"] == pytest.approx([0.05] * 3)
    assert headroom["max_reward_gain"] == pytest.approx([0.005] * 3)
    assert (runs_dir.parent / "grid_v2.json").is_file() and (runs_dir.parent / "grid_v2.png").is_file()


def test_unfinished_runs_report_their_curve_so_far(runs_dir, tmp_path):
    folder = tmp_path / "checkpoints" / "grid_v2" / f"sdpo_uniform-seed0-{KEY}"
    rewards = _task_rewards(0.7, 0)  # 0.1 above the warm start and GRPO, on the same tasks
    history = []
    for step in (1, 2):
        history += [{"step": step, "reward": 2.5, "rewards/executability_reward/mean": 0.9,
                     "completions/mean_length": 448.0, "completions/clipped_ratio": 1.0,
                     "credit/mean_token_weight": 1.0 + 0.1 * step, "credit/credited_token_frac": 0.05},
                    {"step": step, "rollouts": 8 * step, "held_out": _held_out(rewards, step), "programs": []}]
        (folder / f"checkpoint-{step}").mkdir(parents=True)
        (folder / f"checkpoint-{step}" / "trainer_state.json").write_text(json.dumps({"log_history": history}))
    (folder / "checkpoint-3").mkdir()  # killed while saving: no trainer state, not read
    finished = tmp_path / "checkpoints" / "grid_v2" / f"grpo-seed0-{KEY}" / "checkpoint-2"  # its record is written
    finished.mkdir(parents=True)
    (finished / "trainer_state.json").write_text(json.dumps({"log_history": history}))

    grid = grid_v2.report()
    assert list(grid[KEY]["in_progress"]) == ["sdpo_uniform"] and "sdpo_uniform" not in grid[KEY]["arms"]
    (run,) = grid[KEY]["in_progress"]["sdpo_uniform"]
    assert run["seed"] == 0 and run["checkpoint"] == "checkpoint-2"
    assert run["train_credit"] == pytest.approx({"credit_weight": 1.15, "credited_frac": 0.05, "steps": 2})
    assert [point["step"] for point in run["curve"]] == [1, 2] and [s["step"] for s in run["train_steps"]] == [1, 2]
    assert run["train_steps"][-1]["completion_length"] == 448.0 and run["train_steps"][-1]["clipped_ratio"] == 1.0
    last = run["curve"][-1]
    for baseline in ("vs_grpo", "vs_zero_shot", "vs_grpo_flawless", "vs_zero_shot_flawless"):
        assert 0.05 < last[baseline]["ci95"][0] <= last[baseline]["difference"] <= last[baseline]["ci95"][1]
    assert "in progress: sdpo_uniform seed 0 at step 2: held-out reward" in grid_v2.summary_table(grid)
    assert "vs_sdpo_uniform" not in last  # not against itself

    # a probe arm under way (sdpo_credit's seed 0 is finished in this fixture), 0.1 above uniform, whose checkpoint
    # is parked in the repository only (--park_checkpoints; this machine has none of its outputs)
    credit = tmp_path / "parked" / "grid_v2" / f"sdpo_credit_ema-seed0-{KEY}" / "checkpoint-2"
    credit.mkdir(parents=True)
    better = [{**entry, "held_out": _held_out(_task_rewards(0.8, 0), entry["step"])} if "held_out" in entry else entry
              for entry in history]
    (credit / "trainer_state.json").write_text(json.dumps({"log_history": better}))
    (run,) = grid_v2.report()[KEY]["in_progress"]["sdpo_credit_ema"]
    versus = run["curve"][-1]["vs_sdpo_uniform"]  # what credit adds: against uniform at the same step
    assert 0.05 < versus["ci95"][0] <= versus["difference"] <= versus["ci95"][1]


def _curve_record(rewards: list[float], flawless: list[float] | None = None) -> dict:
    flawless = flawless or [0.0] * len(rewards)
    return {"final": {"curve": [{"rollouts": 8 * (i + 1), "held_out": {"held_out_reward": r, "flawless_rate": f}}
                                for i, (r, f) in enumerate(zip(rewards, flawless, strict=True))]}}


def test_rollouts_to_reach_follows_the_seed_mean_curve():
    # seed 1 never reaches 0.8, but the mean of the two seeds does at 16 rollouts
    runs = [_curve_record([0.7, 0.9, 0.9]), _curve_record([0.7, 0.7, 0.75])]
    assert grid_v2.se.rollouts_to_reach(runs, target=0.8) == 16.0
    assert grid_v2.se.rollouts_to_reach(runs, target=0.85) is None
    assert grid_v2.se.rollouts_to_reach(runs, target=0.8, untrained=0.8) == 0.0
    # the same on the flawless share: reached at 8 rollouts although the reward never reaches 0.95
    runs = [_curve_record([0.9, 0.9], flawless=[0.8, 0.7]), _curve_record([0.9, 0.9], flawless=[0.7, 0.7])]
    assert grid_v2.se.rollouts_to_reach(runs, target=0.75, metric="flawless_rate") == 8.0
    assert grid_v2.se.rollouts_to_reach(runs, target=0.95) is None


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """The rows (cells) of each Markdown table in `text`, headers and rulers left out."""
    tables = [block.splitlines() for block in text.split("\n\n")]
    return [[line.split(" | ") for line in table if line.startswith("| ") and "---" not in line][1:]
            for table in tables if any(line.startswith("| ") for line in table)]


def test_summary_table_has_a_row_per_arm_in_grid_order(runs_dir):
    grid = grid_v2.report()
    rows = _markdown_tables(grid_v2.summary_table(grid))[0]
    assert [row[0].lstrip("| ") for row in rows] == ["zero_shot", "grpo", "sdpo_credit", "critique_revise"]
    credit = grid[KEY]["arms"]["sdpo_credit"]
    cells = dict(zip(["arm", "seeds", "final", "exec", "flawless", "vs_zero_shot", "vs_grpo"], rows[2]))
    assert cells["seeds"] == "0,1,2" and cells["final"].startswith(f"{credit['final']['mean']:.3f} [")
    assert cells["vs_grpo"].startswith(f"+{credit['vs_grpo']['difference']:.3f} [")
    assert rows[1][6].strip(" |") == ""  # GRPO has no difference from itself


def test_the_curve_over_seeds_compares_every_step_with_grpo_at_that_step(runs_dir):
    grid = grid_v2.report()
    arms = grid[KEY]["arms"]
    credit, grpo = arms["sdpo_credit"]["curve"], arms["grpo"]["curve"]
    assert [p["step"] for p in credit] == [1, 2] and [p["rollouts"] for p in credit] == [8, 16]
    for point in credit:  # 0.1 above GRPO on the same tasks at every step, seeds pooled
        assert point["vs_grpo_flawless"]["ci95"][0] > 0.05 and point["vs_grpo"]["ci95"][0] > 0.05
        assert point["vs_zero_shot_flawless"]["ci95"][0] > 0.05
        low, high = point["flawless"]["ci95"]
        assert low <= point["flawless"]["mean"] <= high and point["exec_rate"] == 0.9
    assert "vs_grpo" not in grpo[0] and "vs_zero_shot_flawless" in grpo[0]
    assert "vs_sdpo_uniform_flawless" not in credit[0]  # no uniform arm in this grid
    assert "curve" not in arms["critique_revise"]  # inference only
    steps = _markdown_tables(grid_v2.summary_table(grid))[1]
    assert [(row[0].lstrip("| "), row[2]) for row in steps] == [
        ("zero_shot", "0"), ("grpo", "8"), ("grpo", "16"), ("sdpo_credit", "8"), ("sdpo_credit", "16"),
        ("critique_revise", "0")]  # an untrained arm's one point is its final score
    assert steps[3][7].startswith(f"+{credit[0]['vs_grpo_flawless']['difference']:.3f} [")
    assert steps[1][7] == "" and steps[0][6] == ""  # GRPO against itself, the warm start against itself


def test_credit_is_compared_with_uniform_distillation_at_every_step(runs_dir):
    for seed in range(3):  # uniform at GRPO's level: credit 0.1 above it on the same tasks
        (runs_dir / f"sdpo_uniform-seed{seed}-{KEY}.json").write_text(json.dumps(_run("sdpo_uniform", seed, 0.6)))
    arms = grid_v2.report()[KEY]["arms"]
    for point in arms["sdpo_credit"]["curve"]:
        assert point["vs_sdpo_uniform_flawless"]["ci95"][0] > 0.05 and point["vs_sdpo_uniform"]["ci95"][0] > 0.05
    assert all("vs_sdpo_uniform" not in point for arm in ("sdpo_uniform", "grpo") for point in arms[arm]["curve"])


def test_a_different_warm_start_is_refused(runs_dir, tmp_path, monkeypatch):
    model = tmp_path / "warm"
    model.mkdir()
    monkeypatch.setattr("trl_visual_sdpo.models.weights_fingerprint", lambda path: "sha")
    monkeypatch.setattr(grid_v2, "warm_start_probe", lambda path: [-0.5 + 1e-5] * 4)
    assert grid_v2.check_warm_start(str(model), KEY)["warm_start_sha256"] == "sha"  # float noise passes
    monkeypatch.setattr(grid_v2, "warm_start_probe", lambda path: [-0.6] * 4)
    with pytest.raises(SystemExit, match="not the warm start"):
        grid_v2.check_warm_start(str(model), KEY)
    with pytest.raises(SystemExit, match="No warm start"):
        grid_v2.check_warm_start(str(tmp_path / "missing"), KEY)


def test_renders_of_every_arm_that_kept_its_programs(runs_dir):
    ok = "```python\nimport matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2])\nplt.savefig('out.png')\n```"
    crash = "```python\nimport matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2, 3])\n```"
    for arm, program in (("grpo", ok), ("sdpo_credit", crash)):
        path = runs_dir / f"{arm}-seed0-{KEY}.json"
        record = json.loads(path.read_text())
        record["final"]["programs"] = [program] * (TASKS * 4)  # every task x 4 samples, task-major
        path.write_text(json.dumps(record))
    assert grid_v2.plot_renders(1) is None  # no run at seed 1 kept its programs
    path = grid_v2.plot_renders(0, tasks=2)
    assert path == runs_dir.parent / "grid_v2_renders_seed0.png" and path.stat().st_size > 10_000
    assert grid_v2.plot_renders(0, tasks=2, budget="otherkey") is None  # no run of that budget
    path = grid_v2.plot_renders(0, tasks=2, budget=KEY)
    assert path == runs_dir.parent / f"grid_v2_renders_seed0_{KEY}.png" and path.stat().st_size > 10_000


def test_renders_of_a_run_under_way_come_from_its_last_checkpoint(runs_dir, tmp_path):
    ok = "```python\nimport matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2])\nplt.savefig('out.png')\n```"
    checkpoint = tmp_path / "checkpoints" / "grid_v2" / "sdpo_uniform-seed0-otherkey" / "checkpoint-4"
    checkpoint.mkdir(parents=True)
    held_out = {"held_out_reward": 0.9, "task_rewards": [0.9, 0.9]}  # 2 tasks x 4 samples
    (checkpoint / "trainer_state.json").write_text(json.dumps(
        {"log_history": [{"step": 4, "rollouts": 32, "held_out": held_out, "programs": [ok] * 8}]}))
    path = grid_v2.plot_renders(0, tasks=2, budget="otherkey")  # the only run of that budget is under way
    assert path == runs_dir.parent / "grid_v2_renders_seed0_otherkey.png" and path.stat().st_size > 10_000


def test_flawless_with_every_label_from_the_records_or_the_fidelity_scores(runs_dir):
    for arm in ("zero_shot", "grpo", "sdpo_credit"):  # runs that measured it: sdpo_credit drops labels
        for seed in range(3):
            path = runs_dir / f"{arm}-seed{seed}-{KEY}.json"
            record = json.loads(path.read_text())
            dropped = 0.2 if arm == "sdpo_credit" else 0.0
            record["final"].update(task_complete_flawless=[max(0.0, f - dropped) for f in
                                                           record["final"]["task_flawless"]], label_recall=0.9)
            path.write_text(json.dumps(record))
    for seed in range(3):  # made before: rescored by --fidelity, at its final step (0: untrained)
        scores = {"task_complete_flawless": [0.1] * TASKS, "label_recall": 0.8}
        path = grid_v2._fidelity_path(f"critique_revise-seed{seed}-{KEY}", 0)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(scores))
        # and credit's first evaluation on every seed: the curve has the share where every seed has it
        path = grid_v2._fidelity_path(f"sdpo_credit-seed{seed}-{KEY}", 1)
        path.write_text(json.dumps({"task_complete_flawless": [0.3] * TASKS, "label_recall": 0.9}))
    grid = grid_v2.report()
    arms = grid[KEY]["arms"]
    first, last = arms["sdpo_credit"]["curve"]
    assert first["complete_flawless"]["mean"] == pytest.approx(0.3) and "complete_flawless" not in last
    change = arms["sdpo_credit"]["vs_grpo_complete_flawless"]
    flawless_change = arms["sdpo_credit"]["vs_grpo_flawless"]["difference"]
    assert change["difference"] < flawless_change - 0.1 and change["ci95"][0] <= change["difference"]
    assert arms["critique_revise"]["complete_flawless"]["mean"] == pytest.approx(0.1)
    assert arms["critique_revise"]["label_recall"] == pytest.approx(0.8)
    assert "vs_grpo_complete_flawless" in arms["critique_revise"]
    assert "flawless, every label" in grid_v2.summary_table(grid)


def test_fidelity_rescoring_renders_kept_programs_once(runs_dir):
    from trl_visual_sdpo.data import load_chart_tasks

    reference = load_chart_tasks("test", n=1)["reference_code"][0]
    no_ticks = f"```python\n{reference}\nax.set_xticks([])\n```"  # "fixed" by deleting every category label
    record = json.loads((runs_dir / f"zero_shot-seed0-{KEY}.json").read_text())
    record["final"].update(programs=[f"```python\n{reference}\n```", no_ticks], task_rewards=[0.9])
    (runs_dir / f"zero_shot-seed0-{KEY}.json").write_text(json.dumps(record))
    assert grid_v2.score_fidelity(KEY) == 1  # the one run that kept programs
    scores = json.loads(grid_v2._fidelity_path(f"zero_shot-seed0-{KEY}", 0).read_text())
    assert scores["flawless_rate"] == 1.0  # the rubric sees nothing wrong with either
    assert scores["task_complete_flawless"] == [0.5] and scores["label_recall"] == pytest.approx(0.5)
    assert grid_v2.score_fidelity(KEY) == 0  # resumes: nothing left to score


def test_runs_whose_checkpoints_are_gone_stay_in_the_report_until_superseded(runs_dir, tmp_path):
    # The previous report had two runs under way whose checkpoints this machine no longer has (a new machine, or a
    # probe stopped for good): their points, which the README cites, stay as `stopped`.
    point = {"step": 48, "rollouts": 384, "held_out_reward": 0.9, "flawless_rate": 0.7, "exec_rate": 0.95}
    previous = {KEY: {"in_progress": {"sdpo_uniform": [{"seed": 0, "checkpoint": "checkpoint-60", "curve": [point]}],
                                      "grpo": [{"seed": 3, "checkpoint": "checkpoint-30", "curve": [point]}]}}}
    (tmp_path / "grid_v2.json").write_text(json.dumps(previous))
    # uniform seed 0 restarted from scratch on this machine and is at its step 6
    restarted = tmp_path / "checkpoints" / "grid_v2" / f"sdpo_uniform-seed0-{KEY}" / "checkpoint-6"
    restarted.mkdir(parents=True)
    (restarted / "trainer_state.json").write_text(json.dumps({"log_history": [{"step": 6, "reward": 2.0}]}))
    grid = grid_v2.report()[KEY]
    assert grid["stopped"] == previous[KEY]["in_progress"]
    assert [r["checkpoint"] for r in grid["in_progress"]["sdpo_uniform"]] == ["checkpoint-6"]
    assert "- stopped: sdpo_uniform seed 0 at step 48: held-out reward 0.900" in grid_v2.summary_table(
        {KEY: grid})
    assert grid_v2.report()[KEY]["stopped"] == previous[KEY]["in_progress"]  # read back from its own report

    # the restart passes the stopped checkpoint, and grpo seed 3 finishes: nothing is left stopped
    later = restarted.parent / "checkpoint-60"
    later.mkdir()
    (later / "trainer_state.json").write_text(json.dumps({"log_history": [{"step": 60, "reward": 2.0}]}))
    (runs_dir / f"grpo-seed3-{KEY}.json").write_text(json.dumps(_run("grpo", 3, 0.6)))
    assert "stopped" not in grid_v2.report()[KEY]


def test_a_rerun_of_a_kept_evaluations_benchmark_keeps_the_rows_whose_programs_are_gone(tmp_path):
    path = tmp_path / "colour_modes.json"
    lost, kept = {"programs": 128, "distinct": 16}, {"programs": 128, "distinct": 29}
    path.write_text(json.dumps({"budget": "b1", "evaluations": {"probe@48": lost, "run@24": {"distinct": 1}}}))
    assert grid_v2.merge_kept_rows(path, "b1", {"run@24": kept}) == {"probe@48": lost, "run@24": kept}
    # another budget's rows are not this one's
    assert grid_v2.merge_kept_rows(path, "b2", {"run@24": kept}) == {"run@24": kept}
    assert grid_v2.merge_kept_rows(tmp_path / "absent.json", "b1", {}) == {}
