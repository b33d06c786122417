"""Hostile programs against the sandbox: each must come back as a clear error while the test process survives."""

import os
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

from trl_visual_sdpo import isolation
from trl_visual_sdpo.isolation import FrameError, IsolationUnavailable
from trl_visual_sdpo.sandbox import Sandbox, SandboxConfig, SandboxStartError, _Worker


TESTS = str(Path(__file__).parent)
JOBS_MOUNT = "/tmp/.test_jobs"


@pytest.fixture(scope="module")
def secret_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("project")
    (directory / ".env").write_text("HF_TOKEN=hf_secret")
    return directory


@pytest.fixture(scope="module")
def sandbox(secret_dir):
    config = SandboxConfig(
        num_workers=2, timeout_s=3, memory_mb=512, max_processes=16, isolation="bwrap",
        hidden_paths=(str(secret_dir),), ro_binds={TESTS: JOBS_MOUNT},
        env={"PYTHONPATH": f"/tmp/.trl_visual_sdpo_pkg:{JOBS_MOUNT}"},
    )
    with Sandbox(config) as box:
        yield box


def run(sandbox, job, **payload):
    return sandbox.run(f"sandbox_jobs:{job}", payload)


def test_normal_job_runs_unprivileged_in_a_fresh_directory(sandbox):
    first, second = run(sandbox, "echo", value=7), run(sandbox, "echo", value=8)
    assert first.ok and first.value["echo"] == 7 and first.value["uid"] == 65534
    assert first.value["cwd"] != second.value["cwd"]


def test_a_job_imports_package_modules_that_were_not_preloaded(sandbox):
    # the package is bound into the sandbox's empty /tmp: every directory above it must be open to the job user
    outcome = run(sandbox, "import_package_module", module="trl_visual_sdpo.rubric")
    assert outcome.ok, outcome.error
    assert outcome.value["uid"] == 65534 and outcome.value["file"].startswith("/tmp/.trl_visual_sdpo_pkg/")


def test_exception_is_reported(sandbox):
    outcome = run(sandbox, "raise_error")
    assert not outcome.ok and "ZeroDivisionError: division by zero" in outcome.error


def test_infinite_loop_times_out(sandbox):
    start = time.monotonic()
    outcome = run(sandbox, "sleep_forever")
    assert not outcome.ok and "Timed out after 3.0 s" in outcome.error
    assert time.monotonic() - start < 5


def test_memory_bomb_is_stopped(sandbox):
    outcome = run(sandbox, "allocate", mb=4096)
    assert not outcome.ok and "memory" in outcome.error.lower()
    assert run(sandbox, "allocate", mb=8).ok


def test_fork_bomb_is_contained_and_cleaned_up(sandbox):
    outcome = run(sandbox, "fork_bomb")
    assert (outcome.ok and outcome.value["children"] < 16
            and "Resource temporarily unavailable" in outcome.value["error"])
    pids = run(sandbox, "list_processes").value["pids"]
    assert len(pids) <= 3  # bwrap's init, the worker, the job itself: the bomb's children are gone


def test_daemon_does_not_outlive_its_job(sandbox):
    assert run(sandbox, "spawn_daemon").ok
    assert len(run(sandbox, "list_processes").value["pids"]) <= 3


def test_cannot_write_outside_its_directory(sandbox, secret_dir):
    for path in ("/etc/pwned", str(Path(TESTS) / "pwned.txt"), str(secret_dir / "pwned")):
        outcome = run(sandbox, "write_file", path=path)
        assert not outcome.ok and ("Read-only" in outcome.error or "Permission" in outcome.error
                                   or "No such file" in outcome.error)
        assert not Path(path).exists()


def test_cannot_read_secrets_in_hidden_directories(sandbox, secret_dir):
    outcome = run(sandbox, "read_file", path=str(secret_dir / ".env"))
    assert not outcome.ok and "No such file" in outcome.error
    outcome = run(sandbox, "read_file", path=str(Path.cwd() / "pyproject.toml"))  # the project itself
    assert not outcome.ok


def test_environment_secrets_are_not_visible(sandbox, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_should_not_leak")  # set before this sandbox's worker starts
    with Sandbox(SandboxConfig(**{**sandbox.config.__dict__, "num_workers": 1})) as fresh:
        assert run(fresh, "read_env", name="HF_TOKEN").value == {"value": None}
        assert run(fresh, "read_env", name="PATH").value["value"]


def test_no_network_even_to_localhost(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    outcome = run(sandbox, "connect", port=port)
    server.close()
    assert not outcome.ok and "refused" in outcome.error.lower()


def test_killing_its_parent_only_hurts_the_sandbox(sandbox):
    outcome = run(sandbox, "kill_parent")
    # The job runs as `nobody`, so it may not even signal its root-owned worker; if it could, the worker
    # would die and be replaced. Either way the job fails clearly and the trainer side is untouched.
    assert not outcome.ok and ("Operation not permitted" in outcome.error or "worker died" in outcome.error)
    assert os.getpid() and run(sandbox, "echo", value=1).ok  # the next job works on a restarted worker


def test_jobs_run_in_parallel(sandbox):
    run(sandbox, "nap", seconds=0)  # make sure both workers are warm
    threading.Thread(target=run, args=(sandbox, "nap"), kwargs={"seconds": 0}).start()
    start = time.monotonic()
    outcomes = sandbox.map("sandbox_jobs:nap", [{"seconds": 1}, {"seconds": 1}])
    assert all(o.ok for o in outcomes)
    assert time.monotonic() - start < 1.8


def test_opting_out_of_isolation_warns_once_and_says_what_is_missing():
    config = SandboxConfig(num_workers=1, timeout_s=3, isolation="none", env={"PYTHONPATH": TESTS})
    with pytest.warns(RuntimeWarning, match="WITHOUT file-system, network and PID isolation.*isolation='none'"):
        box = Sandbox(config)
    with box:
        assert box.isolation == "none"
        outcome = box.run("sandbox_jobs:echo", {"value": 3})
        assert outcome.ok and outcome.value["echo"] == 3
        assert not box.run("sandbox_jobs:sleep_forever", {}).ok


def test_auto_isolation_without_bubblewrap_refuses_and_names_the_fix(monkeypatch):
    monkeypatch.setattr(isolation, "bwrap_problem", lambda: "bubblewrap (`bwrap`) is not installed")
    for mode in ("auto", "bwrap"):
        with pytest.raises(IsolationUnavailable, match=r"refuses to run untrusted code.*apt-get install "
                                                       r"bubblewrap.*isolation='none'"):
            Sandbox(SandboxConfig(num_workers=1, isolation=mode))


def test_a_worker_that_cannot_start_raises_with_its_stderr():
    config = SandboxConfig(num_workers=1, isolation="bwrap", preload=("no_such_module_for_the_worker",))
    with Sandbox(config) as box:
        with pytest.raises(SandboxStartError, match=r"(?s)did not start.*ModuleNotFoundError.*"
                                                    r"no_such_module_for_the_worker.*Fixes"):
            box.run("sandbox_jobs:echo", {"value": 1})


@pytest.mark.parametrize("isolation_mode", ["bwrap", "none"])
@pytest.mark.parametrize("job, expected", [
    ("forge_pickle", "malformed message"),
    ("forge_huge_header", "exceeded 64 MB"),
    ("forge_malformed", "malformed message"),
    ("forge_wrong_schema", "malformed message"),
    ("forge_two_messages", "more than one message"),
    ("forge_then_crash", "killed by signal SIGSEGV"),
])
def test_forged_result_messages_fail_cleanly_and_run_nothing_outside_the_child(job, expected, isolation_mode,
                                                                               tmp_path):
    marker = tmp_path / "deserialised"  # on the host: only the trainer, or an unisolated worker, could create it
    config = SandboxConfig(num_workers=1, timeout_s=5, isolation=isolation_mode, ro_binds={TESTS: JOBS_MOUNT},
                           env={"PYTHONPATH": f"{JOBS_MOUNT}:{TESTS}"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        box = Sandbox(config)
    with box:
        outcome = box.run(f"sandbox_jobs:{job}", {"marker": str(marker)})
        assert not outcome.ok and not outcome.infra and expected in outcome.error, outcome.error
        assert outcome.value is None
        assert box.run("sandbox_jobs:echo", {"value": 4}).value["echo"] == 4  # the worker is unharmed
    assert not marker.exists()


def test_a_dead_worker_is_replaced_and_the_job_retried(sandbox):
    with Sandbox(SandboxConfig(**{**sandbox.config.__dict__, "num_workers": 1})) as single:
        assert run(single, "echo", value=1).ok  # warm: the worker is up before the job starts
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("outcome", run(single, "nap", seconds=1.5)))
        thread.start()
        time.sleep(0.7)
        single._workers[0].close()  # kill the worker's whole tree mid-job: a failure of ours, not of the program
        thread.join()
        assert result["outcome"].ok and not result["outcome"].infra
        assert single.infra_retries == 1
        assert run(single, "echo", value=2).ok


def test_a_worker_failing_twice_is_an_infrastructure_outcome(sandbox, monkeypatch):
    def broken(self, message, deadline):
        raise FrameError("eof", "the stream ended after 0 of 8 bytes")

    monkeypatch.setattr(_Worker, "request", broken)
    outcome = run(sandbox, "echo", value=1)
    assert not outcome.ok and outcome.infra and "infrastructure failure, not the program's" in outcome.error
    monkeypatch.undo()
    assert run(sandbox, "echo", value=2).ok
