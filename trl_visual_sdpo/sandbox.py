"""Run untrusted programs outside the trainer's process: warm, isolated, limited, and never fatal.

Layout: the trainer holds a pool of warm *workers*. Each worker is a Python process (the trainer's own interpreter,
venv included) started once inside bubblewrap (`trl_visual_sdpo.isolation`: read-only root file system; the home,
the project directory and /tmp replaced by empty ones; the interpreter and its packages re-exposed read-only; no
network; its own PID, IPC and UTS namespaces; an empty environment) that imports the domain's libraries, then
serves jobs: per job it forks a child that drops to the unprivileged user `nobody`, sets rlimits (CPU seconds,
address space, file size, process count), moves into a fresh temporary directory and runs the job function. The
worker enforces the wall-clock timeout by killing the child's process group and then every other process left in
its PID namespace, so nothing a program starts survives its job.

Every byte a job can write is hostile. The child reports on a pipe of its own (the worker's pipes are closed in it)
one length-prefixed MessagePack message, capped in size before it is read and checked against a schema; no
message is ever unpickled, on either side. A forged, oversized, malformed or duplicated message, or a message
followed by a crash, is the program's failure.

Failures come back as `SandboxOutcome(ok=False, error=...)` in words a person and the teacher model can read. A
program's failure (exception, timeout, memory, a bad message) is never raised. A failure of the sandbox itself (a
worker that died or stopped answering) is retried once on a fresh worker and then reported with `infra=True`, so
that it is kept out of rewards and feedback; a worker that cannot start at all raises `SandboxStartError` with its
stderr.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import resource
import select
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import msgspec

from trl_visual_sdpo.isolation import (
    PACKAGE_DIR,
    PACKAGE_MOUNT,
    FrameError,
    bwrap_command,
    decode,
    encode,
    hidden_directories,
    interpreter_paths,
    kill_tree,
    read_frame,
    resolve_isolation,
    warn_once,
    worker_python_path,
    write_frame,
)


logger = logging.getLogger(__name__)

PROGRAM_FILENAME = "<program>"
"""Filename user programs are compiled with, so tracebacks and introspection can find their frames."""


def program_lines(skip: int = 1) -> set[int]:
    """Line numbers of every frame of the user program on the call stack, above the `skip` innermost frames
    (`skip=1`: the caller of `program_lines`). Renderers' runtime introspection credits these lines."""
    lines, frame = set(), sys._getframe(skip + 1)
    while frame is not None:
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            lines.add(frame.f_lineno)
        frame = frame.f_back
    return lines


_NOBODY = 65534
_PROTOCOL_FDS: list[int] = []  # the worker's pipes to the trainer, closed in every job
_START_TIMEOUT_S = 180.0
_STDERR_TAIL = 3000


class SandboxStartError(RuntimeError):
    """A sandbox worker could not start: our infrastructure, not the program. The message quotes its stderr."""


class _ChildReport(msgspec.Struct, forbid_unknown_fields=True):
    """The one message a job child may send its worker."""

    ok: bool
    value: dict[str, Any] | None = None
    error: str | None = None


class _Reply(msgspec.Struct, forbid_unknown_fields=True):
    """A worker's answer to the trainer for one job."""

    ok: bool
    value: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class SandboxConfig:
    """Limits and isolation of the sandbox."""

    num_workers: int = 2
    """Jobs run in parallel on this many warm workers."""
    timeout_s: float = 20.0
    """Wall-clock seconds a job may take before its whole process tree is killed."""
    cpu_seconds: int = 30
    memory_mb: int = 2048
    """Address-space limit of a job (RLIMIT_AS)."""
    file_size_mb: int = 64
    max_processes: int = 32
    """Processes a job may have at once (RLIMIT_NPROC, enforced for the unprivileged job user)."""
    max_result_mb: int = 64
    """Largest result message a job may send (checked before it is read)."""
    preload: tuple[str, ...] = ()
    """Modules each worker imports once, so that a job pays for the work, not the imports."""
    isolation: str = "auto"
    """`"auto"`/`"bwrap"`: bubblewrap, and an error naming the fix where it cannot run; `"none"`: an explicit
    opt-out (rlimits and a clean environment only), which warns."""
    hidden_paths: tuple[str, ...] = ()
    """Extra directories to hide from jobs, beside the home and the current working directory."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment variables for jobs (the trainer's own environment is never passed on)."""
    ro_binds: dict[str, str] = field(default_factory=dict)
    """Host directory -> path inside the sandbox, read-only (e.g. a prebuilt font cache)."""


@dataclass
class SandboxOutcome:
    ok: bool
    value: dict | None = None
    error: str | None = None
    seconds: float = 0.0
    infra: bool = False
    """The sandbox itself failed (twice), not the program: keep this outcome out of rewards and feedback."""


def format_program_exception(exc: BaseException, source: str | None = None) -> str:
    """`Traceback` limited to the program's own frames, ending with the exception line (what a person needs)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == PROGRAM_FILENAME]
    lines = source.splitlines() if source else []
    out = ["Traceback (most recent call last):"] if frames else []
    for frame in frames:
        out.append(f"  line {frame.lineno}, in {frame.name}")
        if 0 < frame.lineno <= len(lines):
            out.append(f"    {lines[frame.lineno - 1].strip()}")
    if isinstance(exc, SyntaxError) and exc.filename == PROGRAM_FILENAME:
        out.append(f"  line {exc.lineno}: {(exc.text or '').strip()}")
    if isinstance(exc, MemoryError):
        out.append("MemoryError: the program ran out of memory (sandbox memory limit).")
    else:
        out.append("".join(traceback.format_exception_only(type(exc), exc)).strip())
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- wire format


def _send(stream, message: Any) -> None:
    write_frame(stream, encode(message))


def _recv(fd: int, schema: Any, max_bytes: int, deadline: float | None = None) -> Any:
    return decode(read_frame(fd, max_bytes, deadline), schema)


# ---------------------------------------------------------------------------------------------- worker side


def _mapped_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _run_child(target: str, payload: dict, limits: dict, write_fd: int, workdir: str) -> None:
    """In the forked child: drop privileges, limit, run, report, exit. Never returns."""
    try:
        for fd in _PROTOCOL_FDS:
            os.close(fd)
        os.setsid()
        if os.getuid() == 0 and limits["drop_privileges"]:
            os.setgroups([])
            os.setgid(_NOBODY)
            os.setuid(_NOBODY)
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 1))
        # The budget is on top of what the warm worker already maps (libraries, thread arenas).
        address_space = _mapped_bytes() + limits["memory_mb"] * mb
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size_mb"] * mb, limits["file_size_mb"] * mb))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"], limits["max_processes"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(workdir)
        module_name, function_name = target.split(":")
        module = __import__(module_name, fromlist=[function_name])
        result = {"ok": True, "value": getattr(module, function_name)(payload)}
    except MemoryError:
        result = {"ok": False, "error": f"Ran out of memory (limit {limits['memory_mb']} MB)."}
    except BaseException as exc:  # the job's own failure, reported, never raised
        result = {"ok": False, "error": format_program_exception(exc, payload.get("code"))}
    try:
        data = encode(result)
    except Exception as exc:  # noqa: BLE001 (whatever the job returned, the child must report and exit)
        data = encode({"ok": False, "error": f"The job returned a result that cannot be sent back: {exc}"})
    try:
        with os.fdopen(write_fd, "wb") as out:  # length-prefixed: the job's own children may keep the pipe open
            write_frame(out, data)
    finally:
        os._exit(0)  # never fall back into the worker's loop in a forked child


def _world_readable(path: str) -> bool:
    """Whether another user could read `path`: it and every directory above it are open to everyone."""
    current = Path(path).resolve()
    for part in (current, *current.parents):
        try:
            mode = part.stat().st_mode
        except OSError:
            return False
        if not mode & 0o005 or (part != current and not mode & 0o001):
            return False
    return True


def _job_user_can_import(config: SandboxConfig) -> bool:
    """Without bubblewrap, a job dropped to `nobody` can only import from paths everyone may read; an interpreter
    installed in a private home (pyenv in /root) would fail on its first stdlib import."""
    paths = [sys.prefix, *site.getsitepackages(), str(PACKAGE_DIR.parent),
             *config.env.get("PYTHONPATH", "").split(os.pathsep)]
    readable = all(_world_readable(p) for p in paths if p and os.path.exists(p))
    if not readable and os.getuid() == 0:
        warn_once("Without bubblewrap, sandboxed jobs keep running as root, without the process-count limit: "
                  "the Python installation is not readable by the unprivileged job user. Install bubblewrap "
                  "(apt install bubblewrap) or use a Python outside a private home directory.")
    return readable


def _kill_leftovers(own_pid: int) -> None:
    """Kill every process in this PID namespace except its init and this worker (a job's escaped daemons)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, own_pid):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _describe_exit(status: int, limits: dict) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return f"Exceeded the CPU time limit ({limits['cpu_seconds']} s); the program was killed."
        if sig == signal.SIGXFSZ:
            return f"Wrote a file larger than the limit ({limits['file_size_mb']} MB); the program was killed."
        return f"The program was killed by signal {signal.Signals(sig).name}."
    return f"The program exited with status {os.WEXITSTATUS(status)} before reporting a result."


def _wait_child(pid: int, deadline: float) -> int | None:
    """The child's exit status, or None if it is still running at `deadline`."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.002)


def _read_report(read_fd: int, pid: int, limits: dict, deadline: float) -> tuple[dict | None, str | None]:
    """The child's one report, or why there is none. Everything on the pipe is hostile: the size is capped before
    reading, the message must fit `_ChildReport`, there must be exactly one, and the child must then exit cleanly."""
    timed_out = f"Timed out after {limits['timeout_s']:.1f} s (wall clock); the program was killed."
    try:
        report = _recv(read_fd, _ChildReport, limits["max_result_mb"] * 1024 * 1024, deadline)
    except FrameError as error:
        if error.kind == "timeout":
            return None, timed_out
        if error.kind == "too_big":
            return None, f"The result exceeded {limits['max_result_mb']} MB ({error}); the program was killed."
        if error.kind == "malformed":
            return None, (f"The program wrote a malformed message to the sandbox's result channel ({error}); only "
                          "the renderer reports results.")
        status = _wait_child(pid, deadline)
        return None, timed_out if status is None else _describe_exit(status, limits)
    # A real child exits right after its report; a program that forged one may still be running or crash next.
    status = _wait_child(pid, deadline)
    if status is None:
        return None, timed_out
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None, _describe_exit(status, limits)
    ready, _, _ = select.select([read_fd], [], [], 0)
    if ready and os.read(read_fd, 1):
        return None, ("The program wrote to the sandbox's result channel itself (more than one message); only the "
                      "renderer reports results.")
    return msgspec.structs.asdict(report), None


def _run_job(target: str, payload: dict, limits: dict) -> dict:
    workdir = tempfile.mkdtemp(prefix="job-", dir=limits["scratch"])
    if os.getuid() == 0 and limits["drop_privileges"]:
        os.chown(workdir, _NOBODY, _NOBODY)
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _run_child(target, payload, limits, write_fd, workdir)
    os.close(write_fd)
    report, error = _read_report(read_fd, pid, limits, start + limits["timeout_s"])
    os.close(read_fd)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped while reading the report
        pass
    if limits["own_pid_namespace"]:
        _kill_leftovers(os.getpid())
    shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.monotonic() - start
    if report is None:
        return {"ok": False, "error": error, "seconds": seconds}
    return {**report, "seconds": seconds}


def worker_main() -> None:
    """Entry point of a warm worker: import the preloads, then serve jobs from stdin until it closes."""
    # Move the protocol off fds 0/1, so a job that prints or reads stdin can neither corrupt nor steal it.
    stdin, stdout = os.dup(0), os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # until ready, what the worker prints explains a failed start (the trainer quotes stderr)
    _PROTOCOL_FDS.extend([stdin, stdout.fileno()])
    setup = _recv(stdin, dict[str, Any], 1 << 20)
    for module in setup["preload"]:
        __import__(module)
    os.dup2(devnull, 1)  # from now on, jobs' output goes nowhere: a program must not fill the trainer's disk
    os.dup2(devnull, 2)
    _send(stdout, {"ready": True})
    while True:
        try:
            request = _recv(stdin, dict[str, Any], setup["limits"]["max_request_bytes"])
        except FrameError:
            return
        _send(stdout, _run_job(request["target"], request["payload"], {**setup["limits"], **request["limits"]}))


# ---------------------------------------------------------------------------------------------- trainer side

_WORKER_CODE = "from trl_visual_sdpo.sandbox import worker_main; worker_main()"
# What the worker keeps to hand each job to `nobody` (jobs themselves get no capabilities).
_WORKER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL")


def _job_env(config: SandboxConfig, package_root: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "XDG_CACHE_HOME": "/tmp/.cache",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        **config.env,
        # The worker runs the trainer's own interpreter (a venv's too: never its resolved base interpreter, which
        # would not see the venv's packages); `extra` keeps a caller's PYTHONPATH entries in front.
        "PYTHONPATH": worker_python_path(package_root, config.env.get("PYTHONPATH", "")),
    }


def _bwrap_command(config: SandboxConfig) -> list[str]:
    prefix = bwrap_command(
        hidden=hidden_directories(config.hidden_paths),
        expose=interpreter_paths(),
        ro_binds={str(PACKAGE_DIR): f"{PACKAGE_MOUNT}/trl_visual_sdpo", **config.ro_binds},
        env=_job_env(config, PACKAGE_MOUNT),
        caps=_WORKER_CAPS if os.getuid() == 0 else (),
    )
    return [*prefix, sys.executable, "-c", _WORKER_CODE]


class _Worker:
    """One warm worker process; its stdout carries length-prefixed MessagePack replies, read with a size cap."""

    def __init__(self, command: list[str], env: dict, setup: dict, max_reply_bytes: int):
        self.max_reply_bytes = max_reply_bytes
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                        env=env, start_new_session=True)
        try:
            _send(self.process.stdin, setup)
            _recv(self.process.stdout.fileno(), dict[str, Any], 1 << 16, time.monotonic() + _START_TIMEOUT_S)
        except (FrameError, OSError) as error:
            kill_tree(self.process.pid)
            self.process.wait()
            message = self._start_failure(command, error)
            self._stderr.close()
            raise SandboxStartError(message) from None

    def _start_failure(self, command: list[str], error: Exception) -> str:
        self._stderr.seek(0)
        stderr = self._stderr.read().decode(errors="replace").strip()[-_STDERR_TAIL:] or "(nothing)"
        isolated = command[0] == "bwrap"
        return (
            f"A sandbox worker did not start ({error}). Command: {sys.executable} -c {_WORKER_CODE!r}"
            f"{' inside bubblewrap' if isolated else ''}. Its stderr:\n{stderr}\n"
            "Fixes: if it cannot import a package, install the package into this same environment (the worker runs "
            "this interpreter and sees its prefix, site-packages and PYTHONPATH read-only"
            f"{', and nothing of your home, working directory or /tmp' if isolated else ''}); if bubblewrap fails, "
            "see the README's isolation section or use SandboxConfig(isolation='none') to opt out."
        )

    def request(self, message: dict, deadline: float) -> _Reply:
        _send(self.process.stdin, message)
        return _recv(self.process.stdout.fileno(), _Reply, self.max_reply_bytes, deadline)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        kill_tree(self.process.pid)
        self.process.wait()
        self._stderr.close()


class Sandbox:
    """A pool of warm, isolated workers. Thread-safe; workers start on first use and restart after a crash.

    Raises `IsolationUnavailable` at construction when bubblewrap is wanted (`isolation="auto"` or `"bwrap"`) and
    cannot run, and `SandboxStartError` (quoting the worker's stderr) when a worker cannot start.
    """

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.isolation = resolve_isolation(self.config.isolation, "The program sandbox")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._workers: list[_Worker] = []
        self.infra_retries = 0
        """Jobs re-run because their worker failed (the sandbox's failures, not the program's)."""
        # bwrap's --die-with-parent fires when the *thread* that started it ends, so workers are always started
        # from these long-lived threads, never from short-lived ones.
        self._spawner = ThreadPoolExecutor(max_workers=self.config.num_workers, thread_name_prefix="sandbox-spawn")
        atexit.register(self.close)

    def _setup(self) -> dict:
        limits = {
            "timeout_s": self.config.timeout_s, "cpu_seconds": self.config.cpu_seconds,
            "memory_mb": self.config.memory_mb, "file_size_mb": self.config.file_size_mb,
            "max_processes": self.config.max_processes, "max_result_mb": self.config.max_result_mb,
            "max_request_bytes": self._max_message_bytes(),
            "own_pid_namespace": self.isolation == "bwrap",
            "drop_privileges": self.isolation == "bwrap" or _job_user_can_import(self.config),
        }
        if self.isolation == "bwrap":
            limits["scratch"] = "/tmp"
        else:
            limits["scratch"] = tempfile.mkdtemp(prefix="trl-visual-sdpo-")
            os.chmod(limits["scratch"], 0o777)  # the job user must be able to enter its directory
        return {"preload": list(self.config.preload), "limits": limits}

    def _max_message_bytes(self) -> int:
        return (self.config.max_result_mb + 1) * 1024 * 1024  # a result plus its envelope

    def _start_worker(self) -> _Worker:
        if self.isolation == "bwrap":
            return _Worker(_bwrap_command(self.config), {}, self._setup(), self._max_message_bytes())
        env = _job_env(self.config, str(PACKAGE_DIR.parent))
        env["HOME"] = tempfile.gettempdir()
        return _Worker([sys.executable, "-c", _WORKER_CODE], env, self._setup(), self._max_message_bytes())

    def _ensure_started(self) -> None:
        """Start every worker at once, in parallel, on first use."""
        with self._lock:
            if self._started:
                return
            for worker in self._spawner.map(lambda _: self._start_worker(), range(self.config.num_workers)):
                self._workers.append(worker)
                self._idle.put(worker)
            self._started = True

    def _fresh_worker(self) -> _Worker:
        worker = self._spawner.submit(self._start_worker).result()
        self._workers.append(worker)
        return worker

    def run(self, target: str, payload: dict, timeout_s: float | None = None) -> SandboxOutcome:
        """Run `target` ("module:function", called as `function(payload) -> dict`) in a fresh sandboxed child.

        A worker that dies or stops answering while it runs the job (the job runs as another user and cannot kill
        it) is replaced and the job re-run once; a second failure is an infrastructure outcome (`infra=True`).
        """
        self._ensure_started()
        limits = {"timeout_s": timeout_s} if timeout_s is not None else {}
        budget = (timeout_s if timeout_s is not None else self.config.timeout_s) + 60  # the worker enforces the
        start, failure = time.monotonic(), ""  # job's own timeout; this one only catches a hung worker
        for attempt in range(2):
            worker = self._idle.get()
            try:
                if worker is None or not worker.alive():
                    if worker is not None:
                        worker.close()
                    worker = None
                    worker = self._fresh_worker()
                reply = worker.request({"target": target, "payload": payload, "limits": limits},
                                       time.monotonic() + budget)
                return SandboxOutcome(reply.ok, reply.value, reply.error, reply.seconds)
            except (FrameError, OSError) as error:
                failure = f"{type(error).__name__}: {error}"
                logger.warning("Sandbox worker failed while running %s (%s); attempt %d of 2.", target, failure,
                               attempt + 1)
                if worker is not None:
                    worker.close()
                worker = None
                if attempt == 0:
                    self.infra_retries += 1
            finally:
                self._idle.put(worker)
        return SandboxOutcome(False, error=f"The sandbox failed twice while running the program ({failure}); this "
                              "is an infrastructure failure, not the program's.", seconds=time.monotonic() - start,
                              infra=True)

    def map(self, target: str, payloads: Sequence[dict]) -> list[SandboxOutcome]:
        """`run` over many payloads, `num_workers` at a time, results in order."""
        if len(payloads) <= 1:
            return [self.run(target, p) for p in payloads]
        with ThreadPoolExecutor(max_workers=self.config.num_workers) as pool:
            return list(pool.map(lambda p: self.run(target, p), payloads))

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers.clear()
        self._spawner.shutdown(wait=False)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
