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
    assert card.data.library_name == "peft" and card.data.license == "apache-2.0"
    assert {"visual-sdpo", "trl", "grpo", "generated_from_trainer", "box"} <= set(card.data.tags)
    assert card.data.datasets == ["someone/box-tasks"]
    # model-index: the held-out scores after training, as the Hub's structured results
    results = {r.metric_type: r.metric_value for r in card.data.eval_results}
    assert results["exec_rate"] == 0.833 and results["reference_similarity"] == 0.4
    assert "Cite SDPO as" in card.text and "2601.20802" in card.text and "Cite TRL as" in card.text
    assert "2402.03300" in card.text  # GRPO's paper, from TRL's own record
    assert "Domain:** `box`" in card.text
    assert "| Programs that run | 0.500 | 0.833 |" in card.text
    assert "![Held-out renders" in card.text and "(before_after.png)" in card.text
    assert "| `credit_alpha` | `2.0` |" in card.text
    assert 'pipeline("text-generation", model="someone/boxes-visual-sdpo"' in card.text
    assert "@software{trl_visual_sdpo" in card.text and "{{ " not in card.text  # every variable filled in


def test_card_says_so_when_there_is_no_evaluation(tmp_path):
    assert evaluation_table(None) == "No held-out evaluation was recorded for this run."
    settings = visual_sdpo_settings(_config(tmp_path))
    assert {"distill_weight", "grpo_weight", "credit_alpha", "num_generations"} <= set(settings)
    assert "per_device_train_batch_size" not in settings


def test_card_names_the_embedded_default_model_and_links_the_tracker(tmp_path, monkeypatch):
    from trl_visual_sdpo.models import DEFAULT_MODEL_ID, load_default_policy

    model, tokenizer = load_default_policy()
    trainer = VisualSDPOTrainer(
        model=model, reward_funcs=[box_reward], train_dataset=_dataset(), processing_class=tokenizer,
        args=_config(tmp_path), renderer=BoxRenderer(), rollout_func=scripted_rollout(SCRIPT),
    )
    monkeypatch.setattr("trl.trainer.utils.get_trackio_space_url", lambda: "https://huggingface.co/spaces/me/trackio")
    trainer.create_model_card()
    card = ModelCard.load(tmp_path / "README.md")
    assert card.data.base_model == DEFAULT_MODEL_ID and "Base model:** not recorded" not in card.text
    assert "Visualize in Trackio" in card.text and "trackio:https://huggingface.co/spaces/me/trackio" in card.data.tags
