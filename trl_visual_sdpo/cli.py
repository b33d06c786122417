"""`trl-visual-sdpo train|render|eval DOMAIN ...`: train a policy with a packaged recipe, render a program, score a
prediction against a reference, or evaluate a model (a Hub id, a checkpoint, or a trained adapter directory) on a
domain's tasks.

    trl-visual-sdpo train chart                                   # CPU demo config; any GRPOConfig flag works
    trl-visual-sdpo train web --config my.yaml --max_steps 200 --accelerate_config zero2
    trl-visual-sdpo render chart plot.py --json --out render/
    trl-visual-sdpo eval chart --pred pred.py --ref ref.py --json
    trl-visual-sdpo eval chart --model outputs/chart-demo --n 16 --out eval-after/   # JSON + HTML report

Exit status: 0 whenever the command ran, including when the program itself failed (then `ok` is false and
`error` says why); 2 for usage errors (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trl_visual_sdpo import __version__
from trl_visual_sdpo.domains import DOMAINS, available_domains, load_renderer


TRAIN_EPILOG = """Every other flag goes to the recipe, which parses TRL's way: all of GRPOConfig and VisualSDPOConfig
(e.g. --max_steps, --learning_rate, --num_generations, --credit_alpha, --report_to), TRL's ModelConfig
(--model_name_or_path, --dtype, --attn_implementation, --use_peft, --load_in_4bit, ...) and the recipe's own
(--dataset_name, --dataset_config, --dataset_prompt_column, --dataset_image_column, --column_map,
--num_eval_tasks, --render_workers, ...). `python -m trl_visual_sdpo.recipes.DOMAIN --help` lists them all with
their defaults. Without --config, the domain's packaged CPU demo config is used (SmolLM2-135M-Instruct, LoRA,
8 steps); flags override it.

examples:
  trl-visual-sdpo train chart
  trl-visual-sdpo train chart --model_name_or_path Qwen/Qwen2.5-VL-7B-Instruct --dataset_name ChartMimic/ChartMimic \\
      --use_cpu false --bf16 true --max_steps 500 --feedback_channels image rubric --accelerate_config zero2
  trl-visual-sdpo train web --config my_web.yaml --push_to_hub true --hub_model_id me/web-policy
"""


def _read(path: str, parser: argparse.ArgumentParser) -> str:
    try:
        return Path(path).read_text()
    except OSError as error:
        parser.error(f"cannot read {path}: {error.strerror}")


def _render(args, parser) -> int:
    renderer = load_renderer(args.domain)
    result = renderer.render(_read(args.program, parser))
    payload = result.to_dict()
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        if result.image_png:
            (out / "render.png").write_bytes(result.image_png)
            payload["image_png"] = str(out / "render.png")
        (out / "result.json").write_text(json.dumps(payload, indent=2))
    if args.json:
        print(json.dumps(payload, indent=2))
    else:
        status = "ok" if result.ok else f"failed: {result.error}"
        print(f"{args.program}: {status}; {len(result.elements)} elements, {len(result.defects)} defects")
        for defect in result.defects:
            print(f"  [{defect.kind}] {defect.message}")
    return 0


def _train(args, parser, recipe_args: list[str]) -> int:
    """`accelerate launch` the packaged recipe, as `trl grpo` launches TRL's script."""
    from accelerate.commands.launch import launch_command, launch_command_parser

    from trl_visual_sdpo.recipes import accelerate_config, default_config, recipe_script

    if any(a in ("--config", "--accelerate_config") or a.startswith(("--config=", "--accelerate_config="))
           for a in recipe_args):
        parser.error("give --config and --accelerate_config once, before the recipe's own flags")
    launch = ["--config_file", str(accelerate_config(args.accelerate_config))] if args.accelerate_config else []
    launch_args = launch_command_parser().parse_args([*launch, str(recipe_script(args.domain))])
    launch_args.training_script_args = ["--config", str(args.config or default_config(args.domain)), *recipe_args]
    launch_command(launch_args)
    return 0


def _eval(args, parser) -> int:
    if bool(args.model) == bool(args.pred or args.ref):
        parser.error("eval needs either --model (evaluate a model on a task set) or --pred and --ref (score one "
                     "prediction), not both.")
    if args.model:
        return _eval_model(args)
    if not (args.pred and args.ref):
        parser.error("eval --pred needs --ref too (the reference program to compare against).")
    from trl_visual_sdpo.metrics import score_prediction

    pred, ref = _read(args.pred, parser), _read(args.ref, parser)
    scores = score_prediction(args.domain, pred, ref, renderer=load_renderer(args.domain))
    _print(scores, args.json)
    return 0


def _print(scores: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(scores, indent=2))
    else:
        for name, value in scores.items():
            print(f"{name:>24}: {value}")


def _eval_model(args) -> int:
    from trl_visual_sdpo.data import load_tasks
    from trl_visual_sdpo.evaluation import evaluate_policy
    from trl_visual_sdpo.models import is_vision_language, load_policy
    from trl_visual_sdpo.report import write_report

    if args.num_samples > 1 and args.temperature is None:
        args.temperature = 1.0  # several samples per task only make sense sampled
    model, processing_class, generator, device = None, None, None, "vllm"
    if args.use_vllm:
        from trl_visual_sdpo.evaluation import vllm_generator

        generator = vllm_generator(args.model, args.revision, args.trust_remote_code, args.dtype or "auto")
    else:
        model_kwargs = {"dtype": args.dtype, "attn_implementation": args.attn_implementation,
                        "trust_remote_code": args.trust_remote_code}
        # TRL's model loading: on a GPU machine the model goes to the GPU (device_map="auto"), on a CPU one it stays.
        model, processing_class = load_policy(args.model, revision=args.revision,
                                              **{k: v for k, v in model_kwargs.items() if v is not None})
        device = str(model.device)
    renderer = load_renderer(args.domain)
    try:
        # Like recipes/web.py: a vision-language policy sees the embedded pages' screenshots.
        shows_pages = args.domain == "web" and not args.dataset and is_vision_language(args.model)
        tasks = load_tasks(args.domain, args.dataset, split=args.split, n=args.n,
                           **({"with_images": True, "renderer": renderer} if shows_pages else {}))
        summary, evaluations = evaluate_policy(model, processing_class, renderer, tasks, args.max_new_tokens,
                                               args.batch_size, description=f"Generating for {len(tasks)} tasks",
                                               temperature=args.temperature, samples_per_task=args.num_samples,
                                               generator=generator)
    finally:
        renderer.close()
    meta = {"model": args.model, "domain": args.domain, "dataset": args.dataset or f"embedded {args.domain} tasks",
            "split": args.split, "num_samples": args.num_samples, "temperature": args.temperature,
            "device": device}
    json_path, html_path = write_report(args.out, summary, evaluations, meta)
    _print(summary, args.json)
    if not args.json:
        print(f"Report: {html_path} (and {json_path})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trl-visual-sdpo", description=__doc__.split("\n\n")[0],
                                     epilog="\n".join(__doc__.split("\n\n")[1:2]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"trl-visual-sdpo {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train", help="Train a policy with a domain's packaged recipe (accelerate launch).", epilog=TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("domain", choices=sorted(DOMAINS))
    train.add_argument("--config", help="YAML file of recipe flags (default: the domain's packaged CPU demo config).")
    train.add_argument("--accelerate_config", help="ddp, zero2, zero3, fsdp (packaged) or the path of your own "
                       "accelerate config (default: accelerate's own default).")
    train.set_defaults(run=_train)
    render = commands.add_parser("render", help="Render one program in the sandbox and report elements and defects.")
    render.add_argument("domain", choices=sorted(available_domains()))
    render.add_argument("program", help="Path of the program (or page) to render.")
    render.add_argument("--json", action="store_true", help="Print the RenderResult as JSON.")
    render.add_argument("--out", help="Directory to write render.png and result.json into.")
    render.set_defaults(run=_render)
    evaluate = commands.add_parser(
        "eval", help="Score a predicted program against a reference, or a model on a domain's tasks."
    )
    evaluate.add_argument("domain", choices=sorted(available_domains()))
    evaluate.add_argument("--pred", help="Path of the predicted program.")
    evaluate.add_argument("--ref", help="Path of the reference program.")
    evaluate.add_argument("--model", help="Hub id, checkpoint or trained adapter directory to evaluate.")
    evaluate.add_argument("--dataset", help="Hub id or local file of the tasks; default: the embedded tasks.")
    evaluate.add_argument("--split", default="test", help="Dataset split (default: test).")
    evaluate.add_argument("--n", type=int, help="Evaluate at most this many tasks.")
    evaluate.add_argument("--max-new-tokens", type=int, default=512, help="Completion budget per task.")
    evaluate.add_argument("--batch-size", type=int, default=8, help="Prompts per generate call.")
    evaluate.add_argument("--num_samples", "--num-samples", type=int, default=1,
                          help="Sampled completions per task; above 1 the summary adds pass@k (default: 1, greedy).")
    evaluate.add_argument("--temperature", type=float, help="Sampling temperature (default: greedy; 1.0 when "
                          "--num_samples > 1).")
    evaluate.add_argument("--dtype", help="Model dtype: auto, bfloat16, float16 or float32 (default: auto).")
    evaluate.add_argument("--attn_implementation", help="Attention implementation, e.g. sdpa or flash_attention_2.")
    evaluate.add_argument("--revision", help="Model revision on the Hub.")
    evaluate.add_argument("--trust_remote_code", action="store_true", help="Allow the model's own code from the Hub.")
    evaluate.add_argument("--use_vllm", action="store_true", help="Generate with vLLM (a GPU and `pip install "
                          "trl-visual-sdpo[vllm]`), for large evaluations; an adapter is served as a LoRA.")
    evaluate.add_argument("--out", default="eval-report", help="Directory for report.json and report.html.")
    evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")
    evaluate.set_defaults(run=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "train":
        return args.run(args, parser, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return args.run(args, parser)


if __name__ == "__main__":
    sys.exit(main())
