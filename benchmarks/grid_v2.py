"""Grid v2: Visual-SDPO against GRPO from a warm start whose rollouts run, so that rewards move.

Every arm starts from the warm start of `recipes/sft_chart.py` (SmolLM2-135M-Instruct fine-tuned on the embedded
chart programs, 70 % of them without their layout fixes, plus revision examples that read a flawed render's feedback
and answer with the fixed program: most of its programs run and many render with defects),
trains a LoRA adapter on the embedded training tasks, and is scored on `--eval_tasks` held-out tasks with sampled
decoding (the training temperature, `--samples_per_task` samples per task, an RNG stream per seed and step so that
arms at the same seed and step share their random numbers). Arms:

- `zero_shot`: the warm start itself;
- `grpo`: TRL's own `GRPOTrainer` with the same rewards (execution, defect-free score, reference similarity);
- `sdpo_uniform`: `VisualSDPOTrainer`, `credit_alpha=0` (uniform distillation);
- `sdpo_credit`: `VisualSDPOTrainer`, `credit_alpha=1` (visual-grounded credit, `credit_box="element"`);
- `critique_revise`: inference only, the warm start plus `--revise_rounds` rounds of render -> feedback -> rewrite;
- `sdpo_credit_demo` (run by name, not in the default grid): `sdpo_credit` whose teacher also reads the group's best
  sibling rollout (`demonstrations="on_failure"`, the successful-rollout context of the SDPO paper);
- `sdpo_credit_hints` (run by name): `sdpo_credit` whose rubric ends with the renderer's repair hint for each
  kind of defect found (`repair_hints=True`);
- `sdpo_credit_statement` (run by name): `sdpo_credit` with the first version's credit, `credit_box="statement"`
  (the union box of a statement's elements; every grid run before the element box was the default used it, as
  `sdpo_credit`, and their seed-0 checkpoints were renamed to this arm);
- `sdpo_uniform_end`, `sdpo_credit_end` (run by name): the two Visual-SDPO arms as they ran until the decision to
  stop (the tokens after each program) was left out of distillation (`distill_program_end=True`); both collapsed
  into repeated fix lines after about 30 steps, and their seed-0 checkpoints were renamed to these arms
  (`sdpo_credit_statement` distilled it too);
- `sdpo_credit_labels` (run by name): `sdpo_credit` whose rubric also names the labels the prompt quotes that the
  render left out (`label_feedback=True`), so that a rollout "fixed" by deleting its labels is not called clean;
- `sdpo_credit_ema` (run by name): `sdpo_credit` whose teacher is an exponential moving average of the student
  (`teacher_model_kind="ema"`, the SDPO reference's teacher) instead of the live student. With the end of each program
  left out of distillation the seed-0 runs still drifted towards longer completions from about step 40; a teacher
  that lags the student is the next thing to test against that;
- `sdpo_credit_base` (run by name): the same with the warm start itself as the teacher (`teacher_model_kind="base"`,
  the adapter disabled), a teacher that cannot drift at all;
- `sdpo_uniform_stopping`, `sdpo_credit_stopping` (run by name): the two Visual-SDPO arms as they ran until the
  tokens that end a program were left out of the divergence at every position (`stop_neutral=False`); both collapsed
  into repeated lines from about step 40, and their seed-0 checkpoints were renamed to these arms. The probe that ran
  with `stop_neutral=True` held to step 72 and became `sdpo_credit` seed 0. The probe arms above (demo to base)
  ran before that default too and pin it off;
- `sdpo_credit_neutral` (run by name): `sdpo_credit` whose rubric does not quote the student's lines
  (`rubric_code_lines="none"`);
- `sdpo_credit_elided` (run by name): `sdpo_credit` whose rubric quotes the student's lines with their string
  literals and colours elided (`rubric_code_lines="elided"`): the teacher copies a quoted line's colour
  (`benchmarks/colour_lift.py`), and the runs that quote verbatim narrow their colours;
- `sdpo_credit_kl` (run by name): `sdpo_credit` with TRL's KL to the warm start (`beta=0.04`).
- `sdpo_credit_warm_teacher` (run by name): `sdpo_credit` with the teacher kept at the warm start
  (`teacher_model_kind="base"`), which objects to the repeated lines the live teacher stops objecting to
  (`benchmarks/loop_lift.py`).

The default budget is 72 steps x 8 rollouts with a held-out evaluation every 24 steps: at 24 steps (the first grid,
`--steps 24 --eval_every 8`) no arm moved beyond the seed spread, at 72 GRPO's flawless share did (README).

The machinery (arms, training, held-out scoring, critique-revise) is `benchmarks/sample_efficiency.py`'s. Each
arm-and-seed run writes `benchmarks/results/grid_v2/<arm>-seed<k>-<budget>.json` when it finishes and finished runs are
skipped, so the grid resumes where it stopped and can be spread over sittings (seed-major order: every arm gets its
first seed early); a training run stopped mid-way resumes from its last checkpoint (every `--checkpoint_every` steps).
`--report` (also run at the end) aggregates into `benchmarks/results/grid_v2.json` and `grid_v2.png`: per arm `seeds`,
`eval_tasks`, `samples_per_task`, `final` (mean and bootstrap 95 % interval over seeds and tasks), the held-out `curve`
over seeds (per evaluation: `reward` and `flawless` with intervals, and their paired changes from the warm start and
from GRPO at the same step), `train_reward`, `train_exec_rate`, `train_completion_length` and `train_clipped_ratio` per
step, `train_credit` (Visual-SDPO: the mean distillation token weight and share of credited tokens over training),
`rollouts_to_reach_grpo_final`, `vs_grpo` and `vs_zero_shot` (difference to GRPO's final and to the warm start's
held-out reward, paired bootstrap over tasks, 95 % interval), the same for the share of flawless held-out renders
(`flawless`, `vs_grpo_flawless`, `vs_zero_shot_flawless`: the layout signal, which the held-out reward docks only a
little; for runs that recorded `task_flawless`; `rollouts_to_reach_grpo_final_flawless`), the same again for the share
flawless with every label the prompt names (`complete_flawless`, `label_recall`, `vs_grpo_complete_flawless`:
"flawless" reached by deleting labels does not count), and prints the tables: one row per arm, then the README's, one
row per arm and evaluation. Runs made before held-out evaluations measured label fidelity get it from `--fidelity`,
which renders their kept programs again into `<runs>_fidelity/<run>@<step>.json`.

CPU (the full grid; build the warm start first with `python recipes/sft_chart.py --config recipes/sft_chart.yaml`):

    nohup python benchmarks/grid_v2.py > grid_v2-a.log 2>&1 &
    nohup python benchmarks/grid_v2.py > grid_v2-b.log 2>&1 &   # a second worker on the second core
    python benchmarks/grid_v2.py --report

Each run is locked while a worker trains it (`outputs/grid_v2/<run>.lock`), so workers started side by side split
the runs; a training run takes 2-3.5 hours on one shared core at the 72-step budget. Where a sitting may end on a
machine the next one does not get (outputs/ is lost), add `--park_checkpoints` to the workers and commit
`benchmarks/results/parked_checkpoints/` when they stop: each run's latest checkpoint (~6 MB) is kept there, and a
worker on a new machine resumes from it (after rebuilding the warm start, which the probe check below accepts).

Smoke test (minutes): `python benchmarks/grid_v2.py --smoke`. Held-out renders of every arm at one seed (runs keep
their final programs; a run under way shows its last held-out programs as `arm@step`): `python benchmarks/grid_v2.py
--renders 0`.

GPU, the same grid on a larger model and ChartMimic-sized budgets (warm-start it first with
`python recipes/sft_chart.py --config recipes/sft_chart.yaml --model_name_or_path Qwen/Qwen2.5-Coder-1.5B-Instruct
--use_cpu false --bf16 true --output_dir outputs/sft-chart-qwen1.5b`):

    python benchmarks/grid_v2.py --model outputs/sft-chart-qwen1.5b --steps 200 --eval_every 20 \
        --batch_size 16 --num_generations 8 --max_completion_length 1024 --eval_max_new_tokens 1024 \
        --eval_tasks 35 --samples_per_task 8 --learning_rate 1e-4 --seeds 0 1 2 3 4 \
        --torch_threads 0 --trainer_overrides '{"bf16": true}'   # or '{"use_vllm": true, "vllm_mode": "colocate"}'

(for ChartMimic itself, point `recipes/chart.py --dataset_name ChartMimic/ChartMimic` at the same checkpoint; this
grid scores the embedded held-out tasks, whose reference programs the similarity reward needs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

import sample_efficiency as se


RESULTS = Path(__file__).parent / "results"
RUNS = RESULTS / "grid_v2"
ARMS = ["zero_shot", "grpo", "sdpo_uniform", "sdpo_credit", "critique_revise", "sdpo_credit_demo", "sdpo_credit_hints",
        "sdpo_credit_statement", "sdpo_credit_labels", "sdpo_uniform_end", "sdpo_credit_end", "sdpo_credit_ema",
        "sdpo_credit_base", "sdpo_uniform_stopping", "sdpo_credit_stopping", "sdpo_credit_neutral",
        "sdpo_credit_elided", "sdpo_credit_kl", "sdpo_credit_warm_teacher"]
DEFAULT_ARMS = ARMS[:5]  # the grid; the last arms are probes, run by name
# benchmarks/results/generation_speed.json: 5x the tokens/s of one plain batched generate on the shared CPU. The
# cache is sized for 8 rollouts of ~250 prompt + 448 completion tokens (128 blocks x 64 tokens, ~0.4 GB for SmolLM2);
# TRL's default sizes it from the free memory instead.
FASTEST_GENERATION = {"use_transformers_continuous_batching": True,
                      "transformers_continuous_batching_config": {"num_blocks": 128, "block_size": 64,
                                                                  "max_batch_tokens": 512}}
BUDGET_FIELDS = ("model", "steps", "eval_every", "batch_size", "num_generations", "max_completion_length",
                 "temperature", "learning_rate", "eval_tasks", "samples_per_task", "eval_temperature",
                 "eval_max_new_tokens", "revise_rounds", "trainer_overrides")


def budget_key(args) -> str:
    return hashlib.sha1(repr(tuple(getattr(args, f) for f in BUDGET_FIELDS)).encode()).hexdigest()[:8]


def run_path(arm: str, seed: int, args) -> Path:
    return RUNS / f"{arm}-seed{seed}-{budget_key(args)}.json"


def warm_start_probe(model: str, tasks: int = 4) -> list[float]:
    """Mean per-token log-probability of the first `tasks` training reference programs under the model: a signature
    of the weights that survives float noise (a CPU rebuild of the warm start is not bit-identical run to run)."""
    import torch

    from trl_visual_sdpo.data import load_chart_tasks
    from trl_visual_sdpo.models import load_policy

    policy, tokenizer = load_policy(model, dtype=torch.float32)
    probe = []
    with torch.no_grad():
        for code in load_chart_tasks("train")["reference_code"][:tasks]:
            ids = tokenizer(code, return_tensors="pt")["input_ids"]
            logprobs = torch.log_softmax(policy(ids).logits[0, :-1], dim=-1)
            probe.append(logprobs.gather(-1, ids[0, 1:, None]).mean().item())
    return probe


def check_warm_start(model: str, key: str, tolerance: float = 1e-3) -> dict:
    """The warm start's weights fingerprint and probe; exits when finished runs of this budget used other weights
    (probes further apart than `tolerance` nats a token: a different warm start, not float noise)."""
    from trl_visual_sdpo.models import weights_fingerprint

    if not Path(model).is_dir():
        raise SystemExit(f"No warm start at {model}: build it with `OMP_NUM_THREADS=1 python recipes/sft_chart.py "
                         "--config recipes/sft_chart.yaml`, or pass its directory with --model.")
    current = {"warm_start_sha256": weights_fingerprint(model), "warm_start_probe": warm_start_probe(model)}
    for path in sorted(RUNS.glob(f"*-{key}.json")):
        recorded = json.loads(path.read_text())["budget"].get("warm_start_probe")
        if recorded is not None and max(abs(a - b) for a, b in zip(recorded, current["warm_start_probe"])) > tolerance:
            raise SystemExit(f"{model} is not the warm start that {path.name} was trained from (probe "
                             f"{current['warm_start_probe']} against {recorded}): rebuild it with the recorded SFT "
                             f"settings, or move this budget's runs out of {RUNS} to start the grid afresh.")
    return current


def bootstrap(values_by_seed: list[list[float]], samples: int = 2000, seed: int = 0,
              paired_with: list[list[float]] | None = None) -> list[float]:
    """95 % percentile interval of the mean over seeds and tasks, resampling seeds, then tasks (the same task
    indices for every seed, and for `paired_with` when given: the interval of the mean difference)."""
    rng = random.Random(seed)
    n_tasks = len(values_by_seed[0])
    means = []
    for _ in range(samples):
        tasks = [rng.randrange(n_tasks) for _ in range(n_tasks)]
        seeds = [rng.randrange(len(values_by_seed)) for _ in values_by_seed]
        mean = statistics.fmean(values_by_seed[s][t] for s in seeds for t in tasks)
        if paired_with is not None:
            other = [rng.randrange(len(paired_with)) for _ in paired_with]
            mean -= statistics.fmean(paired_with[s][t] for s in other for t in tasks)
        means.append(mean)
    means.sort()
    return [means[int(0.025 * samples)], means[int(0.975 * samples) - 1]]


def _mean_by_step(runs: list[dict], key: str) -> list[dict]:
    steps: dict[int, list[float]] = {}
    for run in runs:
        for entry in run["final"].get("train_steps", []):
            if entry.get(key) is not None:
                steps.setdefault(entry["step"], []).append(entry[key])
    return [{"step": step, "mean": statistics.fmean(v), "min": min(v), "max": max(v), "n": len(v)}
            for step, v in sorted(steps.items())]


def _pooled(values_by_seed: list[list[float]]) -> float:
    """The mean over every seed's per-task values."""
    return statistics.fmean(v for seed in values_by_seed for v in seed)


def _paired(values_by_seed: list[list[float]], baseline_by_seed: list[list[float]]) -> dict:
    """The difference of the means and its paired bootstrap interval (the same tasks resampled for both)."""
    return {"difference": _pooled(values_by_seed) - _pooled(baseline_by_seed),
            "ci95": bootstrap(values_by_seed, paired_with=baseline_by_seed)}


def _paired_changes(name: str, held_outs: list[dict], bases: list[dict]) -> dict:
    """`vs_<name>` and, where every evaluation recorded per-task flawless shares, `vs_<name>_flawless`: the paired
    changes of the held-out reward and flawless share from `bases` (held-out evaluations, one per seed a side)."""
    changes = {f"vs_{name}": _paired([h["task_rewards"] for h in held_outs], [b["task_rewards"] for b in bases])}
    if all("task_flawless" in h for h in (*held_outs, *bases)):
        changes[f"vs_{name}_flawless"] = _paired([h["task_flawless"] for h in held_outs],
                                                 [b["task_flawless"] for b in bases])
    return changes


def _by_step(runs: list[dict]) -> dict[int, list[dict]]:
    """Step -> every seed's held-out evaluation at that step, for the steps all `runs` evaluated."""
    steps: dict[int, list[dict]] = {}
    for run in runs:
        for point in run["final"].get("curve", []):
            steps.setdefault(point["step"], []).append(point)
    return {step: points for step, points in sorted(steps.items()) if len(points) == len(runs)}


def _seed_curve(runs: list[dict], same_step: dict[str, list[dict]], warm_rewards: list[list[float]] | None,
                warm_flawless: list[list[float]] | None) -> list[dict]:
    """The held-out curve over seeds: per evaluated step the seed means and, pooling seeds per task, the intervals of
    the held-out reward, the flawless share and the share flawless with every label, the paired changes from the warm
    start, and the paired changes from each arm of `same_step` (name -> its runs) at the same step: GRPO (every seed:
    whether an arm is ahead after as many rollouts, not only at the end), and uniform distillation for credit
    weighting (what the credit adds)."""
    baselines = {name: _by_step(other) for name, other in same_step.items()}
    curve = []
    for step, points in _by_step(runs).items():
        held_out = [p["held_out"] for p in points]
        row = {"step": step, "rollouts": points[0]["rollouts"],
               **{m: statistics.fmean(h[m] for h in held_out) for m in ("held_out_reward", "flawless_rate",
                                                                         "exec_rate")}}
        rewards = [h["task_rewards"] for h in held_out]
        row["reward"] = {"mean": _pooled(rewards), "ci95": bootstrap(rewards)}
        flawless = [h["task_flawless"] for h in held_out] if all("task_flawless" in h for h in held_out) else None
        if flawless:
            row["flawless"] = {"mean": _pooled(flawless), "ci95": bootstrap(flawless)}
            if warm_flawless:
                row["vs_zero_shot_flawless"] = _paired(flawless, warm_flawless)
        if warm_rewards:
            row["vs_zero_shot"] = _paired(rewards, warm_rewards)
        labels = [_complete_flawless(f"{r['arm']}-seed{r['seed']}-{r['budget']['key']}", step, p["held_out"])
                  for r, p in zip(runs, points)]
        if all(labels):  # flawless without deleting a label the prompt names
            complete = [f["task_complete_flawless"] for f in labels]
            row["complete_flawless"] = {"mean": _pooled(complete), "ci95": bootstrap(complete)}
        for name, steps in baselines.items():
            if step in steps:
                row.update(_paired_changes(name, held_out, [p["held_out"] for p in steps[step]]))
        curve.append(row)
    return curve


def _defect_headroom(runs: list[dict]) -> dict:
    """Per seed, how little the held-out reward sees layout: the defect-free score a flawed render loses on average
    (`loss_per_flawed_render`), and the most the held-out reward (a mean of execution, defect-free score and
    similarity) would rise if every defect of every running program were fixed (`max_reward_gain`)."""
    loss, gain = [], []
    for r in runs:
        final = r["final"]
        lost = final["exec_rate"] - final["rubric_overall"]  # a running program's rubric is 1 without defects
        flawed = final["exec_rate"] - final["flawless_rate"]
        loss.append(lost / flawed if flawed else 0.0)
        gain.append(lost / 3)
    return {"loss_per_flawed_render": loss, "max_reward_gain": gain}


def in_progress(finished: dict[str, dict[str, list]]) -> dict[str, dict[str, list]]:
    """Per budget key and arm, the held-out curve of each unfinished training run so far, read from its last complete
    checkpoint (`outputs/<grid>/<run>/`, which is not committed): a run spans sittings, and its interim points belong
    in the committed report, not only on the machine that trains it. Each point also has the paired change from the
    warm start (this seed's zero_shot run) and from GRPO and uniform distillation at the same step (this seed's
    finished or unfinished runs: what credit weighting adds is measured against the latter)."""
    curves: dict[tuple[str, str, int], list[dict]] = {}  # (key, arm, seed) -> [{step, rollouts, held_out}]
    runs: dict[str, dict[str, list]] = {}
    for name, checkpoint, history in _unfinished():
        arm, seed, key = _run_name(name)
        curves[key, arm, seed] = [h for h in history if "held_out" in h]
        train_steps = se.training_steps(history)
        runs.setdefault(key, {}).setdefault(arm, []).append(
            {"seed": seed, "checkpoint": checkpoint.name, "train_steps": train_steps,
             **({"train_credit": credit} if (credit := se.credit_summary(train_steps)) else {})})
    for key, arms in finished.items():
        for arm, records in arms.items():
            for record in records:  # an untrained arm's one point is its final score, at step 0
                final = record["final"]
                curves[key, arm, record["seed"]] = (final.get("curve")
                                                    or [{"step": 0, "rollouts": 0, "held_out": final}])
    for key, arms in runs.items():
        for arm, entries in arms.items():
            for entry in entries:
                entry["curve"] = []
                for point in curves[key, arm, entry["seed"]]:
                    held_out = point["held_out"]
                    row = {"step": point["step"], "rollouts": point["rollouts"],
                           **{m: held_out[m] for m in ("held_out_reward", "flawless_rate", "exec_rate")}}
                    complete = _complete_flawless(f"{arm}-seed{entry['seed']}-{key}", point["step"], held_out)
                    if complete:
                        row.update({m: complete.get(m) for m in ("complete_flawless_rate", "label_recall")})
                    baselines = {"zero_shot": next(iter(curves.get((key, "zero_shot", entry["seed"]), [])), None),
                                 **{name: next((p for p in curves.get((key, name, entry["seed"]), [])
                                                if p["step"] == point["step"]), None)
                                    for name in ("grpo", "sdpo_uniform")}}
                    for name, base in baselines.items():
                        if base is not None and name != arm:
                            row.update(_paired_changes(name, [held_out], [base["held_out"]]))
                            base_complete = _complete_flawless(f"{name}-seed{entry['seed']}-{key}", base["step"],
                                                               base["held_out"])
                            if complete and base_complete:
                                row[f"vs_{name}_complete_flawless"] = _paired(
                                    [complete["task_complete_flawless"]], [base_complete["task_complete_flawless"]])
                    entry["curve"].append(row)
    return runs


def stopped_runs(previous: dict, under_way: dict[str, dict[str, list]]) -> dict[str, dict[str, list]]:
    """Per budget key and arm, the unfinished runs of the `previous` report (its `in_progress` and `stopped`) whose
    checkpoints are no longer here: probes stopped for good, or runs whose machine was lost with outputs/ (a run
    restarted from scratch is also `under_way` again, from an earlier checkpoint). Their interim points stay in the
    committed report, where the README cites them, until the run finishes or its restart reaches the same step."""
    def step(run: dict) -> int:
        return int(run["checkpoint"].removeprefix("checkpoint-"))

    kept: dict[str, dict[str, list]] = {}
    for key, entry in previous.items():
        for arm, runs in [*entry.get("stopped", {}).items(), *entry.get("in_progress", {}).items()]:
            for run in runs:
                live = [r for r in under_way.get(key, {}).get(arm, []) if r["seed"] == run["seed"]]
                if (RUNS / f"{arm}-seed{run['seed']}-{key}.json").exists() or any(step(r) >= step(run) for r in live):
                    continue
                bucket = kept.setdefault(key, {}).setdefault(arm, [])
                if all((r["seed"], r["checkpoint"]) != (run["seed"], run["checkpoint"]) for r in bucket):
                    bucket.append(run)
    return kept


def _unfinished(seed: int | str = "*", budget: str = "*") -> Iterator[tuple[str, Path, list[dict]]]:
    """(run name, last complete checkpoint, its trainer's log history) of each training run under way: in outputs/,
    or parked (`--park_checkpoints`) where this machine has none of its checkpoints."""
    from trl_visual_sdpo.checkpoints import last_complete_checkpoint

    pattern = f"*-seed{seed}-{budget}"
    names = {p.name for root in (se.CHECKPOINTS, se.PARKED) for p in (root / RUNS.name).glob(pattern) if p.is_dir()}
    for name in sorted(names):
        checkpoint = (last_complete_checkpoint(se.CHECKPOINTS / RUNS.name / name)
                      or last_complete_checkpoint(se.PARKED / RUNS.name / name))
        if checkpoint is not None and not (RUNS / f"{name}.json").exists():
            yield name, Path(checkpoint), json.loads((Path(checkpoint) / "trainer_state.json").read_text())[
                "log_history"]


def _run_name(stem: str) -> tuple[str, int, str]:
    """`<arm>-seed<k>-<budget key>` -> (arm, k, key)."""
    arm, seed, key = stem.rsplit("-", 2)
    return arm, int(seed.removeprefix("seed")), key


def _fidelity_path(name: str, step: int) -> Path:
    return RESULTS / f"{RUNS.name}_fidelity" / f"{name}@{step}.json"


def _kept_evaluations(budget: str = "*") -> Iterator[tuple[str, int, list[str], dict]]:
    """(run name, step, held-out programs, held-out summary) of every held-out evaluation that kept its programs:
    each curve point of a finished run (the last only, for runs made before points kept them; step 0 for an untrained
    arm), and each evaluation so far of a run under way."""
    for path in sorted(RUNS.glob(f"*-{budget}.json")):
        final = json.loads(path.read_text())["final"]
        points = [p for p in final.get("curve", []) if "programs" in p]
        if not points and final.get("programs"):
            last = final["curve"][-1] if final.get("curve") else {"step": 0, "held_out": final}
            points = [{**last, "programs": final["programs"]}]
        for point in points:
            if "task_rewards" in point["held_out"]:  # the oldest runs kept no per-task scores
                yield path.stem, point["step"], point["programs"], point["held_out"]
    for name, _, history in _unfinished(budget=budget):
        for entry in history:
            if "held_out" in entry and "programs" in entry:
                yield name, entry["step"], entry["programs"], entry["held_out"]


def merge_kept_rows(path: Path, budget: str, rows: dict[str, dict]) -> dict[str, dict]:
    """`rows` (keyed `<run>@<step>`) over the rows that the benchmark file `path` already holds for `budget`: an
    evaluation counted there whose programs are gone (a stopped run's checkpoints lost with its machine) keeps its
    row, so that a rerun on a new machine does not drop the numbers the README cites."""
    previous = json.loads(path.read_text()) if path.exists() else {}
    earlier = previous.get("evaluations", {}) if previous.get("budget") == budget else {}
    return dict(sorted({**earlier, **rows}.items()))


def kept_evaluations(names: list[str]) -> dict[str, tuple[list[str], dict]]:
    """(held-out programs, held-out summary) of each kept evaluation named `<run>@<step>` in `names`; exits naming
    the evaluations there are when one is not."""
    kept = {f"{name}@{step}": (programs, held_out) for name, step, programs, held_out in _kept_evaluations()}
    unknown = sorted(set(names) - set(kept))
    if unknown:
        raise SystemExit(f"No kept held-out programs for {unknown}; choose from {sorted(kept)}.")
    return {name: kept[name] for name in names}


def evaluation_tasks(programs: list[str], held_out: dict) -> tuple:
    """The held-out tasks an evaluation scored and its samples per task (its programs are task-major)."""
    from trl_visual_sdpo.data import load_chart_tasks

    n_tasks = len(held_out["task_rewards"])
    return load_chart_tasks("test", n=n_tasks), len(programs) // n_tasks


def rendered_evaluation(name: str) -> tuple[list[str], list, list[dict], int]:
    """(programs, their chart renders, tasks, samples per task) of the kept evaluation `<run>@<step>`: the held-out
    programs the probes of the teacher measure on."""
    from trl_visual_sdpo.extract import render_completions
    from trl_visual_sdpo.render.chart import ChartRenderer

    programs, held_out = kept_evaluations([name])[name]
    tasks, samples = evaluation_tasks(programs, held_out)
    renderer = ChartRenderer()
    try:
        return programs, render_completions(renderer, programs), tasks, samples
    finally:
        renderer.close()


def score_fidelity(budget: str = "*") -> int:
    """Label fidelity of each kept held-out evaluation of the `budget` key (`*`: all) made before evaluations
    measured it (`label_recall`, `complete_flawless_rate`, `task_complete_flawless`: flawless without dropping a
    label the prompt names), by rendering its programs again: one file per evaluation,
    `<runs>_fidelity/<run>@<step>.json`, so that it resumes. Returns how many it scored."""
    from trl_visual_sdpo.extract import render_completions
    from trl_visual_sdpo.render.chart import ChartRenderer

    todo = [(name, step, programs, held_out) for name, step, programs, held_out in _kept_evaluations(budget)
            if "task_complete_flawless" not in held_out and not _fidelity_path(name, step).exists()]
    if not todo:
        return 0
    renderer = ChartRenderer()
    try:
        for name, step, programs, held_out in todo:
            tasks, samples = evaluation_tasks(programs, held_out)
            results = render_completions(renderer, programs, description=f"{name}@{step}")
            summary = se._summarize(programs, results, tasks, renderer, samples)
            path = _fidelity_path(name, step)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({key: summary.get(key) for key in (
                "label_recall", "complete_flawless_rate", "task_complete_flawless", "flawless_rate")} | {
                "code_commit": se.code_commit()}, indent=2))
    finally:
        renderer.close()
    return len(todo)


def _complete_flawless(name: str, step: int, held_out: dict) -> dict | None:
    """`label_recall`, `complete_flawless_rate` and `task_complete_flawless` of one held-out evaluation: its own, or
    the `--fidelity` score of its programs; None when neither exists."""
    if "task_complete_flawless" in held_out:
        return held_out
    path = _fidelity_path(name, step)
    return json.loads(path.read_text()) if path.exists() else None


def _final_step(record: dict) -> int:
    curve = record["final"].get("curve")
    return curve[-1]["step"] if curve else 0


def report() -> dict:
    by_budget = se.records_by_budget(RUNS)
    out = {}
    for key, arms in by_budget.items():
        finals = {arm: [r["final"]["task_rewards"] for r in sorted(runs, key=lambda r: r["seed"])]
                  for arm, runs in arms.items()}
        # per-task flawless shares, for arms whose every run recorded them (runs made before they were recorded
        # have only the pooled `flawless_rate`)
        flawless = {arm: [r["final"]["task_flawless"] for r in sorted(runs, key=lambda r: r["seed"])]
                    for arm, runs in arms.items() if all("task_flawless" in r["final"] for r in runs)}
        # flawless without dropping a requested label, for arms whose every run measured it (or was rescored by
        # --fidelity): the rubric cannot see a label that was deleted to cure its defect
        fidelity = {arm: [_complete_flawless(f"{arm}-seed{r['seed']}-{key}", _final_step(r), r["final"])
                          for r in sorted(runs, key=lambda r: r["seed"])] for arm, runs in arms.items()}
        complete = {arm: [f["task_complete_flawless"] for f in found] for arm, found in fidelity.items()
                    if all(found)}
        grpo_final = _pooled(finals["grpo"]) if "grpo" in finals else None
        untrained = _pooled(finals["zero_shot"]) if "zero_shot" in finals else None
        grpo_flawless = _pooled(flawless["grpo"]) if "grpo" in flawless else None
        untrained_flawless = _pooled(flawless["zero_shot"]) if "zero_shot" in flawless else None
        table = {}
        for arm, runs in sorted(arms.items()):
            runs = sorted(runs, key=lambda r: r["seed"])
            first = runs[0]
            row = {"seeds": [r["seed"] for r in runs], "eval_tasks": len(first["final"]["task_rewards"]),
                   "samples_per_task": first["budget"]["samples_per_task"],
                   "final": {"mean": _pooled(finals[arm]),
                             "ci95": bootstrap(finals[arm]),
                             "per_seed": [statistics.fmean(seed) for seed in finals[arm]]},
                   "exec_rate": statistics.fmean(r["final"]["exec_rate"] for r in runs),
                   "defect_rate": statistics.fmean(r["final"].get("defect_rate", 0.0) for r in runs),
                   # the share of held-out programs that run without a defect: the defect signal the mean reward
                   # (whose rubric score docks a defect only a little) blurs
                   "flawless_rate": statistics.fmean(r["final"].get("flawless_rate", 0.0) for r in runs),
                   "defect_headroom": _defect_headroom(runs),
                   "rollouts": first["final"].get("rollouts", 0)}
            if first["final"].get("curve"):
                # credit against uniform too: the same distillation without the credit weights
                compare = ("grpo", "sdpo_uniform") if arm.startswith("sdpo_credit") else ("grpo",)
                same_step = {name: arms[name] for name in compare if name in arms and name != arm}
                row["curve"] = _seed_curve(runs, same_step, finals.get("zero_shot"), flawless.get("zero_shot"))
                row["train_reward"] = _mean_by_step(runs, "reward")
                row["train_exec_rate"] = _mean_by_step(runs, "exec_rate")
                for log in se.LENGTH_LOGS:  # runs recorded before lengths were kept have none
                    if steps := _mean_by_step(runs, log):
                        row[f"train_{log}"] = steps
                credit = se.credit_summary([step for r in runs for step in r["final"].get("train_steps", [])])
                if credit:
                    row["train_credit"] = credit
                if grpo_final is not None:
                    row["rollouts_to_reach_grpo_final"] = se.rollouts_to_reach(runs, grpo_final, untrained)
                if grpo_flawless is not None and arm in flawless:  # the same on the layout signal the reward blurs
                    row["rollouts_to_reach_grpo_final_flawless"] = se.rollouts_to_reach(
                        runs, grpo_flawless, untrained_flawless, metric="flawless_rate")
            if arm == "critique_revise":
                row["extra_generated_tokens"] = statistics.fmean(r["final"]["extra_generated_tokens"] for r in runs)
                row["extra_renders"] = statistics.fmean(r["final"]["extra_renders"] for r in runs)
            if arm in flawless:
                row["flawless"] = {"mean": _pooled(flawless[arm]), "ci95": bootstrap(flawless[arm])}
            if arm in complete:
                row["complete_flawless"] = {"mean": _pooled(complete[arm]), "ci95": bootstrap(complete[arm])}
                if recalls := [f["label_recall"] for f in fidelity[arm] if f.get("label_recall") is not None]:
                    row["label_recall"] = statistics.fmean(recalls)
            # vs_zero_shot: did training move the policy beyond its sampling and seed spread at all?
            for baseline in ("grpo", "zero_shot"):
                if baseline in finals and arm != baseline:
                    row[f"vs_{baseline}"] = _paired(finals[arm], finals[baseline])
                if baseline in flawless and arm in flawless and arm != baseline:
                    row[f"vs_{baseline}_flawless"] = _paired(flawless[arm], flawless[baseline])
                if baseline in complete and arm in complete and arm != baseline:
                    row[f"vs_{baseline}_complete_flawless"] = _paired(complete[arm], complete[baseline])
            table[arm] = row
        runs = [r for arm_runs in arms.values() for r in arm_runs]
        out[key] = {"budget": runs[0]["budget"], "arms": table,
                    # the detector behind the rewards is the code's: runs made at different commits are listed here
                    "code_commits": sorted({r["budget"].get("code_commit") or "unrecorded" for r in runs}),
                    "warm_starts": sorted({r["budget"].get("warm_start_sha256") or "unrecorded" for r in runs})}
    under_way = in_progress(by_budget)
    path = RESULTS / f"{RUNS.name}.json"  # grid_v2.json (grid_v2_smoke.json)
    stopped = stopped_runs(json.loads(path.read_text()) if path.exists() else {}, under_way)
    for key in out:  # a budget's zero_shot runs come first (seed-major), so a training run has a finished sibling
        for section, runs in (("in_progress", under_way), ("stopped", stopped)):
            if key in runs:
                out[key][section] = runs[key]
    path.write_text(json.dumps(out, indent=2))
    plot(out, RESULTS / f"{RUNS.name}.png")
    return out


def summary_table(grid: dict) -> str:
    """Markdown tables per budget, a row per arm in `ARMS` order: seeds, held-out reward with its interval, execution
    and flawless shares, and the paired change from the warm start and from GRPO; then, for the trained arms, the
    same per evaluated step over seeds, against GRPO at the same step (the README's table)."""

    def interval(entry: dict | None, signed: bool = True) -> str:
        if entry is None:
            return ""
        value, (low, high) = entry.get("difference", entry.get("mean")), entry["ci95"]
        number = "{:+.3f}" if signed else "{:.3f}"
        return f"{number.format(value)} [{number.format(low)}, {number.format(high)}]"

    tables = []
    for key, entry in grid.items():
        budget = entry["budget"]
        lines = [(f"budget {key}: {budget['steps']} steps x {budget['batch_size']} rollouts, "
                  f"{budget['eval_tasks']} held-out tasks x {budget['samples_per_task']} samples"), "",
                 "| arm | seeds | held-out reward | exec | flawless | vs warm start | vs GRPO | flawless vs GRPO | "
                 "flawless, every label | its change vs GRPO |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for arm in sorted(entry["arms"], key=ARMS.index):
            row = entry["arms"][arm]
            flawless = interval(row["flawless"], signed=False) if "flawless" in row else f"{row['flawless_rate']:.2f}"
            lines.append(f"| {arm} | {','.join(map(str, row['seeds']))} | {interval(row['final'], signed=False)} | "
                         f"{row['exec_rate']:.2f} | {flawless} | {interval(row.get('vs_zero_shot'))} | "
                         f"{interval(row.get('vs_grpo'))} | {interval(row.get('vs_grpo_flawless'))} | "
                         f"{interval(row.get('complete_flawless'), signed=False)} | "
                         f"{interval(row.get('vs_grpo_complete_flawless'))} |")
        if any("curve" in row for row in entry["arms"].values()):  # who is ahead after as many rollouts
            lines += ["", "| arm | seeds | rollouts | held-out reward | exec | flawless | flawless vs warm start | "
                      "flawless vs GRPO, same step | reward vs GRPO, same step | flawless, every label |",
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
            for arm in sorted(entry["arms"], key=ARMS.index):
                row = entry["arms"][arm]
                # an untrained arm's one point is its final score, at 0 rollouts
                points = row.get("curve") or [{"rollouts": 0, "exec_rate": row["exec_rate"], "reward": row["final"],
                                               "flawless_rate": row["flawless_rate"],
                                               **{k: row[k] for k in ("flawless", "complete_flawless",
                                                                      "vs_zero_shot_flawless") if k in row}}]
                for point in points:
                    flawless = (interval(point["flawless"], signed=False) if "flawless" in point
                                else f"{point['flawless_rate']:.2f}")
                    lines.append(f"| {arm} | {','.join(map(str, row['seeds']))} | {point['rollouts']} | "
                                 f"{interval(point['reward'], signed=False)} | {point['exec_rate']:.2f} | "
                                 f"{flawless} | {interval(point.get('vs_zero_shot_flawless'))} | "
                                 f"{interval(point.get('vs_grpo_flawless'))} | {interval(point.get('vs_grpo'))} | "
                                 f"{interval(point.get('complete_flawless'), signed=False)} |")
        unfinished = [("in progress", arm, run) for arm, runs in entry.get("in_progress", {}).items() for run in runs]
        unfinished += [("stopped", arm, run) for arm, runs in entry.get("stopped", {}).items() for run in runs]
        for state, arm, run in sorted(unfinished, key=lambda item: (item[0], ARMS.index(item[1]))):
            for point in run["curve"]:
                changes = [f"vs {name} {interval(point[field])}, flawless {interval(point[f'{field}_flawless'])}"
                           + (f", flawless with every label {interval(point[f'{field}_complete_flawless'])}"
                              if f"{field}_complete_flawless" in point else "")
                           for field, name in (("vs_zero_shot", "warm start"), ("vs_grpo", "GRPO at this step"))
                           if field in point]
                complete = (f", flawless with every label {point['complete_flawless_rate']:.2f}"
                            if "complete_flawless_rate" in point else "")
                lines.append("; ".join([f"- {state}: {arm} seed {run['seed']} at step {point['step']}: "
                                        f"held-out reward {point['held_out_reward']:.3f}, flawless "
                                        f"{point['flawless_rate']:.2f}{complete}", *changes]))
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


def plot_renders(seed: int, tasks: int = 8, budget: str = "*") -> Path | None:
    """The first sampled held-out program of the first `tasks` tasks, one row per arm at `seed` (runs that recorded
    their final programs) of the `budget` key (`*`: every budget, rows then named `arm [key]`), rendered in the
    sandbox with their defect counts: `<runs>_renders_seed<k>.png`, or `<runs>_renders_seed<k>_<key>.png`."""
    from trl_visual_sdpo.data import load_chart_tasks
    from trl_visual_sdpo.extract import render_completions
    from trl_visual_sdpo.plots import renders_grid
    from trl_visual_sdpo.render.chart import ChartRenderer

    last: dict[str, tuple[int, list[str], dict]] = {}  # run name -> its last kept evaluation
    for name, step, programs, held_out in _kept_evaluations(budget):
        if _run_name(name)[1] == seed and step >= last.get(name, (-1,))[0]:
            last[name] = (step, programs, held_out)
    if not last:
        print(f"No run at seed {seed} of budget {budget} recorded its programs (runs made before they were kept do "
              "not).")
        return None
    order = sorted(last, key=lambda name: (_run_name(name)[2], ARMS.index(_run_name(name)[0]), last[name][0]))
    several = len({_run_name(name)[2] for name in last}) > 1
    task_ids = load_chart_tasks("test", n=tasks)["task_id"]
    renderer = ChartRenderer()
    try:
        rows = []
        for name in order:
            arm, _, key = _run_name(name)
            step, programs, held_out = last[name]
            _, samples = evaluation_tasks(programs, held_out)
            label = arm if (RUNS / f"{name}.json").exists() else f"{arm}@{step}"  # under way: named arm@step
            label = f"{label} [{key}]" if several else label
            rows.append((f"{label}\n{held_out['held_out_reward']:.3f}",
                         render_completions(renderer, programs[::samples][:tasks])))
    finally:
        renderer.close()
    path = RESULTS / (f"{RUNS.name}_renders_seed{seed}" + ("" if budget == "*" else f"_{budget}") + ".png")
    renders_grid(rows, path, titles=task_ids)
    return path


def plot(table: dict, path: Path) -> None:
    """Per budget with a training arm: the held-out reward and flawless share against training rollouts (seed means),
    the flawless share's paired change from GRPO's at the same step with its 95 % interval (the per-arm intervals
    hold the tasks' spread, which pairing removes), and the training rollouts' reward, execution rate and mean length
    per step (seed means; runs under way dashed, one line each)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = {key: entry for key, entry in table.items() if any("curve" in row for row in entry["arms"].values())}
    if not table:
        return
    fig, axes = plt.subplots(len(table), 6, figsize=(30, 4.2 * len(table)), squeeze=False)
    colour = {arm: plt.cm.tab10(index) for index, arm in enumerate(ARMS)}  # one colour per arm in every panel

    def level(stats: dict, metric: str) -> float:
        return stats["final"]["mean"] if metric == "held_out_reward" else stats["flawless_rate"]

    for row, (key, entry) in zip(axes, table.items()):
        arms = entry["arms"]
        for ax, metric in zip(row, ("held_out_reward", "flawless_rate")):
            start = level(arms["zero_shot"], metric) if "zero_shot" in arms else None
            for arm, stats in arms.items():
                label = f"{arm} (n={len(stats['seeds'])})"
                if "curve" not in stats:
                    ax.axhline(level(stats, metric), linestyle="--" if arm == "zero_shot" else ":",
                               color="gray" if arm == "zero_shot" else "black", label=label)
                    continue
                xs = ([0] if start is not None else []) + [p["rollouts"] for p in stats["curve"]]
                ys = ([start] if start is not None else []) + [p[metric] for p in stats["curve"]]
                ax.plot(xs, ys, marker="o", label=label, color=colour[arm])
        versus = [(arm, [p for p in stats.get("curve", []) if "vs_grpo_flawless" in p]) for arm, stats in arms.items()]
        versus = [(arm, points) for arm, points in versus if points]
        width = max((p["rollouts"] for _, points in versus for p in points), default=0) * 0.02
        for index, (arm, points) in enumerate(versus):  # side by side at each step
            shift = (index - (len(versus) - 1) / 2) * width
            changes = [p["vs_grpo_flawless"] for p in points]
            row[2].errorbar([p["rollouts"] + shift for p in points], [c["difference"] for c in changes],
                        yerr=[[c["difference"] - c["ci95"][0] for c in changes],
                              [c["ci95"][1] - c["difference"] for c in changes]],
                        marker="o", capsize=3, color=colour[arm], label=f"{arm} (n={len(arms[arm]['seeds'])})")
        if versus:
            row[2].axhline(0, color="black", linewidth=0.8)
        else:  # runs recorded before per-task flawless shares
            row[2].text(0.5, 0.5, "no per-task flawless shares", ha="center", transform=row[2].transAxes)
        for arm, stats in arms.items():
            for ax, metric in ((row[3], "train_reward"), (row[4], "train_exec_rate"),
                               (row[5], "train_completion_length")):
                if metric in stats:
                    ax.plot([p["step"] for p in stats[metric]], [p["mean"] for p in stats[metric]], marker=".",
                            label=arm, color=colour[arm])
        for arm, runs in entry.get("in_progress", {}).items():  # runs under way, dashed: the early warning
            for run in runs:
                for ax, field in ((row[3], "reward"), (row[4], "exec_rate"), (row[5], "completion_length")):
                    steps = [s for s in run["train_steps"] if s.get(field) is not None]
                    if steps:
                        ax.plot([s["step"] for s in steps], [s[field] for s in steps], linestyle="--",
                                color=colour.get(arm, "gray"), label=f"{arm} seed {run['seed']} (under way)")
        budget = entry["budget"]
        title = (f"{budget['steps']} steps x {budget['batch_size']} rollouts, {budget['eval_tasks']} tasks x "
                 f"{budget['samples_per_task']} samples [{key}]")
        labels = ("held-out reward (sampled)", "held-out flawless share", "flawless share - GRPO's, same step",
                  "training-rollout reward", "training exec rate", "training completion length (tokens)")
        for ax, label in zip(row, labels):
            ax.set_xlabel("training rollouts" if label.startswith(("held-out", "flawless")) else "step")
            ax.set_ylabel(label)
            ax.set_title(title, fontsize=8)
            ax.grid(alpha=0.3)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = se.budget_parser(__doc__.splitlines()[0], arms=DEFAULT_ARMS, choices=ARMS,
                              model="outputs/sft-chart-revise", steps=72, eval_every=24, max_completion_length=448,
                              eval_tasks=32, eval_max_new_tokens=448, revise_rounds=1, checkpoint_every=6)
    parser.add_argument("--temperature", type=float, default=0.7, help="Sampling temperature of the rollouts.")
    parser.add_argument("--samples_per_task", type=int, default=4)
    parser.add_argument("--eval_temperature", type=float, default=0.7)
    parser.add_argument("--eval_batch_size", type=int, default=32, help="Held-out completions per generate call.")
    parser.add_argument("--trainer_overrides", type=json.loads, default=FASTEST_GENERATION,
                        help="JSON of extra GRPOConfig fields for every training arm. Default: transformers' "
                        "continuous batching with a bounded paged cache, the fastest path measured on CPU by "
                        "benchmarks/generation_speed.py ('{}' for TRL's plain batched generate).")
    parser.add_argument("--torch_threads", type=int, default=1,
                        help="torch.set_num_threads for generation and training (0: torch's default). On a CPU "
                        "shared with other jobs 1 thread is several times faster than 2 (generation_speed.py).")
    parser.add_argument("--smoke", action="store_true",
                        help="A tiny grid (2 steps, 2 tasks x 2 samples, 64 tokens, seed 0) into grid_v2_smoke/.")
    parser.add_argument("--renders", type=int, metavar="SEED",
                        help="Only draw the held-out renders of every arm at this seed (grid_v2_renders_seed<k>.png).")
    parser.add_argument("--fidelity", nargs="?", const="*", metavar="KEY",
                        help="Render the kept held-out programs of runs made before evaluations measured label "
                        "fidelity (flawless without dropping a label the prompt names), of this budget key or all, "
                        "then report.")
    parser.add_argument("--renders_budget", default="*", metavar="KEY",
                        help="With --renders: only the runs of this budget key (the last part of a run's file name).")
    args = parser.parse_args()
    global RUNS
    if args.smoke:
        RUNS = RESULTS / "grid_v2_smoke"
        args.seeds, args.steps, args.eval_every, args.batch_size, args.num_generations = [0], 2, 1, 4, 2
        args.max_completion_length = args.eval_max_new_tokens = 64
        args.eval_tasks, args.samples_per_task = 2, 2
    if args.fidelity:
        print(f"{score_fidelity(args.fidelity)} held-out evaluations scored for label fidelity")
    if args.report or args.fidelity:
        print(summary_table(report()))
        return
    if args.renders is not None:
        print(plot_renders(args.renders, budget=args.renders_budget))
        return
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    skip = ("arms", "seeds", "report", "smoke", "torch_threads")  # the budget key is BUDGET_FIELDS alone
    budget = argparse.Namespace(**{k: v for k, v in vars(args).items() if k not in skip})
    # Not part of the key (each sitting on a fresh machine rebuilds the warm start, equal up to float noise), but
    # recorded and checked, so that runs from different weights or detectors are never pooled silently.
    vars(budget).update(check_warm_start(args.model, budget_key(budget)))
    budget.code_commit = se.code_commit()
    for seed in args.seeds:  # seed-major, so that every arm has a first seed early
        for arm in args.arms:
            se.run(arm, seed, budget, run_path(arm, seed, budget))
    print(summary_table(report()))


if __name__ == "__main__":
    sys.exit(main())
