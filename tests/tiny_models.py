"""Tiny random models for tests: built from configs around the real SmolLM2 tokenizer (the embedded default
policy's), small enough that a forward and backward pass on CPU take milliseconds. They are saved to a per-process
temporary directory and carry its path as ``name_or_path``, so TRL can reload them by path (a reference model when
``beta > 0``, ``AutoProcessor``) and subprocesses (recipes, the CLI) can load them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path

import torch
from transformers import (
    AutoTokenizer,
    CLIPVisionConfig,
    GenerationConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
    LlavaProcessor,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    ProcessorMixin,
    Qwen2Config,
    Qwen2ForCausalLM,
)
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

from trl_visual_sdpo.models import _SMOLLM2_CONTEXT, _finish_smollm2_tokenizer, default_policy_path


_IMAGE_TOKEN = "<image>"
# Tiny LLaVA geometry: a 32 px image in 8 px patches gives 16 patch features (+1 CLS, dropped by
# the "default" feature strategy), so each image becomes 16 <image> tokens.
_TINY_IMAGE_SIZE = 32
_TINY_PATCH_SIZE = 8
_TINY_IMAGE_TOKENS = (_TINY_IMAGE_SIZE // _TINY_PATCH_SIZE) ** 2


def _smollm2_tokenizer(image_token: str | None = None) -> PreTrainedTokenizerBase:
    tokenizer = AutoTokenizer.from_pretrained(default_policy_path())
    if image_token is not None:
        tokenizer.add_special_tokens({"additional_special_tokens": [image_token]})
    _finish_smollm2_tokenizer(tokenizer, image_token)
    return tokenizer


def _tiny_text_config(tokenizer: PreTrainedTokenizerBase) -> Qwen2Config:
    return Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=_SMOLLM2_CONTEXT,
        tie_word_embeddings=True,  # halves the parameters: the 49k-row embedding dominates them
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


_session_dir: Path | None = None


def _save_for_reload(
    name: str, model: PreTrainedModel, processing_class: PreTrainedTokenizerBase | ProcessorMixin
) -> None:
    """Save to a fresh directory removed at exit, and point the model's ``name_or_path`` there.

    TRL reloads a model by ``config._name_or_path`` (its reference model when ``beta > 0``, its
    processor when none is passed); a model built from a config has no such path otherwise.
    """
    global _session_dir
    if _session_dir is None:
        _session_dir = Path(tempfile.mkdtemp(prefix="trl_visual_sdpo-tiny-"))
        atexit.register(shutil.rmtree, _session_dir, ignore_errors=True)
    path = _session_dir / f"{name}-{uuid.uuid4().hex[:8]}"
    model.save_pretrained(path)
    processing_class.save_pretrained(path)
    model.config.name_or_path = model.name_or_path = str(path)


def _generation_config(tokenizer: PreTrainedTokenizerBase) -> GenerationConfig:
    return GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def tiny_text_model(vocab_source: str = "smollm2", seed: int = 0) -> tuple[Qwen2ForCausalLM, PreTrainedTokenizerBase]:
    """A random 2-layer ``Qwen2ForCausalLM`` (hidden size 32) with the real SmolLM2 tokenizer.

    The vocabulary (49,152 tokens), chat template, EOS and pad token are SmolLM2's, so chat
    formatting, offset mappings and stop conditions behave as with the real policy while a
    training step takes milliseconds on CPU. Same ``seed``, same weights; the global torch RNG
    is left as it was. Builds the default-policy cache on first use (see
    :func:`default_policy_path`), since that is where the tokenizer comes from.
    """
    if vocab_source != "smollm2":
        raise ValueError(f"vocab_source={vocab_source!r} is not available; the only vocabulary shipped is 'smollm2'.")
    tokenizer = _smollm2_tokenizer()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(_tiny_text_config(tokenizer)).eval()  # eval, as from_pretrained returns it
    model.generation_config = _generation_config(tokenizer)
    _save_for_reload("text", model, tokenizer)
    return model, tokenizer


def tiny_vlm(seed: int = 0) -> tuple[LlavaForConditionalGeneration, LlavaProcessor]:
    """A random tiny LLaVA (CLIP vision tower + 2-layer Qwen2) and its processor, offline.

    The processor resizes every image to 32x32 px (``CLIPImageProcessorPil``; the torchvision
    backends are not needed) and expands each ``<image>`` placeholder to 16 image tokens, one per
    8x8 px patch. Its tokenizer is SmolLM2's plus the ``<image>`` token, and its chat template
    renders ``{"type": "image"}`` content parts as ``<image>``, so TRL's ``GRPOTrainer`` can
    train it on datasets with an ``image`` or ``images`` column. For real image-channel runs
    pass a Hub vision-language model id (e.g. a Qwen2.5-VL checkpoint) instead.
    """
    tokenizer = _smollm2_tokenizer(image_token=_IMAGE_TOKEN)
    image_processor = CLIPImageProcessorPil(
        size={"shortest_edge": _TINY_IMAGE_SIZE},
        crop_size={"height": _TINY_IMAGE_SIZE, "width": _TINY_IMAGE_SIZE},
    )
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        patch_size=_TINY_PATCH_SIZE,
        vision_feature_select_strategy="default",
        chat_template=tokenizer.chat_template,
        image_token=_IMAGE_TOKEN,
        num_additional_image_tokens=1,  # CLIP's CLS embedding, dropped again by "default"
    )
    vision_config = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        image_size=_TINY_IMAGE_SIZE,
        patch_size=_TINY_PATCH_SIZE,
        projection_dim=32,
    )
    config = LlavaConfig(
        vision_config=vision_config,
        text_config=_tiny_text_config(tokenizer),
        image_token_index=tokenizer.convert_tokens_to_ids(_IMAGE_TOKEN),
        image_seq_length=_TINY_IMAGE_TOKENS,
        vision_feature_select_strategy="default",
        vision_feature_layer=-1,  # the last layer, so every vision parameter receives a gradient
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlavaForConditionalGeneration(config).eval()
    model.generation_config = _generation_config(tokenizer)
    _save_for_reload("vlm", model, processor)
    return model, processor
