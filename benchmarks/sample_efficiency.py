"""Does Visual-SDPO beat GRPO on the same rollout budget, and what does each part buy? Held-out scores with seeds.

Chart domain, embedded default model (SmolLM2-135M-Instruct, LoRA r=8 on q/v), embedded tasks: training on the
train split, held-out scores on the first `--eval_tasks` test tasks (greedy decoding). Arms:

- `zero_shot`: the base model;
- `grpo`: TRL's own GRPOTrainer with our reward functions (executability, defect-free, reference similarity);
- `sdpo_uniform`: VisualSDPOTrainer with `credit_alpha=0` (uniform distillation);
- `sdpo_credit`: VisualSDPOTrainer with `credit_alpha=1` (visual-grounded credit weighting);
- `sdpo_credit_statement`: the same with `credit_box="statement"` (a statement's union box, the first version's
  credit, which gives a clipped tick label almost none);
- `sdpo_credit_demo`: the same, the teacher also reading the group's best sibling rollout
  (`demonstrations="on_failure"`);
- `sdpo_credit_hints`: `sdpo_credit` whose rubric ends with the renderer's repair hint for each
  kind of defect found (`repair_hints=True`);
- `critique_revise`: inference only: the zero-shot model, then `--revise_rounds` rounds of render -> feedback ->
  rewrite for programs that failed or had defects (its extra generated tokens and renders are reported);
- sweeps: `alpha=<v>` (Visual-SDPO with `credit_alpha=v`) and `grpo_weight=<v>`.

Every arm-and-seed run writes `benchmarks/results/sample_efficiency/<arm>-seed<k>.json` when it finishes, and
finished runs are skipped, so the grid resumes where it stopped and can be spread over several sittings. A training
run also checkpoints at every held-out evaluation (`outputs/<grid>/<run>/`, the held-out curve in its trainer state),
so a run stopped mid-way resumes from its last complete checkpoint:

    python benchmarks/sample_efficiency.py --arms zero_shot grpo sdpo_uniform sdpo_credit critique_revise --seeds 0 1 2
    python benchmarks/sample_efficiency.py --arms alpha=0 alpha=0.5 alpha=1 alpha=2 alpha=4 --seeds 0 1 2 --steps 3
    python benchmarks/sample_efficiency.py --arms grpo_weight=0 grpo_weight=0.5 grpo_weight=2 --seeds 0 1 2 --steps 3
    python benchmarks/sample_efficiency.py --arms zero_shot grpo sdpo_uniform sdpo_credit --seeds 0 1 2 --steps 3 \
        --max_completion_length 256 --eval_max_new_tokens 256   # room for whole programs
    python benchmarks/sample_efficiency.py --report     # sample_efficiency.json, .png and _sweeps.png

On a GPU, scale the budget up, e.g. `--model Qwen/Qwen2.5-Coder-1.5B-Instruct --steps 200 --eval_every 25
--max_completion_length 512 --eval_tasks 28` (a run's settings are part of its file name, so results of
different budgets never mix).

Held-out reward = mean of the three training rewards (execution, the rubric's defect-free score, ChartMimic-style
similarity to the reference), so it is on the same scale for every arm.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gc
import hashlib
import json
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path


RESULTS = Path(__file__).parent / "results"
RUNS = RESULTS / "sample_efficiency"
CHECKPOINTS = Path(__file__).resolve().parents[1] / "outputs"  # a training run's checkpoints: outputs/<grid>/<run>/
# `--park_checkpoints`: a copy of each training run's latest checkpoint, <grid>/<run>/checkpoint-N/, committed so that
# a run resumes on another machine (a LoRA checkpoint of the grid's budget is ~6 MB; outputs/ is not committed)
PARKED = RESULTS / "parked_checkpoints"
# what a checkpoint holds that resuming does not read (the tokenizer comes with the model, the arguments from the run)
_NOT_PARKED = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja",
               "vocab.json", "merges.txt", "added_tokens.json", "README.md", "training_args.bin"}
FINAL_KEYS = ("held_out_reward", "exec_rate", "defects_per_render", "reference_similarity", "metric/text",
              "metric/layout", "metric/type", "metric/color", "train_reward", "train_exec_rate")


def code_commit() -> str | None:
    """The repository commit a benchmark ran at (the detector behind the rewards, the feedback the teacher reads), when
    run from a checkout."""
    import subprocess

    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True,
                            check=False)
    return result.stdout.strip() or None


def eval_kwargs(args) -> dict:
    """Held-out decoding: greedy, one completion per task, unless the budget sets `eval_temperature` (grid v2:
    the training temperature and `samples_per_task` samples per task)."""
    temperature = getattr(args, "eval_temperature", None)
    return {"temperature": temperature, "samples_per_task": getattr(args, "samples_per_task", 1) if temperature else 1}


def arm_settings(arm: str) -> dict:
    """What an arm trains with: the trainer (`None`: no training) and, for Visual-SDPO, the `VisualSDPOConfig` fields
    it sets (credit alpha, GRPO weight, ...); `revise` for critique-revise."""
    # Probe arms that ran before `stop_neutral` became the default pin it off, so that their records stay reproducible.
    before_stop_neutral = {"trainer": "sdpo", "credit_alpha": 1.0, "stop_neutral": False}
    fixed = {"zero_shot": {"trainer": None}, "critique_revise": {"trainer": None, "revise": True},
             "grpo": {"trainer": "grpo"}, "sdpo_uniform": {"trainer": "sdpo", "credit_alpha": 0.0},
             "sdpo_credit": {"trainer": "sdpo", "credit_alpha": 1.0},
             # the arms as they ran while the tokens that end a program stayed in the divergence (they collapsed)
             "sdpo_uniform_stopping": {**before_stop_neutral, "credit_alpha": 0.0},
             "sdpo_credit_stopping": before_stop_neutral,
             # the first version's credit box, and its teacher also distilled the decision to stop
             "sdpo_credit_statement": {**before_stop_neutral, "credit_box": "statement", "distill_program_end": True},
             # the arms as they ran before the decision to stop was left out of distillation (they collapsed)
             "sdpo_uniform_end": {**before_stop_neutral, "credit_alpha": 0.0, "distill_program_end": True},
             "sdpo_credit_end": {**before_stop_neutral, "distill_program_end": True},
             "sdpo_credit_demo": {**before_stop_neutral, "demonstrations": "on_failure"},
             "sdpo_credit_hints": {**before_stop_neutral, "repair_hints": True},
             "sdpo_credit_labels": {**before_stop_neutral, "label_feedback": True},
             # the teacher as an exponential moving average of the student (the SDPO reference's teacher), not the
             # live student: a drifting student then cannot drag its own teacher along step for step
             "sdpo_credit_ema": {**before_stop_neutral, "teacher_model_kind": "ema"},
             # the teacher as the warm start itself (the adapter disabled): it cannot drift at all
             "sdpo_credit_base": {**before_stop_neutral, "teacher_model_kind": "base"},
             # also a rubric that does not quote the student's lines (benchmarks/repeat_lift.py: quotes make the
             # teacher prefer writing a line again; teacher_lift.py: they also help it find the repair)
             "sdpo_credit_neutral": {"trainer": "sdpo", "credit_alpha": 1.0, "rubric_code_lines": "none"},
             # the statements quoted with their string literals and colours elided: the teacher copies a quoted
             # line's colour (colour_lift.py: +0.92 nats a digit) and the quoted runs narrow their colours
             "sdpo_credit_elided": {"trainer": "sdpo", "credit_alpha": 1.0, "rubric_code_lines": "elided"},
             # TRL's own anchor, a KL to the warm start (`beta`, DeepSeekMath's 0.04): with stop_neutral the student
             # still drifts, slowly, towards one more line (repeat_lift.py) and away from the warm start's execution
             # (0.96 -> 0.91 over the seed-0 run) and colours; this holds the student itself
             "sdpo_credit_kl": {"trainer": "sdpo", "credit_alpha": 1.0, "beta": 0.04},
             # the teacher kept at the warm start (the adapter disabled): the live teacher drifts with its student and
             # stops objecting to a line written again (loop_lift.py: +0.00 nats on credit seed 1's repeated lines
             # after 384 rollouts), where the warm start reading the same feedback gives them -0.23 a token and the
             # decision to write one again -2.6
             "sdpo_credit_warm_teacher": {"trainer": "sdpo", "credit_alpha": 1.0, "teacher_model_kind": "base"}}
    if arm in fixed:
        return fixed[arm]
    name, _, value = arm.partition("=")
    if name in ("alpha", "grpo_weight") and value:
        return {"trainer": "sdpo", "credit_alpha" if name == "alpha" else "grpo_weight": float(value)}
    raise SystemExit(f"Unknown arm {arm!r}: use one of {', '.join(fixed)}, alpha=<value> or grpo_weight=<value>.")


def budget_key(args) -> str:
    budget = (args.model, args.steps, args.eval_every, args.batch_size, args.num_generations,
              args.max_completion_length, args.eval_tasks, args.eval_max_new_tokens, args.learning_rate,
              args.revise_rounds)
    return hashlib.sha1(repr(budget).encode()).hexdigest()[:8]


def run_path(arm: str, seed: int, args) -> Path:
    return RUNS / f"{arm}-seed{seed}-{budget_key(args)}.json"


def _with_task_scores(summary: dict, evaluations, samples_per_task: int) -> dict:
    """`summary` plus the per-task held-out rewards, flawless shares and flawless-with-every-requested-label shares:
    the units the grid's intervals resample."""
    from trl_visual_sdpo.evaluation import task_complete_flawless, task_flawless, task_rewards

    summary["task_rewards"] = task_rewards(evaluations, samples_per_task)
    summary["task_flawless"] = task_flawless(evaluations, samples_per_task)
    summary["task_complete_flawless"] = task_complete_flawless(evaluations, samples_per_task)
    return summary


def evaluate(model, tokenizer, renderer, tasks, args) -> tuple[dict, list]:
    from trl_visual_sdpo.evaluation import evaluate_policy

    kwargs = eval_kwargs(args)
    summary, evaluations = evaluate_policy(model, tokenizer, renderer, tasks, args.eval_max_new_tokens,
                                           batch_size=getattr(args, "eval_batch_size", 8), description="Held-out",
                                           **kwargs)
    return _with_task_scores(summary, evaluations, kwargs["samples_per_task"]), evaluations


def seeded_evaluate(model, tokenizer, renderer, tasks, args, seed: int, step: int) -> tuple[dict, list]:
    """`evaluate` under its own RNG stream, seeded by (seed, step): sampled held-out decoding never shifts the
    training RNG, and arms evaluated at the same seed and step draw the same random numbers (paired noise)."""
    import torch
    from transformers import set_seed

    with torch.random.fork_rng(devices=[]):
        set_seed(seed * 100_003 + step)
        return evaluate(model, tokenizer, renderer, tasks, args)


def critique_revise(model, tokenizer, renderer, tasks, args) -> dict:
    """Zero-shot, then up to `revise_rounds` rewrites of failed or defective programs from the render's feedback."""
    from trl_visual_sdpo.evaluation import generate_completions, render_completions
    from trl_visual_sdpo.feedback import revision_prompt

    summary, evaluations = seeded_evaluate(model, tokenizer, renderer, tasks, args, getattr(args, "seed", 0), 0)
    samples = eval_kwargs(args)["samples_per_task"]  # completion i answers task i // samples
    rounds = [summary]
    completions = [e.completion for e in evaluations]
    results = [e.result for e in evaluations]
    extra_tokens = extra_renders = 0
    start = time.perf_counter()
    for _ in range(args.revise_rounds):
        todo = [i for i, r in enumerate(results) if not r.ok or r.defects]
        if not todo:
            break
        prompts = [revision_prompt(tasks[i // samples]["prompt"], completions[i], results[i], 1200) for i in todo]
        revised = generate_completions(model, tokenizer, prompts, args.eval_max_new_tokens, description="Revising",
                                       temperature=eval_kwargs(args)["temperature"])
        for i, completion, result in zip(todo, revised, render_completions(renderer, revised)):
            completions[i], results[i] = completion, result
        extra_tokens += sum(len(tokenizer(c, add_special_tokens=False)["input_ids"]) for c in revised)
        extra_renders += len(todo)
        # Score the revised programs like every other arm: re-run the held-out summary on the final programs.
        rounds.append(_summarize(completions, results, tasks, renderer, samples))
    final = dict(rounds[-1])
    final["programs"] = completions
    final["revise_rounds"] = rounds
    final["extra_generated_tokens"] = extra_tokens
    final["extra_renders"] = extra_renders
    final["extra_seconds"] = time.perf_counter() - start
    return final


def _summarize(completions, results, tasks, renderer, samples_per_task: int = 1) -> dict:
    from trl_visual_sdpo.evaluation import score_renders

    summary, evaluations = score_renders(renderer, tasks, completions, results, samples_per_task)
    return _with_task_scores(summary, evaluations, samples_per_task)


def parked_dir(output_dir: Path) -> Path:
    """Where `--park_checkpoints` keeps the latest checkpoint of the run that trains in `output_dir`."""
    return PARKED / output_dir.parent.name / output_dir.name


def park(checkpoint: Path) -> Path:
    """Copy a complete checkpoint's resume files to its run's parked folder, replacing the one parked before. The copy
    is made under a name that is not a checkpoint's and renamed when whole, so that a commit made meanwhile holds one
    complete parked checkpoint, the old or the new."""
    target = parked_dir(checkpoint.parent)
    partial = target / f".{checkpoint.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for file in checkpoint.iterdir():
        if file.is_file() and file.name not in _NOT_PARKED:
            shutil.copy2(file, partial)
    shutil.rmtree(target / checkpoint.name, ignore_errors=True)  # parked again after a resume from it
    partial.rename(target / checkpoint.name)
    for earlier in target.iterdir():
        if earlier.name != checkpoint.name:
            shutil.rmtree(earlier)
    return target / checkpoint.name


def unpark(output_dir: Path) -> None:
    """On a machine without the run's checkpoints (a new sitting on a new machine), copy its parked one back."""
    from trl_visual_sdpo.checkpoints import last_complete_checkpoint

    parked = last_complete_checkpoint(parked_dir(output_dir))
    if parked and last_complete_checkpoint(output_dir) is None:
        shutil.copytree(parked, output_dir / Path(parked).name)
        print(f"{output_dir.name}: restored the parked {Path(parked).name}")


def train_arm(settings: dict, seed: int, args, tasks, renderer, output_dir: Path) -> dict:
    """Train one arm from `args.model`, scoring the held-out tasks every `args.eval_every` steps. Each evaluation goes
    into the trainer state, and a checkpoint follows it, so a run resumes from `output_dir`'s last complete checkpoint
    with its curve up to there (`resumed_from` in the result; `train_seconds` counts this sitting only)."""
    import torch
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    from trl_visual_sdpo import VisualSDPOConfig, VisualSDPOTrainer
    from trl_visual_sdpo.checkpoints import last_complete_checkpoint
    from trl_visual_sdpo.data import load_chart_tasks
    from trl_visual_sdpo.models import load_policy
    from trl_visual_sdpo.rewards import render_rewards

    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    train = load_chart_tasks("train")
    common = dict(output_dir=str(output_dir), per_device_train_batch_size=args.batch_size,
                  num_generations=args.num_generations, max_completion_length=args.max_completion_length,
                  temperature=getattr(args, "temperature", 0.7), max_steps=args.steps,
                  learning_rate=args.learning_rate, logging_steps=1, save_strategy="steps",
                  save_steps=getattr(args, "checkpoint_every", None) or args.eval_every, report_to="none",
                  bf16=False, use_cpu=not torch.cuda.is_available(), seed=seed)
    common.update(getattr(args, "trainer_overrides", {}))  # grid v2: the fastest generation settings, bf16 on GPU
    rewards = render_rewards(renderer)
    peft_config = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM")
    eval_seconds = [0.0]

    class HeldOut(TrainerCallback):
        def on_step_end(self, _args, state, control, model=None, **kwargs):
            if state.global_step % args.eval_every == 0 or state.global_step == args.steps:
                start = time.perf_counter()
                summary, evaluations = seeded_evaluate(model, tokenizer, renderer, tasks, args, seed,
                                                       state.global_step)
                eval_seconds[0] += time.perf_counter() - start
                # In the log history, which the step's checkpoint saves (it is written after on_step_end) and a
                # resumed run restores. The programs are kept so that their renders can be looked at.
                state.log_history.append({"step": state.global_step, "rollouts": state.global_step * args.batch_size,
                                          "held_out": summary, "programs": [e.completion for e in evaluations]})

        def on_save(self, _args, state, control, **kwargs):  # called once the checkpoint is complete
            if getattr(args, "park_checkpoints", False):
                park(output_dir / f"checkpoint-{state.global_step}")

    if settings["trainer"] == "grpo":
        trainer = GRPOTrainer(model=model, reward_funcs=rewards, args=GRPOConfig(**common), train_dataset=train,
                              processing_class=tokenizer, peft_config=peft_config, callbacks=[HeldOut()])
    else:
        # a Visual-SDPO arm's settings besides "trainer" are VisualSDPOConfig fields; the rest keep its defaults
        config = VisualSDPOConfig(**common, **{k: v for k, v in settings.items() if k != "trainer"})
        trainer = VisualSDPOTrainer(model=model, reward_funcs=rewards, args=config, train_dataset=train,
                                    processing_class=tokenizer, peft_config=peft_config, renderer=renderer,
                                    callbacks=[HeldOut()])
    unpark(output_dir)
    resume = last_complete_checkpoint(output_dir)
    if resume:
        print(f"{output_dir.name}: resuming from {resume}")
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume)
    train_seconds = time.perf_counter() - start - eval_seconds[0]
    evaluations = [h for h in trainer.state.log_history if "held_out" in h]
    # each point keeps its programs: later measures (label fidelity) can score every step, not only the last
    curve = [{key: h[key] for key in ("step", "rollouts", "held_out", "programs")} for h in evaluations]
    final = dict(curve[-1]["held_out"])
    final.update(train_seconds=train_seconds, rollouts=args.steps * args.batch_size, curve=curve,
                 programs=evaluations[-1]["programs"], resumed_from=resume and Path(resume).name,
                 train_steps=training_steps(trainer.state.log_history),
                 **training_rollout_scores(trainer.state.log_history))
    del trainer, model
    gc.collect()
    return final


@contextlib.contextmanager
def claimed(path: Path) -> Iterator[bool]:
    """Whether this process holds the run whose record is `path`: an exclusive lock on `outputs/<grid>/<run>.lock`,
    which the system drops when the holder exits, even by kill -9. Two grid workers started side by side (one a core)
    thus split the runs between them instead of training the same one twice."""
    lock = CHECKPOINTS / path.parent.name / f"{path.stem}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:  # whoever opens the name next finds the record written, or the run free to take over
            lock.unlink(missing_ok=True)


def run(arm: str, seed: int, args, path: Path | None = None) -> None:
    """Run one arm at one seed and write its record to `path` (default: this grid's file); skip it when done, or
    while another worker runs it."""
    path = path or run_path(arm, seed, args)
    if path.exists():
        print(f"{path.name}: done already, skipped")
        return
    with claimed(path) as mine:
        if not mine:
            print(f"{path.name}: running in another process, skipped")
        elif path.exists():  # finished by another worker after the check above
            print(f"{path.name}: done already, skipped")
        else:
            _run(arm, seed, args, path)


def _run(arm: str, seed: int, args, path: Path) -> None:
    import torch
    from transformers import set_seed

    from trl_visual_sdpo.data import load_chart_tasks
    from trl_visual_sdpo.models import load_policy
    from trl_visual_sdpo.render.chart import ChartRenderer

    set_seed(seed)
    settings = arm_settings(arm)
    tasks = load_chart_tasks("test", n=args.eval_tasks)
    renderer = ChartRenderer()
    start = time.perf_counter()
    try:
        if settings["trainer"] is None:
            model, tokenizer = load_policy(args.model, dtype=torch.float32)
            args.seed = seed
            if settings.get("revise"):
                final = critique_revise(model, tokenizer, renderer, tasks, args)
            else:
                final, evaluations = seeded_evaluate(model, tokenizer, renderer, tasks, args, seed, 0)
                final["programs"] = [e.completion for e in evaluations]
            final["rollouts"] = 0
        else:
            checkpoints = CHECKPOINTS / path.parent.name / path.stem
            final = train_arm(settings, seed, args, tasks, renderer, checkpoints)
    finally:
        renderer.close()
    record = {"arm": arm, "seed": seed, "settings": settings, "budget": vars(args) | {"key": path.stem.split("-")[-1]},
              "wall_seconds": time.perf_counter() - start, "final": final}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, default=str))
    if settings["trainer"] is not None:  # the record holds all a report needs; a full-model budget's checkpoints
        shutil.rmtree(checkpoints, ignore_errors=True)  # are gigabytes
        shutil.rmtree(parked_dir(checkpoints), ignore_errors=True)
    print(f"{path.name}: held-out reward {final['held_out_reward']:.3f}, exec {final['exec_rate']:.2f}, "
          f"{record['wall_seconds'] / 60:.1f} min")


def _mean_std(values: list[float]) -> dict:
    return {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else 0.0,
            "n": len(values)}


def rollouts_to_reach(records: list[dict], target: float, untrained: float | None = None,
                      tolerance: float = 1e-9, metric: str = "held_out_reward") -> float | None:
    """The first evaluated rollout count at which the held-out curve of `metric`, averaged over seeds, reaches
    `target` (None: never); 0 when the untrained model (`untrained`: the zero-shot arm's value) already does.

    The seed mean, not every seed: GRPO's final reward is its seeds' mean, so under an every-seed rule GRPO itself
    would never reach it whenever one seed ends below the mean. `tolerance` absorbs the float difference between
    pooling per-task rewards and averaging per-seed means."""
    if untrained is not None and untrained >= target - tolerance:
        return 0.0
    curves = [record["final"].get("curve", []) for record in records]
    for i, point in enumerate(curves[0] if curves else []):
        if statistics.fmean(curve[i]["held_out"][metric] for curve in curves) >= target - tolerance:
            return float(point["rollouts"])
    return None


CREDIT_LOGS = {"credit_weight": "credit/mean_token_weight", "credited_frac": "credit/credited_token_frac"}
# how long the sampled completions were, and the share cut off at max_completion_length: a policy that drifts into
# repeating lines shows here before its held-out evaluation does
LENGTH_LOGS = {"completion_length": "completions/mean_length", "clipped_ratio": "completions/clipped_ratio"}


def training_steps(log_history: list[dict]) -> list[dict]:
    """Per optimizer step, the sampled training rollouts' mean reward, execution rate, mean completion length and
    share cut off at the length limit (TRL's logs), and for Visual-SDPO the mean distillation token weight and the
    share of tokens with credit."""
    return [{"step": h["step"], "reward": h["reward"], "exec_rate": h.get("rewards/executability_reward/mean"),
             **{key: h[log] for key, log in (LENGTH_LOGS | CREDIT_LOGS).items() if log in h}}
            for h in log_history if "reward" in h]


def credit_summary(train_steps: list[dict]) -> dict | None:
    """Means over training steps of `credit_weight` and `credited_frac` (None for runs without credit logs): how far
    from uniform the distillation weights were."""
    logged = [step for step in train_steps if "credit_weight" in step]
    if not logged:
        return None
    return {key: statistics.fmean(step[key] for step in logged) for key in CREDIT_LOGS} | {"steps": len(logged)}


def training_rollout_scores(log_history: list[dict]) -> dict:
    """Mean reward and execution rate of the sampled training rollouts over the second half of the steps: the
    on-policy signal, which moves before greedy held-out decoding does."""
    steps = [h for h in log_history if "reward" in h]
    late = steps[len(steps) // 2:]
    return {"train_reward": statistics.fmean(h["reward"] for h in late),
            "train_exec_rate": statistics.fmean(h["rewards/executability_reward/mean"] for h in late)}


def records_by_budget(runs: Path) -> dict[str, dict[str, list[dict]]]:
    """The run records in `runs` (one JSON file a run), grouped by budget key, then arm."""
    by_budget: dict[str, dict[str, list[dict]]] = {}
    for path in sorted(runs.glob("*.json")):
        record = json.loads(path.read_text())
        by_budget.setdefault(record["budget"]["key"], {}).setdefault(record["arm"], []).append(record)
    return by_budget


def report() -> dict:
    by_budget = records_by_budget(RUNS)
    out = {}
    for key, arms in by_budget.items():
        table = {}
        grpo_final = None
        if "grpo" in arms:
            grpo_final = statistics.fmean(r["final"]["held_out_reward"] for r in arms["grpo"])
        untrained = None
        if "zero_shot" in arms:
            untrained = statistics.fmean(r["final"]["held_out_reward"] for r in arms["zero_shot"])
        for arm, runs in sorted(arms.items()):
            row = {k: _mean_std([r["final"][k] for r in runs]) for k in FINAL_KEYS if k in runs[0]["final"]}
            row["seeds"] = sorted(r["seed"] for r in runs)
            row["rollouts"] = runs[0]["final"].get("rollouts", 0)
            if arm == "critique_revise":
                row["extra_generated_tokens"] = _mean_std([r["final"]["extra_generated_tokens"] for r in runs])
                row["extra_renders"] = _mean_std([r["final"]["extra_renders"] for r in runs])
            if grpo_final is not None and arm_settings(arm)["trainer"] is not None:
                row["rollouts_to_reach_grpo_final"] = rollouts_to_reach(runs, grpo_final, untrained)
            table[arm] = row
        out[key] = {"budget": next(iter(arms.values()))[0]["budget"], "arms": table}
    (RESULTS / "sample_efficiency.json").write_text(json.dumps(out, indent=2))
    plot(by_budget, RESULTS / "sample_efficiency.png")
    plot_sweeps(out, RESULTS / "sample_efficiency_sweeps.png")
    return out


SWEEPS = {"alpha": "credit_alpha", "grpo_weight": "grpo_weight"}


def _setting(arm: str, name: str) -> float:
    return arm_settings(arm).get(name, 1.0)  # VisualSDPOConfig's defaults


def plot_sweeps(table: dict, path: Path) -> None:
    """Held-out and training-rollout reward against each swept setting (mean and std over seeds), one row per budget
    that has sweep arms; the zero-shot and GRPO levels of the same budget are the reference lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    budgets = {key: entry["arms"] for key, entry in table.items()
               if any(arm.partition("=")[0] in SWEEPS for arm in entry["arms"])}
    if not budgets:
        return
    fig, axes = plt.subplots(len(budgets), len(SWEEPS), figsize=(11, 3.8 * len(budgets)), squeeze=False)
    for row, (key, arms) in zip(axes, budgets.items()):
        for ax, setting in zip(row, SWEEPS.values()):
            # Every Visual-SDPO arm of the budget whose other setting is at its default is a point of this sweep
            # (alpha=1 is also grpo_weight=1; sdpo_uniform is alpha=0).
            other = next(v for v in SWEEPS.values() if v != setting)
            points = sorted({_setting(arm, setting): stats for arm, stats in arms.items()
                             if arm_settings(arm)["trainer"] == "sdpo" and _setting(arm, other) == 1.0}.items())
            for metric, label in (("held_out_reward", "held-out reward"), ("train_reward", "training rollouts")):
                if points and metric in points[0][1]:
                    ax.errorbar([v for v, _ in points], [st[metric]["mean"] for _, st in points],
                                yerr=[st[metric]["std"] for _, st in points], marker="o", capsize=3, label=label)
            for arm, style in (("zero_shot", ":"), ("grpo", "--")):
                if arm in arms:
                    ax.axhline(arms[arm]["held_out_reward"]["mean"], linestyle=style, color="gray", linewidth=1,
                               label=f"{arm} held-out")
            ax.set_xlabel(setting)
            ax.set_ylabel("reward")
            ax.set_title(f"{setting} sweep, {budget_title(table[key]['budget'])}", fontsize=9)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def budget_title(budget: dict) -> str:
    return (f"{budget['steps']} steps x {budget['batch_size']} rollouts of {budget['max_completion_length']} tokens "
            f"[{budget['key']}]")


def plot(by_budget: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(by_budget) or 1, figsize=(6 * max(len(by_budget), 1), 4), squeeze=False)
    for ax, arms in zip(axes[0], by_budget.values()):
        for arm, runs in sorted(arms.items()):
            if arm.partition("=")[0] in SWEEPS:  # drawn against their setting by plot_sweeps
                continue
            curves = [r["final"].get("curve") for r in runs]
            if curves[0]:  # a training arm: held-out reward against rollouts, mean and std over seeds
                xs = [0] + [p["rollouts"] for p in curves[0]]
                base = list(arms.get("zero_shot", []))
                start = statistics.fmean(r["final"]["held_out_reward"] for r in base) if base else None
                ys = [[p["held_out"]["held_out_reward"] for p in c] for c in curves]
                means = [statistics.fmean(col) for col in zip(*ys)]
                stds = [statistics.stdev(col) if len(col) > 1 else 0.0 for col in zip(*ys)]
                if start is not None:
                    means, stds = [start] + means, [0.0] + stds
                else:
                    xs = xs[1:]
                ax.errorbar(xs, means, yerr=stds, marker="o", capsize=3, label=f"{arm} (n={len(runs)})")
            else:
                value = statistics.fmean(r["final"]["held_out_reward"] for r in runs)
                ax.axhline(value, linestyle="--", color="gray" if arm == "zero_shot" else "black", linewidth=1,
                           label=f"{arm} (n={len(runs)})")
        ax.set_xlabel("training rollouts")
        ax.set_ylabel("held-out reward")
        ax.set_title(budget_title(next(iter(arms.values()))[0]["budget"]), fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def budget_parser(description: str, *, arms: list[str], choices: list[str] | None = None, model: str | None,
                  steps: int, eval_every: int, max_completion_length: int, eval_tasks: int, eval_max_new_tokens: int,
                  revise_rounds: int, checkpoint_every: int | None = None) -> argparse.ArgumentParser:
    """The arguments of a grid of training runs that this benchmark and grid_v2.py share, with each one's defaults."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--arms", nargs="+", default=arms, choices=choices)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--model", default=model,
                        help="Hub id or path of the starting model; None: the embedded SmolLM2-135M-Instruct.")
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--eval_every", type=int, default=eval_every)
    parser.add_argument("--batch_size", type=int, default=8, help="Rollouts per step.")
    parser.add_argument("--num_generations", type=int, default=4, help="Rollouts per prompt (GRPO group size).")
    parser.add_argument("--max_completion_length", type=int, default=max_completion_length)
    parser.add_argument("--learning_rate", type=float, default=5e-4)
    parser.add_argument("--eval_tasks", type=int, default=eval_tasks)
    parser.add_argument("--eval_max_new_tokens", type=int, default=eval_max_new_tokens)
    parser.add_argument("--revise_rounds", type=int, default=revise_rounds)
    parser.add_argument("--checkpoint_every", type=int, default=checkpoint_every,
                        help="Steps between checkpoints (None: at each held-out evaluation), from the last of which a "
                        "stopped run resumes. Not part of the budget: it changes no result.")
    parser.add_argument("--park_checkpoints", action="store_true",
                        help="Also copy each training run's latest checkpoint (LoRA weights, optimizer and trainer "
                        "state) to benchmarks/results/parked_checkpoints/<grid>/<run>/ and resume from there when "
                        "outputs/ has none: commit that folder and the run resumes on a new machine. Not part of the "
                        "budget.")
    parser.add_argument("--report", action="store_true", help="Only aggregate the finished runs.")
    return parser


def main() -> None:
    parser = budget_parser(__doc__.splitlines()[0], arms=["zero_shot", "grpo", "sdpo_uniform", "sdpo_credit",
                                                          "critique_revise"],
                           model=None, steps=6, eval_every=3, max_completion_length=128, eval_tasks=8,
                           eval_max_new_tokens=160, revise_rounds=2)
    args = parser.parse_args()
    if args.report:
        print(json.dumps(report(), indent=2))
        return
    report_args = argparse.Namespace(**{k: v for k, v in vars(args).items() if k not in ("arms", "seeds", "report")})
    for seed in args.seeds:  # seed-major, so that every arm has a first seed early
        for arm in args.arms:
            run(arm, seed, report_args)
    report()


if __name__ == "__main__":
    sys.exit(main())
