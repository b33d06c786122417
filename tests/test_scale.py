"""Scale-out: accelerate configs, a real two-process DDP run with the teacher pass, vLLM and QLoRA options."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from accelerate.commands.config.config_args import load_config_from_file
from accelerate.utils import DistributedType
from trl import ModelConfig

from trl_visual_sdpo import VisualSDPOConfig
from trl_visual_sdpo.recipe import model_init_kwargs


ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "recipes" / "accelerate_configs"


@pytest.mark.parametrize("name, kind, zero_stage, fsdp_version", [
    ("ddp", DistributedType.MULTI_GPU, None, None),
    ("zero2", DistributedType.DEEPSPEED, 2, None),
    ("zero3", DistributedType.DEEPSPEED, 3, None),
    ("fsdp", DistributedType.FSDP, None, 2),
])
def test_accelerate_configs_load_and_are_documented(name, kind, zero_stage, fsdp_version):
    config = load_config_from_file(str(CONFIGS / f"{name}.yaml"))
    assert config.distributed_type == kind
    assert (config.deepspeed_config or {}).get("zero_stage") == zero_stage
    assert (config.fsdp_config or {}).get("fsdp_version") == fsdp_version
    assert f"recipes/accelerate_configs/{name}.yaml" in (ROOT / "README.md").read_text()


def test_two_process_ddp_run_trains_through_the_teacher_pass(tmp_path):
    # torchrun is what `accelerate launch` starts; on CPU the processes talk over gloo.
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "resume_job.py",
               str(tmp_path), "2"]
    done = subprocess.run(command, cwd=ROOT / "tests", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "done").read_text() == "2 2"  # two steps, two processes
    state = json.loads((tmp_path / "checkpoint-2" / "trainer_state.json").read_text())
    logged = [entry for entry in state["log_history"] if "distill/loss" in entry]
    assert len(logged) == 2 and all(entry["teacher/live"] == 1.0 for entry in logged)


@pytest.mark.parametrize("mode", ["colocate", "server"])
def test_vllm_generation_settings_are_accepted(tmp_path, mode):
    config = VisualSDPOConfig(output_dir=str(tmp_path), use_vllm=True, vllm_mode=mode, use_cpu=True, bf16=False)
    assert config.use_vllm and config.vllm_mode == mode and config.distill_weight == 1.0


def test_qlora_loads_in_4bit_on_each_process_device(tmp_path):
    args = VisualSDPOConfig(output_dir=str(tmp_path), use_cpu=True)
    kwargs = model_init_kwargs(ModelConfig(model_name_or_path="m", load_in_4bit=True, use_peft=True), args)
    assert kwargs["quantization_config"].load_in_4bit and kwargs["device_map"] == {"": 0}
    plain = model_init_kwargs(ModelConfig(model_name_or_path="m"), args)
    assert "quantization_config" not in plain and "device_map" not in plain
