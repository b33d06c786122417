"""Configuration of the Visual-SDPO trainer: TRL's GRPOConfig plus the self-distillation knobs."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from trl import GRPOConfig

from trl_visual_sdpo.credit import CREDIT_BOXES
from trl_visual_sdpo.feedback import CODE_LINE_MODES


DIVERGENCES = ("reverse_kl", "forward_kl", "jsd")
FEEDBACK_CHANNELS = ("image", "rubric")
FLAWLESS_POLICIES = ("distil", "skip")
TEACHER_KINDS = ("live", "ema", "base")
# Names we used before following TRL's SDPOConfig where the meaning is the same (old -> new); still accepted, with a
# deprecation warning.
DEPRECATED_FIELDS = {"distill_top_k": "distillation_topk", "distill_is_clip": "distillation_is_clip"}
DEPRECATED_TEACHER_KINDS = {"frozen": "base"}
DEMONSTRATION_MODES = ("off", "always", "on_failure")
ATTRIBUTION_FALLBACKS = ("off", "static", "model")


@dataclass
class VisualSDPOConfig(GRPOConfig):
    r"""
    Configuration class for [`VisualSDPOTrainer`].

    Every [`~trl.GRPOConfig`] argument keeps its meaning (including `beta`, the KL-to-reference coefficient). The
    loss is `distill_weight * L_distill + grpo_weight * L_GRPO`, where `L_distill` is the credit-weighted
    token-level divergence between the student and the same model reading privileged render feedback.

    Parameters:
        distill_weight (`float`, *optional*, defaults to `1.0`):
            Weight of the token-level self-distillation loss. `0.0` turns the trainer into plain GRPO.
        grpo_weight (`float`, *optional*, defaults to `1.0`):
            Weight of TRL's sequence-level GRPO loss (the paper's beta). `0.0` trains by distillation alone.
        credit_alpha (`float`, *optional*, defaults to `1.0`):
            Visual-grounded credit strength: a token's distillation weight is `1 + credit_alpha * IoU` between the
            defect regions and the boxes its statement drew. `0.0` is uniform distillation.
        credit_box (`str`, *optional*, defaults to `"element"`):
            Which box of a statement meets a defect's region: `"element"` (each element it drew; the best IoU
            counts) or `"statement"` (the union box of all its elements). A call such as `ax.bar(labels, values)`
            draws the bars and the tick labels, so its union box is the whole axes and a clipped tick label gets an
            IoU near 0.01 with it, where the label's own box gives near 1.
        divergence (`str`, *optional*, defaults to `"reverse_kl"`):
            Per-token divergence D(student || teacher): `"reverse_kl"`, `"forward_kl"` or `"jsd"`.
        jsd_beta (`float`, *optional*, defaults to `0.5`):
            Mixture coefficient of the generalised Jensen-Shannon divergence (only with `divergence="jsd"`).
        distillation_topk (`int` or `None`, *optional*, defaults to `None`):
            Restrict the divergence to the teacher's top-k tokens plus one tail bucket holding the remaining mass
            (TRL's SDPOConfig name; formerly `distill_top_k`). `None` uses the full vocabulary (fine for small
            vocabularies; set e.g. 64 for 150k-token vocabularies).
        distill_chunk_size (`int`, *optional*, defaults to `128`):
            Completion positions per chunk when computing the divergence, so that two full float32
            `(batch, length, vocab)` tensors are never alive at once.
        feedback_channels (`list[str]`, *optional*, defaults to `["rubric"]`):
            What the teacher reads about a successful render: `"rubric"` (structured defect text with the
            responsible code lines) and/or `"image"` (the rendered PNG; needs a vision-language model). A program
            that crashed always gives the teacher its error, whatever this says.
        repair_hints (`bool`, *optional*, defaults to `False`):
            After the rubric's defects, the renderer's hint for each kind found (`Renderer.repair_hints`, e.g.
            "rotate crowded tick labels (`ax.tick_params(...)`)"): the rubric names the problem, but a small teacher
            may not know the idiom that fixes it (`benchmarks/teacher_lift.py`, channel `rubric_hints`). Needs the
            `"rubric"` channel.
        distill_program_end (`bool`, *optional*, defaults to `False`):
            Also distil the tokens after each program (its closing fence and EOS: the decision to stop). Off by
            default: a teacher told to fix defects prefers to keep writing where the student's program ends (1.2 nats
            less on the closing fence of flawed warm-start programs, `benchmarks/program_end_lift.py`), and
            distilling that taught Visual-SDPO runs to repeat fix lines until the length limit. When to stop is left
            to the GRPO term.
        stop_neutral (`bool`, *optional*, defaults to `True`):
            At every distilled position, leave the tokens that end the program (a closing fence, EOS) out of both the
            student's and the teacher's distribution and renormalise the rest. `distill_program_end=False` keeps the
            end of the program out of distillation, but a teacher told to fix defects still puts less mass on stopping
            at every line start, so distillation keeps lowering the student's probability of stopping there (a
            repeated line at the end of a flawed warm-start program gets 3.6 nats more from the teacher; 1.5 once
            stopping is left out, `benchmarks/repeat_lift.py`). With this the divergence does not depend on how much
            mass either distribution puts on stopping, and no gradient reaches the stopping logits: the decision to
            stop is left to the GRPO term (shared weights can still move it indirectly, more slowly: the student's
            log-probability of one more line where a program ends went from -7.1 to -3.8 in 48 steps with it, to -0.4
            in 42 without). On by default since Visual-SDPO runs without it collapsed into repeated lines after about
            40 steps of the chart grid (`benchmarks/grid_v2.py`); with it, one run in four collapsed the same way
            about 15 steps later, so it delays the collapse rather than preventing it: watch the completions' length.
            `distill_program_end=True` needs it off.
        rubric_code_lines (`str`, *optional*, defaults to `"verbatim"`):
            How the rubric names the program lines that drew each defective element: `"verbatim"` ("made by line 6:
            `ax.bar(labels, values, color="#4c4444")`"), `"elided"` (the same statement with its string literals
            and colours replaced by `...`) or `"none"` (the defect kinds and messages only; credit weighting still
            finds the lines). A teacher that has read a line can copy it: one more copy of a quoted line gets 0.55
            nats a token more from the teacher with the quotes, 0.21 without (`benchmarks/repeat_lift.py`), and
            the colour of a quoted line 0.92 nats a digit more, which narrows a run's colours
            (`benchmarks/colour_lift.py`). The quotes also help the teacher find the repair
            (`benchmarks/teacher_lift.py --unquoted`). `True`/`False` mean `"verbatim"`/`"none"`.
        label_feedback (`bool`, *optional*, defaults to `False`):
            A rubric line naming the labels the prompt quotes (`['Apples', 'Figs']`, series names) that the render
            does not draw (`metrics.fidelity`). The rubric cannot see an element that is not drawn, so without it a
            rollout that cured a crowded axis by deleting its labels is called clean and the teacher endorses the
            deletion (`benchmarks/label_feedback_lift.py`). With a `reference_code` column, only the labels the
            reference's render draws are asked for (as `label_recall_reward` counts them). Needs the `"rubric"`
            channel; prompts that quote no label get no line.
        flawless_renders (`str`, *optional*, defaults to `"distil"`):
            What to do with a rollout that rendered with no defect: `"distil"` (the teacher still reads the
            feedback, which confirms the program) or `"skip"` (no distillation loss on that rollout).
        max_error_chars (`int`, *optional*, defaults to `1200`):
            Longest error text the teacher reads; longer tracebacks keep their head and their tail.
        max_consecutive_infra_errors (`int`, *optional*, defaults to `32`):
            Training stops with a clear error after this many renders in a row failed because of the rendering
            infrastructure (a sandbox worker, the browser or LibreOffice died twice), not the programs. Such renders
            are kept out of the rewards and the teacher's feedback either way.
        demonstrations (`str`, *optional*, defaults to `"off"`):
            Show the teacher the best sibling rollout of the same group (highest reward, then fewest defects; never
            the rollout itself, and only one at least as good as it) with its rubric: `"off"`, `"always"`, or
            `"on_failure"` (only when the rollout crashed or has defects).
        teacher_model_kind (`str`, *optional*, defaults to `"live"`):
            Teacher weights: `"live"` (the current student, the paper's weight-sharing teacher), `"ema"` (an
            exponential moving average of the student; with LoRA only the adapter is averaged) or `"base"` (the
            initial weights, TRL's name; formerly `"frozen"`; with PEFT the adapter is simply disabled). See
            `trl_visual_sdpo.teacher` for memory.
        teacher_update_rate (`float`, *optional*, defaults to `0.05`):
            EMA rate: `teacher = (1 - rate) * teacher + rate * student` every `teacher_sync_steps` steps.
        teacher_sync_steps (`int`, *optional*, defaults to `1`):
            Optimizer steps between EMA updates.
        distillation_is_clip (`float` or `None`, *optional*, defaults to `None`):
            Clip of the per-token ratio between the current student and the student that sampled the rollout, applied
            to the distillation loss as in TRL's SDPO (only when TRL keeps old log-probs, i.e. off-policy steps).
            TRL's SDPOConfig name; formerly `distill_is_clip`.

    Names that differ from TRL's SDPOConfig on purpose: `distill_weight` and `grpo_weight` are two independent
    weights (TRL's `distillation_weight` is one convex mix), and `divergence`/`jsd_beta` name the divergence
    (TRL's `distillation_alpha` interpolates it).
        attribution_fallback (`str`, *optional*, defaults to `"off"`):
            For elements runtime introspection could not attribute to code: `"off"`, `"static"` (match their text and
            colours to the program's literals) or `"model"` (static first, then ask the policy itself which lines
            made them; see `trl_visual_sdpo.attribution`).
        attribution_max_new_tokens (`int`, *optional*, defaults to `24`):
            Answer budget of one model attribution query.
        log_renders_steps (`int`, *optional*, defaults to `50`):
            Every this many optimizer steps, log a table of the last generation's completions: each render with its
            defect boxes drawn on, the rubric, the error of a crashed program and the per-token credit shown on the
            code. Written to `<output_dir>/renders/step-<N>.html` always, and to the `report_to` trackers (wandb,
            trackio, tensorboard). `0` turns it off. See `trl_visual_sdpo.callbacks`.
        num_renders_to_log (`int`, *optional*, defaults to `8`):
            Completions per logged render table (the first ones of the batch, so sibling rollouts come together).
        repeated_line_warning (`float` or `None`, *optional*, defaults to `0.1`):
            Warn once when `completions/repeated_line_frac`, the share of the training programs' lines that repeat
            an earlier line, averaged over the last 4 logs, reaches this. The drift into repeated fix lines that
            `stop_neutral` delays shows there first: held-out programs of the chart grid's GRPO runs repeat at most
            0.1 % of their lines, healthy Visual-SDPO runs 1 to 5 %, and the run that collapsed 13 % while 84 % of
            its programs still ran. `None` turns it off. See `trl_visual_sdpo.repetition`.
    """

    distill_weight: float = field(
        default=1.0,
        metadata={"help": "Weight of the token-level self-distillation loss; 0 gives plain GRPO."},
    )
    grpo_weight: float = field(
        default=1.0,
        metadata={"help": "Weight of TRL's GRPO loss (the paper's beta); 0 trains by distillation alone."},
    )
    credit_alpha: float = field(
        default=1.0,
        metadata={"help": "Credit strength: token weight is 1 + credit_alpha * IoU(defect, statement boxes)."},
    )
    credit_box: str = field(
        default="element",
        metadata={
            "help": "Which box of a statement meets a defect's region: each element it drew (best IoU) or the union "
            "box of all of them.",
            "choices": list(CREDIT_BOXES),
        },
    )
    divergence: str = field(
        default="reverse_kl",
        metadata={"help": "Per-token divergence.", "choices": list(DIVERGENCES)},
    )
    jsd_beta: float = field(
        default=0.5,
        metadata={"help": "Mixture coefficient of the generalised JSD (divergence='jsd' only), in (0, 1)."},
    )
    distillation_topk: int | None = field(
        default=None,
        metadata={"help": "Divergence over the teacher's top-k tokens plus a tail bucket; None = full vocabulary."},
    )
    distill_top_k: int | None = field(
        default=None, metadata={"help": "Deprecated: use `distillation_topk` (TRL's SDPOConfig name)."}
    )
    distill_chunk_size: int = field(
        default=128,
        metadata={"help": "Completion positions per chunk in the divergence, to bound peak memory."},
    )
    feedback_channels: list[str] = field(
        default_factory=lambda: ["rubric"],
        metadata={"help": "Teacher feedback channels: any of 'image', 'rubric'. Crash errors are always shown."},
    )
    repair_hints: bool = field(
        default=False,
        metadata={"help": "After the rubric's defects, the renderer's repair hint for each kind found (needs the "
                  "'rubric' channel)."},
    )
    distill_program_end: bool = field(
        default=False,
        metadata={"help": "Also distil the tokens after each program (closing fence, EOS): the decision to stop."},
    )
    stop_neutral: bool = field(
        default=True,
        metadata={"help": "Leave the tokens that end the program out of both distributions at every distilled "
                  "position (renormalised): the divergence ignores the mass either puts on stopping."},
    )
    rubric_code_lines: str = field(
        default="verbatim",
        metadata={"help": "How the rubric quotes the program lines that drew each defective element: verbatim, "
                  "elided (string literals and colours replaced by ...) or none.", "choices": list(CODE_LINE_MODES)},
    )
    label_feedback: bool = field(
        default=False,
        metadata={"help": "A rubric line naming the labels the prompt quotes that the render does not draw (needs "
                  "the 'rubric' channel)."},
    )
    flawless_renders: str = field(
        default="distil",
        metadata={"help": "Rollouts with no defect: 'distil' or 'skip'.", "choices": list(FLAWLESS_POLICIES)},
    )
    max_error_chars: int = field(
        default=1200,
        metadata={"help": "Longest error text given to the teacher (head and tail are kept)."},
    )
    max_consecutive_infra_errors: int = field(
        default=32,
        metadata={"help": "Stop training after this many renders in a row failed because of the rendering "
                  "infrastructure (not the programs)."},
    )

    demonstrations: str = field(
        default="off",
        metadata={"help": "Best sibling rollout in the teacher context.", "choices": list(DEMONSTRATION_MODES)},
    )
    teacher_model_kind: str = field(
        default="live",
        metadata={"help": "Teacher weights: live student, EMA of the student, or the initial weights ('base'; "
                  "'frozen' is a deprecated alias).", "choices": [*TEACHER_KINDS, *DEPRECATED_TEACHER_KINDS]},
    )
    teacher_update_rate: float = field(
        default=0.05, metadata={"help": "EMA rate of the 'ema' teacher, in (0, 1]."}
    )
    teacher_sync_steps: int = field(default=1, metadata={"help": "Optimizer steps between EMA teacher updates."})
    distillation_is_clip: float | None = field(
        default=None,
        metadata={"help": "Clip of the current/sampling student ratio on the distillation loss; None = off."},
    )
    distill_is_clip: float | None = field(
        default=None, metadata={"help": "Deprecated: use `distillation_is_clip` (TRL's SDPOConfig name)."}
    )

    attribution_fallback: str = field(
        default="off",
        metadata={"help": "Attribution of elements introspection missed.", "choices": list(ATTRIBUTION_FALLBACKS)},
    )
    attribution_max_new_tokens: int = field(default=24, metadata={"help": "Tokens of one model attribution answer."})

    log_renders_steps: int = field(
        default=50,
        metadata={"help": "Log a table of renders with defect boxes, rubric, errors and credit heat maps every this "
                  "many steps (HTML under output_dir/renders and the report_to trackers); 0 turns it off."},
    )
    num_renders_to_log: int = field(default=8, metadata={"help": "Completions per logged render table."})
    repeated_line_warning: float | None = field(
        default=0.1,
        metadata={"help": "Warn once when the share of the training programs' lines that repeat an earlier line "
                  "(completions/repeated_line_frac, last 4 logs) reaches this; None turns it off."},
    )

    def __post_init__(self):
        super().__post_init__()
        for old, new in DEPRECATED_FIELDS.items():
            if getattr(self, old) is not None:
                warnings.warn(f"`{old}` is deprecated; use `{new}` (TRL's SDPOConfig name).", FutureWarning,
                              stacklevel=3)
                if getattr(self, new) is None:
                    setattr(self, new, getattr(self, old))
                setattr(self, old, None)  # one source of truth: the code reads only the new name
        if self.teacher_model_kind in DEPRECATED_TEACHER_KINDS:
            new_kind = DEPRECATED_TEACHER_KINDS[self.teacher_model_kind]
            warnings.warn(f"teacher_model_kind={self.teacher_model_kind!r} is deprecated; use {new_kind!r} (TRL's "
                          "SDPOConfig name).", FutureWarning, stacklevel=3)
            self.teacher_model_kind = new_kind
        if isinstance(self.feedback_channels, str):  # a single channel from the command line
            self.feedback_channels = [c.strip() for c in self.feedback_channels.split(",") if c.strip()]
        self.feedback_channels = list(self.feedback_channels)
        for name in ("distill_weight", "grpo_weight", "credit_alpha"):
            if getattr(self, name) < 0:
                raise ValueError(f"`{name}` must be >= 0, got {getattr(self, name)}. Use 0 to switch that term off.")
        if self.use_liger_kernel and self.distill_weight > 0:
            # Liger's GRPO path swaps in its own kernels around the loss, and its effect on the logits that the
            # distillation term reads cannot be checked here; TRL itself deprecates the flag for Hub kernels.
            raise ValueError(
                "`use_liger_kernel=True` is not supported with the distillation term (`distill_weight > 0`): the "
                "Liger path could leave Visual-SDPO training GRPO alone without saying so. Use the Hub kernels "
                "instead (`model_init_kwargs={'use_kernels': True}`, which TRL recommends over the deprecated flag), "
                "or set `distill_weight=0` to train plain GRPO with Liger."
            )
        if self.distill_weight == 0 and self.grpo_weight == 0:
            raise ValueError(
                "`distill_weight` and `grpo_weight` are both 0, so nothing would be trained. Set one > 0."
            )
        if isinstance(self.rubric_code_lines, bool):  # the option's first form
            self.rubric_code_lines = "verbatim" if self.rubric_code_lines else "none"
        if self.rubric_code_lines not in CODE_LINE_MODES:
            raise ValueError(f"`rubric_code_lines` must be one of {CODE_LINE_MODES}, got {self.rubric_code_lines!r}.")
        if self.credit_box not in CREDIT_BOXES:
            raise ValueError(f"`credit_box` must be one of {CREDIT_BOXES}, got {self.credit_box!r}.")
        if self.divergence not in DIVERGENCES:
            raise ValueError(f"`divergence` must be one of {DIVERGENCES}, got {self.divergence!r}.")
        if not 0.0 < self.jsd_beta < 1.0:
            raise ValueError(f"`jsd_beta` must be in (0, 1), got {self.jsd_beta}. Use divergence='forward_kl' or "
                             "'reverse_kl' for the end points.")
        if self.distillation_topk is not None and self.distillation_topk < 1:
            raise ValueError(f"`distillation_topk` must be a positive integer or None (full vocabulary), got "
                             f"{self.distillation_topk}.")
        if self.distill_chunk_size < 1:
            raise ValueError(f"`distill_chunk_size` must be >= 1, got {self.distill_chunk_size}.")
        unknown = [c for c in self.feedback_channels if c not in FEEDBACK_CHANNELS]
        if unknown:
            raise ValueError(f"Unknown `feedback_channels` {unknown}: choose from {FEEDBACK_CHANNELS} (errors of "
                             "crashed programs are always given to the teacher).")
        if not self.feedback_channels:
            raise ValueError(f"`feedback_channels` is empty: give at least one of {FEEDBACK_CHANNELS}.")
        if self.repair_hints and "rubric" not in self.feedback_channels:
            raise ValueError("`repair_hints=True` adds hints to the rubric, but `feedback_channels` "
                             f"{self.feedback_channels} has no 'rubric': add it, or set `repair_hints=False`.")
        if self.label_feedback and "rubric" not in self.feedback_channels:
            raise ValueError("`label_feedback=True` adds a line to the rubric, but `feedback_channels` "
                             f"{self.feedback_channels} has no 'rubric': add it, or set `label_feedback=False`.")
        if self.stop_neutral and self.distill_program_end:
            raise ValueError("`stop_neutral=True` (the default) leaves the decision to stop out of distillation and "
                             "`distill_program_end=True` distils it: set one of them to False.")
        if self.flawless_renders not in FLAWLESS_POLICIES:
            raise ValueError(f"`flawless_renders` must be one of {FLAWLESS_POLICIES}, got {self.flawless_renders!r}.")
        if self.demonstrations not in DEMONSTRATION_MODES:
            raise ValueError(f"`demonstrations` must be one of {DEMONSTRATION_MODES}, got {self.demonstrations!r}.")
        if self.teacher_model_kind not in TEACHER_KINDS:
            raise ValueError(f"`teacher_model_kind` must be one of {TEACHER_KINDS}, got {self.teacher_model_kind!r}.")
        if not 0.0 < self.teacher_update_rate <= 1.0:
            raise ValueError(f"`teacher_update_rate` must be in (0, 1], got {self.teacher_update_rate}.")
        if self.teacher_sync_steps < 1:
            raise ValueError(f"`teacher_sync_steps` must be >= 1, got {self.teacher_sync_steps}.")
        if self.distillation_is_clip is not None and self.distillation_is_clip <= 0:
            raise ValueError(f"`distillation_is_clip` must be > 0 or None (off), got {self.distillation_is_clip}.")
        if self.attribution_fallback not in ATTRIBUTION_FALLBACKS:
            raise ValueError(f"`attribution_fallback` must be one of {ATTRIBUTION_FALLBACKS}, got "
                             f"{self.attribution_fallback!r}.")
        if self.log_renders_steps < 0:
            raise ValueError(f"`log_renders_steps` must be >= 0 (0 turns render logging off), got "
                             f"{self.log_renders_steps}.")
        if self.num_renders_to_log < 1:
            raise ValueError(f"`num_renders_to_log` must be >= 1, got {self.num_renders_to_log}. To log no render "
                             "table, set log_renders_steps=0.")
        if self.repeated_line_warning is not None and not 0 < self.repeated_line_warning <= 1:
            raise ValueError(f"`repeated_line_warning` is a share of program lines, in (0, 1], got "
                             f"{self.repeated_line_warning}. Set it to None to turn the warning off.")
        if self.max_consecutive_infra_errors < 1:
            raise ValueError(f"`max_consecutive_infra_errors` must be >= 1, got {self.max_consecutive_infra_errors}.")
        if self.max_error_chars < 80:
            raise ValueError(f"`max_error_chars` must be >= 80 so the teacher can read the error, got "
                             f"{self.max_error_chars}.")
