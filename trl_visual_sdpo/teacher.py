"""Which weights the teacher reads the feedback with.

| `teacher_model_kind` | teacher weights                        | extra memory                                   |
|----------------------|----------------------------------------|------------------------------------------------|
| `live` (default)     | the student's current weights          | none (the paper's weight-sharing teacher)       |
| `base` + PEFT        | the base model (adapter disabled)      | none                                           |
| `base`               | a frozen copy of the initial model     | one copy of the weights (no grads, no optimizer) |
| `ema` + LoRA         | an EMA copy of the adapter ("teacher") | two adapter copies (adapter + shadow weights)   |
| `ema`                | an EMA copy of the whole model         | one copy of the weights                         |

The EMA updates are TRL's own SDPO callbacks (`teacher_update_rate`, `teacher_sync_steps`). Both EMA teachers are
training state, saved with each checkpoint and restored on resume: the adapter by PEFT (`<checkpoint>/teacher/`), the
whole-model copy here (`<checkpoint>/teacher_ema.safetensors`, beside the optimizer state).
"""

from __future__ import annotations

import logging
import os
from contextlib import nullcontext
from typing import Callable, ContextManager

from accelerate.utils import is_peft_model
from safetensors.torch import load_model, save_model
from trl.experimental.sdpo.teacher_sync import PEFTAdapterEMACallback, SyncTeacherModelCallback, is_pure_lora_training
from trl.models import prepare_deepspeed, prepare_fsdp
from trl.trainer.utils import create_model_from_path, get_config_model_id, use_adapter


TEACHER_ADAPTER = "teacher"
TEACHER_EMA_NAME = "teacher_ema.safetensors"

logger = logging.getLogger(__name__)


class ResumableAdapterEMACallback(PEFTAdapterEMACallback):
    """TRL's EMA teacher adapter, resumable. A checkpoint saves every adapter, the teacher's included
    (`<checkpoint>/teacher/`), and resuming loads it back before training begins; TRL's callback would then add a
    second, zero teacher adapter (PEFT refuses). The loaded adapter is where the average goes on instead."""

    def _initialize_teacher_adapter(self):
        from peft import get_peft_model_state_dict

        model = self.accelerator.unwrap_model(self.model) if self.accelerator is not None else self.model
        if self._initialized or self.teacher_adapter_name not in model.peft_config:
            return super()._initialize_teacher_adapter()
        self.teacher_adapter_config = model.peft_config[self.teacher_adapter_name]
        teacher = get_peft_model_state_dict(model, adapter_name=self.teacher_adapter_name)
        self.shadow_weights = {key: value.detach().clone() for key, value in teacher.items()}
        self._initialized = True


def _frozen_copy(trainer):
    """A frozen copy of the initial model, built from its path like TRL's reference model (ZeRO-3 safe)."""
    kwargs = dict(trainer.args.model_init_kwargs or {})
    if trainer.args.distributed_state.distributed_type in ["MULTI_GPU", "DEEPSPEED"]:
        kwargs["device_map"] = None
    kwargs.setdefault("dtype", trainer.model.dtype)
    kwargs.setdefault("attn_implementation", trainer.model.config._attn_implementation)
    teacher = create_model_from_path(get_config_model_id(trainer.model.config), **kwargs)
    teacher.requires_grad_(False)
    teacher.eval()
    if trainer.is_deepspeed_enabled:
        return prepare_deepspeed(teacher, trainer.accelerator)
    if trainer.is_fsdp_enabled:
        return prepare_fsdp(teacher, trainer.accelerator)
    return trainer.accelerator.prepare_model(teacher, evaluation_mode=True)


def setup_teacher(trainer) -> tuple[object | None, Callable[[], ContextManager]]:
    """Resolve `args.teacher_model_kind` into `(teacher_model, context)`.

    `teacher_model` is None when the teacher is the student module itself (use the model `compute_loss` gets);
    `context()` routes a forward of that module to the teacher's weights (an adapter switch) or does nothing.
    """
    kind = trainer.args.teacher_model_kind
    if kind == "live":
        return None, nullcontext
    if is_peft_model(trainer.model):
        model = trainer.accelerator.unwrap_model(trainer.model)
        if kind == "base":
            ref = "ref" if "ref" in model.peft_config else None  # TRL's copy when re-training an adapter
            return None, lambda: use_adapter(model, adapter_name=ref)
        if not is_pure_lora_training(trainer.model, trainer.accelerator):
            raise ValueError("teacher_model_kind='ema' with PEFT needs pure LoRA training (only lora_ parameters "
                             "trainable). Use teacher_model_kind='live' or 'base', or a LoRA adapter.")
        trainer.add_callback(ResumableAdapterEMACallback(
            model=trainer.model, teacher_adapter_name=TEACHER_ADAPTER, update_rate=trainer.args.teacher_update_rate,
            sync_steps=trainer.args.teacher_sync_steps, accelerator=trainer.accelerator,
        ))
        return None, lambda: use_adapter(model, adapter_name=TEACHER_ADAPTER)
    if kind == "base" and getattr(trainer, "ref_model", None) is not None:
        return trainer.ref_model, nullcontext  # GRPO with beta > 0 already holds the frozen initial model
    teacher = _frozen_copy(trainer)
    if kind == "ema":
        trainer.add_callback(SyncTeacherModelCallback(teacher_model=teacher, accelerator=trainer.accelerator))
    return teacher, nullcontext


def _ema_copy(trainer):
    """The whole-model EMA teacher when there is one (not an adapter, not a frozen copy), unwrapped; else None."""
    if trainer.args.teacher_model_kind != "ema" or trainer.teacher_model is None:
        return None
    if trainer.is_deepspeed_enabled or trainer.is_fsdp_enabled:
        logger.warning("The whole-model EMA teacher is sharded (DeepSpeed/FSDP) and is not saved with checkpoints: a "
                       "resumed run restarts it from the initial weights. Use a LoRA adapter to keep it.")
        return None
    return trainer.accelerator.unwrap_model(trainer.teacher_model)


def save_teacher_state(trainer, output_dir: str) -> None:
    """Save the whole-model EMA teacher into a checkpoint (safetensors: weights only, tied weights once)."""
    teacher = _ema_copy(trainer)
    if teacher is not None and trainer.args.should_save:
        save_model(teacher, os.path.join(output_dir, TEACHER_EMA_NAME))


def load_teacher_state(trainer, checkpoint: str) -> None:
    """Restore the whole-model EMA teacher from a checkpoint that holds one."""
    teacher = _ema_copy(trainer)
    path = os.path.join(checkpoint, TEACHER_EMA_NAME)
    if teacher is None:
        return
    if not os.path.isfile(path):
        logger.warning(f"{checkpoint} has no {TEACHER_EMA_NAME} (saved by an older version): the EMA teacher restarts "
                       "from the initial weights.")
        return
    load_model(teacher, path, device=str(next(teacher.parameters()).device))
