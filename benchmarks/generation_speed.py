"""Which generation path and which trainable set are fastest for a CPU GRPO / Visual-SDPO step?

Generation dominates a CPU step. This measures, in one process and interleaved (other jobs share the cores, so
only ratios measured within one run are comparable), on the chart policy and the prompts of one training step
(`--prompts` prompts x `--num_generations` completions):

- `sequential`: one `generate` per completion (what a per-rollout loop would do);
- `batched`: one `generate` for all completions of the step (TRL's default transformers path);
- `batched_static`: the same with `cache_implementation="static"` (TRL: `--cache_implementation static`);
- `continuous_batching`: transformers' paged continuous batching, `generate_batch` (TRL:
  `--use_transformers_continuous_batching true`, formerly `use_transformers_paged`);
- `batched_1_thread`: the batched path with `torch.set_num_threads(1)`;

and the training pass of the same completions (one forward + backward + optimizer step) with LoRA (r=8 on q/v,
the recipes' setting) against full fine-tuning. Completions are forced to `--new_tokens` tokens, so every path
generates the same amount. Writes `benchmarks/results/generation_speed.json`: tokens/s per path, seconds per
phase of a step before (the recipes' previous settings) and after (the fastest path), and the ratios.

    python benchmarks/generation_speed.py --model outputs/sft-chart-revise
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


RESULTS = Path(__file__).parent / "results"


def _prompt_ids(tokenizer, prompts) -> list[list[int]]:
    return [list(tokenizer.apply_chat_template(p, add_generation_prompt=True, tokenize=True,
                                               return_dict=True)["input_ids"]) for p in prompts]


def generate(model, tokenizer, prompt_ids: list[list[int]], new_tokens: int, path: str) -> tuple[float, list]:
    """Seconds to sample `new_tokens` tokens for every prompt along `path`, and the completions' token ids."""
    import torch
    from transformers import GenerationConfig
    from trl.trainer.utils import pad

    config = GenerationConfig(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=True,
                              temperature=0.7, top_k=0, top_p=1.0, pad_token_id=tokenizer.pad_token_id,
                              eos_token_id=tokenizer.eos_token_id,
                              cache_implementation="static" if path == "batched_static" else None,
                              disable_compile=True)  # as GRPOTrainer builds its generation config
    start = time.perf_counter()
    with torch.no_grad():
        if path == "continuous_batching":
            from transformers.generation import ContinuousBatchingConfig

            # A bounded paged cache (64 blocks of 64 tokens): the default sizes it from the free memory.
            cache = ContinuousBatchingConfig(num_blocks=64, block_size=64, max_batch_tokens=512)
            outputs = model.generate_batch(prompt_ids, generation_config=config, progress_bar=False,
                                           continuous_batching_config=cache)
            completions = [o.generated_tokens for o in outputs.values()]
        elif path == "sequential":
            completions = []
            for ids in prompt_ids:
                out = model.generate(input_ids=torch.tensor([ids]), generation_config=config)
                completions.append(out[0, len(ids):].tolist())
        else:
            tensors = [torch.tensor(ids) for ids in prompt_ids]
            input_ids = pad(tensors, padding_value=tokenizer.pad_token_id, padding_side="left")
            mask = pad([torch.ones_like(t) for t in tensors], padding_value=0, padding_side="left")
            out = model.generate(input_ids=input_ids, attention_mask=mask, generation_config=config)
            completions = out[:, input_ids.size(1):].tolist()
    return time.perf_counter() - start, completions


def train_pass(model, prompt_ids, completions) -> float:
    """Seconds of one forward + backward + optimizer step on prompt + completion (the loss pass of a step)."""
    import torch
    from trl.trainer.utils import pad

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-6)
    tensors = [torch.tensor(p + c) for p, c in zip(prompt_ids, completions)]
    input_ids = pad(tensors, padding_value=0, padding_side="left")
    mask = pad([torch.ones_like(t) for t in tensors], padding_value=0, padding_side="left")
    model.train()
    start = time.perf_counter()
    logits = model(input_ids=input_ids, attention_mask=mask, logits_to_keep=len(completions[0]) + 1).logits
    logits[:, :-1].float().log_softmax(-1).mean().backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    seconds = time.perf_counter() - start
    model.eval()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="Checkpoint or Hub id; default: the embedded SmolLM2.")
    parser.add_argument("--prompts", type=int, default=2)
    parser.add_argument("--num_generations", type=int, default=4)
    parser.add_argument("--new_tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--paths", nargs="+", default=["batched", "batched_static", "continuous_batching",
                                                       "batched_1_thread", "sequential"])
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import set_seed

    from trl_visual_sdpo.data import load_chart_tasks
    from trl_visual_sdpo.evaluation import render_completions
    from trl_visual_sdpo.models import load_policy
    from trl_visual_sdpo.render.chart import ChartRenderer

    set_seed(0)
    threads = torch.get_num_threads()
    model, tokenizer = load_policy(args.model, dtype=torch.float32)
    model.eval()
    prompts = [p for p in load_chart_tasks("train", n=args.prompts)["prompt"] for _ in range(args.num_generations)]
    prompt_ids = _prompt_ids(tokenizer, prompts)
    n_tokens = len(prompt_ids) * args.new_tokens
    generate(model, tokenizer, prompt_ids[:1], 4, "batched")  # warm-up: first-call allocations
    seconds: dict[str, list[float]] = {path: [] for path in args.paths}
    completions = None
    for _ in range(args.repeats):  # interleaved, so a burst of load from other jobs hits every path alike
        for path in args.paths:
            torch.set_num_threads(1 if path == "batched_1_thread" else threads)
            ids = prompt_ids[:2] if path == "sequential" else prompt_ids  # per-completion cost is what matters
            try:
                elapsed, out = generate(model, tokenizer, ids, args.new_tokens, path)
            except Exception as error:  # noqa: BLE001 - a path this build cannot run on CPU is recorded, not fatal
                seconds[path] = [float("nan")]
                print(f"{path}: failed ({type(error).__name__}: {error})", flush=True)
                continue
            finally:
                torch.set_num_threads(threads)
            seconds[path].append(elapsed * len(prompt_ids) / len(ids))
            completions = out if path == "batched" else completions
            print(f"{path}: {elapsed:.1f} s for {len(ids)} x {args.new_tokens} tokens", flush=True)
    generation = {path: {"seconds_per_step": statistics.median(v), "tokens_per_s": n_tokens / statistics.median(v),
                         "runs": v} for path, v in seconds.items()}

    # Render the step's completions (decoded) once: the other phase of a step, for the per-phase table.
    renderer = ChartRenderer()
    try:
        texts = tokenizer.batch_decode(completions, skip_special_tokens=True)
        start = time.perf_counter()
        render_completions(renderer, texts)
        render_seconds = time.perf_counter() - start
    finally:
        renderer.close()

    backward: dict[str, list[float]] = {"lora": [], "full": []}
    lora_model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"]))
    for _ in range(args.repeats):
        backward["lora"].append(train_pass(lora_model, prompt_ids, completions))
        with lora_model.disable_adapter():
            base = lora_model.get_base_model()
            for p in base.parameters():
                p.requires_grad_(True)
            backward["full"].append(train_pass(base, prompt_ids, completions))
            for name, p in base.named_parameters():
                p.requires_grad_("lora_" in name)
        print(f"train pass: lora {backward['lora'][-1]:.1f} s, full {backward['full'][-1]:.1f} s", flush=True)
    train = {kind: statistics.median(v) for kind, v in backward.items()}

    finite = {p: g for p, g in generation.items() if g["seconds_per_step"] == g["seconds_per_step"]}
    fastest = min(finite, key=lambda p: finite[p]["seconds_per_step"])
    before = {"generation": generation["batched"]["seconds_per_step"], "render": render_seconds,
              "train_pass": train["lora"]}
    after = {"generation": finite[fastest]["seconds_per_step"], "render": render_seconds,
             "train_pass": min(train.values())}
    record = {
        "model": args.model or "embedded SmolLM2-135M-Instruct", "torch_threads": threads,
        "completions": len(prompt_ids), "new_tokens": args.new_tokens, "repeats": args.repeats,
        "generation": generation, "fastest_generation": fastest,
        "generation_speedup_vs_batched": {p: generation["batched"]["seconds_per_step"] / g["seconds_per_step"]
                                          for p, g in finite.items()},
        "train_pass_seconds": train, "train_pass_runs": backward,
        "lora_speedup_vs_full": train["full"] / train["lora"],
        "phases_before": before, "phases_after": after,
        "step_seconds_before": sum(before.values()), "step_seconds_after": sum(after.values()),
        "note": "measured on a shared 2-core CPU; compare ratios within this file, not absolute seconds across runs",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "generation_speed.json").write_text(json.dumps(record, indent=2))
    print(json.dumps({k: record[k] for k in ("fastest_generation", "generation_speedup_vs_batched",
                                             "lora_speedup_vs_full", "phases_before", "phases_after")}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
