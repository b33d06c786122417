"""Run untrusted programs outside the trainer's process: warm, isolated, limited, and never fatal.

Layout: the trainer holds a pool of warm *workers*. Each worker is a Python process started once inside
bubblewrap (read-only root file system; the user's home, the project directory and /tmp replaced by empty
ones; the interpreter and its site-packages re-exposed read-only; no network; its own PID, IPC and UTS
namespaces; an empty environment) that imports the domain's libraries, then serves jobs: per job it forks a
child that drops to the unprivileged user `nobody`, sets rlimits (CPU seconds, address space, file size,
process count), moves into a fresh temporary directory and runs the job function. The worker enforces the
wall-clock timeout by killing the child's process group and then every other process left in its PID
namespace, so nothing a program starts survives its job.

Every failure (exception, timeout, memory, a killed worker) comes back as `SandboxOutcome(ok=False, error=...)`
in words a person and the teacher model can read; nothing raises into the trainer.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import resource
import select
import shutil
import signal
import site
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

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


_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGE_MOUNT = "/tmp/.trl_visual_sdpo_pkg"  # where the sandbox sees this package (the project stays hidden)
_NOBODY = 65534
_HEADER = struct.Struct("!Q")
_warned: set[str] = set()
_PROTOCOL_FDS: list[int] = []  # the worker's pipes to the trainer, closed in every job


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
    preload: tuple[str, ...] = ()
    """Modules each worker imports once, so that a job pays for the work, not the imports."""
    isolation: str = "auto"
    """`"bwrap"` (required), `"none"` (rlimits and a clean environment only), or `"auto"` (bwrap when it works)."""
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


def _send(stream, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _recv(stream) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


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
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        data = pickle.dumps({"ok": False, "error": f"The job returned an unserialisable result: {exc}"})
    with os.fdopen(write_fd, "wb") as out:  # length-prefixed: the job's own children may keep the pipe open
        out.write(_HEADER.pack(len(data)) + data)
    os._exit(0)


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
    paths = [sys.prefix, *site.getsitepackages(), str(_PACKAGE_DIR.parent),
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
    buffer, expected, deadline, timed_out = b"", None, start + limits["timeout_s"], False
    cap = limits["max_result_mb"] * 1024 * 1024
    while expected is None or len(buffer) < _HEADER.size + expected:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            break
        buffer += chunk
        if expected is None and len(buffer) >= _HEADER.size:
            (expected,) = _HEADER.unpack(buffer[: _HEADER.size])
            if expected > cap:
                break
    os.close(read_fd)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _, status = os.waitpid(pid, 0)
    if limits["own_pid_namespace"]:
        _kill_leftovers(os.getpid())
    shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.monotonic() - start
    if timed_out:
        return {"ok": False, "error": f"Timed out after {limits['timeout_s']:.1f} s (wall clock); the program was "
                                      "killed.", "seconds": seconds}
    if expected is not None and expected > cap:
        return {"ok": False, "error": f"The result exceeded {limits['max_result_mb']} MB.", "seconds": seconds}
    if expected is None or len(buffer) < _HEADER.size + expected:
        return {"ok": False, "error": _describe_exit(status, limits), "seconds": seconds}
    result = pickle.loads(buffer[_HEADER.size :])
    result["seconds"] = seconds
    return result


def worker_main() -> None:
    """Entry point of a warm worker: import the preloads, then serve jobs from stdin until it closes."""
    # Move the protocol off fds 0/1, so a job that prints or reads stdin can neither corrupt nor steal it.
    stdin, stdout = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    _PROTOCOL_FDS.extend([stdin.fileno(), stdout.fileno()])
    setup = _recv(stdin)
    for module in setup["preload"]:
        __import__(module)
    _send(stdout, {"ready": True})
    while True:
        try:
            target, payload, limits = _recv(stdin)
        except EOFError:
            return
        _send(stdout, _run_job(target, payload, {**setup["limits"], **limits}))


# ---------------------------------------------------------------------------------------------- trainer side


def _bwrap_command(config: SandboxConfig) -> list[str]:
    python = os.path.realpath(sys.executable)
    hidden = [Path.home(), Path.cwd(), *map(Path, config.hidden_paths)]
    hidden = [str(p.resolve()) for p in hidden if p.resolve() != Path("/")]
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in hidden:
        cmd += ["--tmpfs", path]
    # The interpreter and its libraries may live under a hidden directory (pyenv in the home, a venv in the
    # project): re-expose exactly those, read-only.
    exposed = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), site.getusersitepackages()}
    made: set[str] = set()
    for path in sorted(p for p in exposed if p and os.path.isdir(p)):
        root = next((h for h in hidden if path.startswith(h + "/")), None)
        if root is None or path.startswith(str(_PACKAGE_DIR)):
            continue
        # Mount points bwrap creates inside the empty directory would be private (0700) and untraversable for
        # the unprivileged job user: create them world-traversable first.
        for parent in reversed(Path(path).parents):
            if str(parent).startswith(root + "/") and str(parent) not in made:
                made.add(str(parent))
                cmd += ["--perms", "0755", "--dir", str(parent)]
        cmd += ["--ro-bind", path, path]
    cmd += ["--ro-bind", str(_PACKAGE_DIR), f"{_PACKAGE_MOUNT}/trl_visual_sdpo"]
    for source, target in config.ro_binds.items():
        cmd += ["--ro-bind", source, target]
    cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv", "--chdir", "/tmp"]
    if os.getuid() == 0:  # keep what the worker needs to hand each job to `nobody`; jobs themselves get no caps
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_KILL"]
    for key, value in _job_env(config, _PACKAGE_MOUNT).items():
        cmd += ["--setenv", key, value]
    return cmd + [python, "-c", "from trl_visual_sdpo.sandbox import worker_main; worker_main()"]


def _job_env(config: SandboxConfig, package_root: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "XDG_CACHE_HOME": "/tmp/.cache",
        "PYTHONPATH": package_root,
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        **config.env,
    }


def bwrap_works() -> bool:
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        logger.warning(message)


def _descendants(pid: int) -> list[int]:
    """All descendants of `pid`, parents before children (from /proc's children lists)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        frontier += [int(c) for c in children]
    return found


class _Worker:
    def __init__(self, command: list[str], env: dict | None, setup: dict):
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
        _send(self.process.stdin, setup)
        _recv(self.process.stdout)  # "ready" once the preloads are imported

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        # bwrap starts the worker in a new session inside a new PID namespace, so killing bwrap's own process
        # group would miss it: kill the whole tree, deepest first.
        for pid in [*reversed(_descendants(self.process.pid)), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.process.wait()


class Sandbox:
    """A pool of warm, isolated workers. Thread-safe; workers start on first use and restart after a crash."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._workers: list[_Worker] = []
        # bwrap's --die-with-parent fires when the *thread* that started it ends, so workers are always started
        # from these long-lived threads, never from short-lived ones.
        self._spawner = ThreadPoolExecutor(max_workers=self.config.num_workers, thread_name_prefix="sandbox-spawn")
        self.isolation = self._resolve_isolation()
        atexit.register(self.close)

    def _resolve_isolation(self) -> str:
        mode = self.config.isolation
        if mode not in ("auto", "bwrap", "none"):
            raise ValueError(f"SandboxConfig.isolation must be 'auto', 'bwrap' or 'none', got {mode!r}.")
        if mode in ("auto", "bwrap") and bwrap_works():
            return "bwrap"
        if mode == "bwrap":
            raise RuntimeError("SandboxConfig.isolation='bwrap' but bubblewrap cannot start here. Install it "
                               "(Debian/Ubuntu: apt install bubblewrap) or allow user namespaces.")
        warn_once(
            "The sandbox runs WITHOUT file-system, network and PID isolation (bubblewrap is missing or cannot "
            "start): untrusted programs can read your files, reach the network and leave processes behind. "
            "Only CPU/memory/file-size/process limits and a scrubbed environment apply. Install bubblewrap "
            "(apt install bubblewrap) to isolate them."
        )
        return "none"

    def _setup(self) -> dict:
        limits = {
            "timeout_s": self.config.timeout_s, "cpu_seconds": self.config.cpu_seconds,
            "memory_mb": self.config.memory_mb, "file_size_mb": self.config.file_size_mb,
            "max_processes": self.config.max_processes, "max_result_mb": self.config.max_result_mb,
            "own_pid_namespace": self.isolation == "bwrap",
            "drop_privileges": self.isolation == "bwrap" or _job_user_can_import(self.config),
        }
        if self.isolation == "bwrap":
            limits["scratch"] = "/tmp"
        else:
            limits["scratch"] = tempfile.mkdtemp(prefix="trl-visual-sdpo-")
            os.chmod(limits["scratch"], 0o777)  # the job user must be able to enter its directory
        return {"preload": list(self.config.preload), "limits": limits}

    def _start_worker(self) -> _Worker:
        if self.isolation == "bwrap":
            return _Worker(_bwrap_command(self.config), env={}, setup=self._setup())
        env = _job_env(self.config, str(_PACKAGE_DIR.parent))
        env["HOME"] = tempfile.gettempdir()
        command = [sys.executable, "-c", "from trl_visual_sdpo.sandbox import worker_main; worker_main()"]
        return _Worker(command, env=env, setup=self._setup())

    def _ensure_started(self) -> None:
        """Start every worker at once, in parallel, on first use."""
        with self._lock:
            if self._started:
                return
            for worker in self._spawner.map(lambda _: self._start_worker(), range(self.config.num_workers)):
                self._workers.append(worker)
                self._idle.put(worker)
            self._started = True

    def run(self, target: str, payload: dict, timeout_s: float | None = None) -> SandboxOutcome:
        """Run `target` ("module:function", called as `function(payload) -> dict`) in a fresh sandboxed child."""
        self._ensure_started()
        worker = self._idle.get()
        start = time.monotonic()
        try:
            if worker is None or not worker.alive():
                worker = self._spawner.submit(self._start_worker).result()
                self._workers.append(worker)
            limits = {"timeout_s": timeout_s} if timeout_s is not None else {}
            _send(worker.process.stdin, (target, payload, limits))
            reply = _recv(worker.process.stdout)
        except (EOFError, BrokenPipeError, OSError) as exc:
            if worker is not None:
                worker.close()
            worker = None
            return SandboxOutcome(False, error="The sandbox worker died while running the program (the program "
                                  f"may have killed it: {type(exc).__name__}); it is restarted for the next job.",
                                  seconds=time.monotonic() - start)
        finally:
            self._idle.put(worker)
        return SandboxOutcome(reply["ok"], reply.get("value"), reply.get("error"), reply.get("seconds", 0.0))

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
