"""The vLLM path of `trl-visual-sdpo eval --use_vllm`, up to vLLM's API: vLLM needs a GPU, so a stand-in module with
vLLM's signatures records what our glue sends (the prompts as chat conversations, the sampling settings, an adapter as
a LoRA request) and answers with fixed completions; the rest of the evaluation is real."""

import sys
from types import ModuleType, SimpleNamespace

from datasets import Dataset
from PIL import Image
from toy_renderer import BoxRenderer

from trl_visual_sdpo.evaluation import evaluate_policy, vllm_generator


def _fake_vllm(monkeypatch, calls):
    class LLM:
        def __init__(self, **kwargs):
            calls["init"] = kwargs

        def chat(self, conversations, params, lora_request=None, use_tqdm=True):
            calls.update(conversations=conversations, params=params, lora=lora_request)
            return [SimpleNamespace(outputs=[SimpleNamespace(text='```python\nbox("t", 0, 0, 10, 10)\n```')])
                    for _ in conversations]

    vllm = ModuleType("vllm")
    vllm.LLM = LLM
    vllm.SamplingParams = lambda **kwargs: SimpleNamespace(**kwargs)
    lora = ModuleType("vllm.lora")
    request = ModuleType("vllm.lora.request")
    request.LoRARequest = lambda name, index, path: SimpleNamespace(name=name, index=index, path=path)
    for name, module in {"vllm": vllm, "vllm.lora": lora, "vllm.lora.request": request}.items():
        monkeypatch.setitem(sys.modules, name, module)


def test_vllm_generates_for_the_evaluation_and_serves_an_adapter_as_lora(monkeypatch, tmp_path):
    calls = {}
    _fake_vllm(monkeypatch, calls)
    adapter = tmp_path / "run"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"base_model_name_or_path": "org/base"}')
    generate = vllm_generator(str(adapter), dtype="bfloat16")
    assert (calls["init"]["model"] == "org/base" and calls["init"]["enable_lora"]
            and calls["init"]["dtype"] == "bfloat16")

    picture = Image.new("RGB", (4, 4))
    tasks = Dataset.from_dict({
        "prompt": [[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Copy it."}]}]] * 2,
        "image": [picture, picture], "task_id": ["a", "b"]})
    summary, evaluations = evaluate_policy(None, None, BoxRenderer(), tasks, max_new_tokens=64, temperature=0.7,
                                           samples_per_task=2, generator=generate)
    assert summary["n"] == 4 and summary["exec_rate"] == 1.0 and summary["pass@2/exec"] == 1.0
    assert len(calls["conversations"]) == 4 and calls["params"].max_tokens == 64 and calls["params"].temperature == 0.7
    first_part = calls["conversations"][0][0]["content"][0]
    assert first_part["type"] == "image_pil" and first_part["image_pil"].size == (4, 4)
    assert calls["lora"].path == str(adapter)
    assert [e.task_id for e in evaluations] == ["a", "a", "b", "b"]
