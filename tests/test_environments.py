"""The sandbox works in every Python environment a user installs into: it starts its workers with the environment's
own interpreter and binds exactly what that interpreter needs back into the sandbox, read-only, wherever it lives
(a venv under /tmp or in the project, a `--copies` venv, an interpreter under the home such as pyenv, uv's managed
Pythons or conda, or the system's). Each case builds the environment for real and runs a job through it."""

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest


TESTS = Path(__file__).parent
PROJECT = TESTS.parent
JOB = f"""
import json, sys
from trl_visual_sdpo.sandbox import Sandbox, SandboxConfig
with Sandbox(SandboxConfig(num_workers=1, timeout_s=30, ro_binds={{{str(TESTS)!r}: "/tmp/.test_jobs"}},
                           env={{"PYTHONPATH": "/tmp/.test_jobs"}})) as box:
    outcome = box.run("sandbox_jobs:echo", {{"value": 5}})
print(json.dumps({{"ok": outcome.ok, "value": outcome.value, "error": outcome.error, "prefix": sys.prefix}}))
"""


def _outer_site_packages() -> list[str]:
    return [p for p in site.getsitepackages() if os.path.isdir(p)]


def _venv(path: Path, *flags: str) -> Path:
    """A fresh venv that sees this environment's packages the way layered installs do (a `.pth` that adds the outer
    site directories, processing their own `.pth` files, such as an editable install's finder)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", *flags, str(path)], check=True, timeout=120)
    python = path / "bin" / "python"
    site_dir = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True,
                              capture_output=True, text=True).stdout.strip()
    lines = [f"import site; site.addsitedir({p!r})" for p in _outer_site_packages()]
    (Path(site_dir) / "outer_env.pth").write_text("\n".join([str(PROJECT), *lines]) + "\n")
    return python


def _run(python: Path | str, cwd: Path, env: dict | None = None) -> dict:
    done = subprocess.run([str(python), "-c", JOB], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _assert_ran(outcome: dict, prefix: Path | None = None) -> None:
    assert outcome["ok"], outcome["error"]
    assert outcome["value"]["echo"] == 5 and outcome["value"]["uid"] == 65534  # unprivileged, isolated
    if prefix is not None:
        assert Path(outcome["prefix"]) == prefix.resolve()


@pytest.mark.parametrize("flags", [(), ("--copies",)], ids=["symlinks", "copies"])
def test_a_venv_under_tmp(tmp_path, flags):
    # /tmp is replaced by an empty directory in the sandbox: the venv must be bound back in
    assert str(tmp_path).startswith("/tmp/")
    python = _venv(tmp_path / "venv", *flags)
    _assert_ran(_run(python, cwd=tmp_path), tmp_path / "venv")


def test_a_venv_inside_the_project_being_hidden(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text("HF_TOKEN=hf_secret")
    python = _venv(project / ".venv")
    _assert_ran(_run(python, cwd=project), project / ".venv")  # the working directory is hidden, its venv is not


def test_the_base_interpreter_with_packages_on_pythonpath(tmp_path):
    # pyenv under /root (a hidden home), like uv's managed Pythons or conda under ~/miniconda3
    base = getattr(sys, "_base_executable", sys.executable)
    pythonpath = os.pathsep.join([str(PROJECT), *_outer_site_packages()])
    _assert_ran(_run(base, cwd=tmp_path, env={"PYTHONPATH": pythonpath}))


def test_the_system_interpreter(tmp_path):
    system = shutil.which("python3", path="/usr/bin")
    version = subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                             text=True).stdout.strip() if system else None
    if version != str(sys.version_info[:2]):
        pytest.skip(f"the system Python ({version}) is not this Python's version, so this environment's compiled "
                    "packages cannot load in it")
    pythonpath = os.pathsep.join([str(PROJECT), *_outer_site_packages()])
    _assert_ran(_run(system, cwd=tmp_path, env={"PYTHONPATH": pythonpath}))


def test_a_chart_renders_from_a_venv_through_the_cli(tmp_path):
    python = _venv(tmp_path / "venv")
    (tmp_path / "ok.py").write_text("import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2])\nplt.title('ok')\n")
    done = subprocess.run([str(python), "-m", "trl_visual_sdpo.cli", "render", "chart", "ok.py", "--json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["ok"] and any(e["text"] == "ok" for e in result["elements"])
