"""Training resumes after `kill -9` with the same step, optimizer and RNG state, and no lost or repeated step."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trl_visual_sdpo.checkpoints import last_complete_checkpoint


JOB = Path(__file__).with_name("resume_job.py")
STEPS = 4


def run(output_dir, *extra):
    return subprocess.Popen([sys.executable, str(JOB), str(output_dir), str(STEPS), *extra], cwd=JOB.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def history(output_dir):
    state = json.loads((Path(last_complete_checkpoint(output_dir)) / "trainer_state.json").read_text())
    return [entry for entry in state["log_history"] if "loss" in entry]


def test_resume_after_kill_minus_nine_matches_an_uninterrupted_run(tmp_path):
    straight = tmp_path / "straight"
    assert run(straight).wait(timeout=600) == 0

    killed = tmp_path / "killed"
    job = run(killed)
    deadline = time.time() + 600
    while last_complete_checkpoint(killed) is None or not last_complete_checkpoint(killed).endswith("-2"):
        assert job.poll() is None and time.time() < deadline, job.stderr.read() if job.poll() else "timed out"
        time.sleep(0.05)
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    assert not (killed / "done").exists()
    # What a kill in the middle of saving leaves: weights written, trainer state not yet.
    resumed_from = Path(last_complete_checkpoint(killed))
    partial = killed / f"checkpoint-{int(resumed_from.name.split('-')[1]) + 1}"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(resumed_from, partial, ignore=shutil.ignore_patterns("trainer_state.json"))

    resumed = run(killed, "resume")
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read()[-3000:]
    assert (killed / "done").read_text() == f"{STEPS} 1"
    a, b = history(straight), history(killed)
    assert [e["step"] for e in b] == list(range(1, STEPS + 1))  # no step lost, none repeated
    for expected, got in zip(a, b):
        # same sampled completions (RNG), same updates (optimizer and scheduler): same numbers
        for key in ("loss", "reward", "learning_rate", "distill/divergence"):
            assert got[key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), (got["step"], key)
