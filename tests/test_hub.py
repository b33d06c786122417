"""Pushing a run to the Hub, up to the network boundary: the card, the folder, and the upload call."""

import json
from unittest import mock

from huggingface_hub import ModelCard
from peft import LoraConfig
from PIL import Image
from test_trainer import SCRIPT, _config, _dataset, scripted_rollout
from toy_renderer import BoxRenderer, box_reward

from trl_visual_sdpo import VisualSDPOTrainer
from trl_visual_sdpo.hub import evaluation_table, visual_sdpo_settings

METRICS = {
    "held_out_before": {"n": 6, "exec_rate": 0.5, "defects_per_render": 3.0, "reference_similarity": 0.2},
    "held_out_after": {"n": 6, "exec_rate": 0.833, "defects_per_render": 1.0, "reference_similarity": 0.4},
}


def test_push_to_hub_uploads_the_adapter_processor_and_card(tmp_path, tiny_text):
    model, tokenizer = tiny_text
    out = tmp_path / "run"
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], train_dataset=_dataset(), processing_class=tokenizer,
        args=_config(out, hub_model_id="someone/boxes-visual-sdpo", credit_alpha=2.0),
        renderer=BoxRenderer(), rollout_func=scripted_rollout(SCRIPT),
        peft_config=LoraConfig(r=4, target_modules=["q_proj", "v_proj"]),
    )
    (out / "metrics.json").write_text(json.dumps(METRICS))
    Image.new("RGB", (8, 8)).save(out / "before_after.png")
    (out / "checkpoint-1").mkdir()
    api = mock.MagicMock()
    api.create_repo.return_value.repo_id = "someone/boxes-visual-sdpo"
    with mock.patch("transformers.trainer.hf_api", return_value=api):
        trainer.push_to_hub(dataset_name="someone/box-tasks")

    api.create_repo.assert_called_once()
    assert api.create_repo.call_args.args[0] == "someone/boxes-visual-sdpo"
    upload = api.upload_folder.call_args.kwargs
    assert upload["repo_id"] == "someone/boxes-visual-sdpo"
    assert upload["folder_path"] == str(out)
    assert "checkpoint-*" in upload["ignore_patterns"]
    uploaded = {p.name for p in out.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "tokenizer_config.json", "README.md",
            "before_after.png", "metrics.json"} <= uploaded

    card = ModelCard.load(out / "README.md")
    assert card.data.library_name == "peft"
    assert {"visual-sdpo", "trl", "box"} <= set(card.data.tags)
    assert card.data.datasets == ["someone/box-tasks"]
    assert "Domain:** `box`" in card.text
    assert "| Programs that run | 0.500 | 0.833 |" in card.text
    assert "![Held-out renders" in card.text and "(before_after.png)" in card.text
    assert "| `credit_alpha` | `2.0` |" in card.text
    assert "AutoPeftModelForCausalLM.from_pretrained(\"someone/boxes-visual-sdpo\")" in card.text
    assert "@software{trl_visual_sdpo" in card.text and "{{ " not in card.text  # every variable filled in


def test_card_says_so_when_there_is_no_evaluation(tmp_path):
    assert evaluation_table(None) == "No held-out evaluation was recorded for this run."
    settings = visual_sdpo_settings(_config(tmp_path))
    assert {"distill_weight", "grpo_weight", "credit_alpha", "num_generations"} <= set(settings)
    assert "per_device_train_batch_size" not in settings
