"""Isolation shared by everything that touches untrusted bytes: the program sandbox, LibreOffice and the browser.

One place decides whether bubblewrap isolates a process (`resolve_isolation`), builds its bubblewrap command
(`bwrap_command`), frames the bytes that cross a process boundary (`write_frame` / `read_frame`: a length header,
then at most a capped number of bytes), encodes messages without ever building objects from them (`encode` /
`decode`: MessagePack through msgspec, checked against a schema), and kills a process tree (`kill_tree`).

Model-written programs are hostile, and so is every byte they can write: nothing read back from an isolated
process is unpickled, and a message that fails its schema is a failed render with a clear error, never an
exception in the trainer.

This module imports only the standard library at the top: LibreOffice's bridge imports it under the system Python
(see `render/office.py`), which has neither msgspec nor psutil.
"""

from __future__ import annotations

import functools
import logging
import os
import select
import shutil
import site
import struct
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping


logger = logging.getLogger(__name__)

ISOLATION_CHOICES = ("auto", "bwrap", "none")
INSTALL_BWRAP = (
    "Install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`; in a "
    "container, allow unprivileged user namespaces, e.g. `docker run --security-opt seccomp=unconfined`), or opt "
    "out explicitly with isolation='none' (then untrusted code can read your files and reach the network)."
)
PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_MOUNT = "/tmp/.trl_visual_sdpo_pkg"
"""Where isolated processes see this package (its parent directory goes on their `PYTHONPATH`)."""
_HEADER = struct.Struct("!Q")
_warned: set[str] = set()


class IsolationUnavailable(RuntimeError):
    """Untrusted code was about to run without the isolation asked for; the message says how to get it."""


class FrameError(Exception):
    """Bytes from another process that are not one well-formed message. `kind` says how: `"eof"` (the stream ended
    first), `"too_big"` (the header announced more than the cap), `"timeout"` or `"malformed"` (not the schema)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        logger.warning(message)


# ------------------------------------------------------------------------------------------- isolation choice


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str | None:
    """Why bubblewrap cannot isolate a process here, or None when it can (probed once per process)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (`bwrap`) is not installed"
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`bwrap` could not be started ({error})"
    if done.returncode != 0:
        return f"`bwrap` fails here: {done.stderr.decode(errors='replace').strip() or f'exit {done.returncode}'}"
    return None


def bwrap_works() -> bool:
    return bwrap_problem() is None


def resolve_isolation(mode: str, component: str) -> str:
    """`"bwrap"` or `"none"` for `component` (e.g. "The chart sandbox"), from the user's `mode`.

    `"auto"` and `"bwrap"` both require a working bubblewrap and raise `IsolationUnavailable` without one: untrusted
    code never runs unisolated unless the user opted out with `"none"`, which warns once.
    """
    if mode not in ISOLATION_CHOICES:
        raise ValueError(f"isolation must be one of {ISOLATION_CHOICES}, got {mode!r}.")
    if mode == "none":
        warn_once(f"{component} runs WITHOUT file-system, network and PID isolation (isolation='none'): untrusted "
                  "code can read your files, reach the network and leave processes behind. Only CPU, memory, "
                  "file-size and process limits and a scrubbed environment apply.")
        return "none"
    problem = bwrap_problem()
    if problem is not None:
        raise IsolationUnavailable(f"{component} refuses to run untrusted code without isolation: {problem}. "
                                   f"{INSTALL_BWRAP}")
    return "bwrap"


# ------------------------------------------------------------------------------------------- what to hide, expose


def hidden_directories(extra: Iterable[str] = ()) -> list[str]:
    """Directories an isolated process must not see: the home, the working directory, this package's source
    checkout (when installed from one) and `extra`. `/tmp` is always replaced by an empty one too."""
    project = PACKAGE_DIR.parent
    hidden = {Path.home(), Path.cwd(), *map(Path, extra)}
    if (project / "pyproject.toml").exists():
        hidden.add(project)
    return sorted({str(p.resolve()) for p in hidden} - {"/"})


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def interpreter_paths() -> list[str]:
    """The directories the running Python needs, to bind into a sandbox that hides the home, the project and /tmp:
    its prefixes (a venv and the interpreter it was made from, wherever they live: pyenv or uv under the home, a
    venv under /tmp or in the project), site-packages, and the `sys.path` entries that `.pth` files or `PYTHONPATH`
    added. Entries inside the working directory or this source checkout are left out unless they belong to an
    installation (site-packages, a prefix): isolated processes see this package alone, at `PACKAGE_MOUNT`."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                str(Path(os.path.realpath(sys.executable)).parent.parent)}
    prefixes = {str(Path(p).resolve()) for p in prefixes if p}
    private = {str(Path.cwd().resolve()), str(PACKAGE_DIR.parent)}
    site_dirs = [*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])]
    paths: list[str] = []
    for path in [*sorted(prefixes), *site_dirs, *sys.path]:
        if not path or not os.path.isdir(path):
            continue
        path = str(Path(path).resolve())
        installed = any(_is_within(path, p) for p in prefixes) or "-packages" in path
        if path == "/" or path in paths or (any(_is_within(path, p) for p in private) and not installed):
            continue
        paths.append(path)
    return paths


def worker_python_path(package_root: str, extra: str = "") -> str:
    """`PYTHONPATH` for a worker started from `sys.executable` with a cleared environment: this package, `extra`,
    then the trainer's own `PYTHONPATH` entries (the interpreter finds its venv and `.pth` files by itself)."""
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isdir(p)]
    inherited = [str(Path(p).resolve()) for p in inherited]
    exposed = set(interpreter_paths())  # computed once: it resolves every sys.path entry
    return os.pathsep.join(dict.fromkeys([package_root, *filter(None, extra.split(os.pathsep)),
                                          *(p for p in inherited if p in exposed)]))


def bwrap_command(
    *,
    hidden: Iterable[str] = (),
    expose: Iterable[str] = (),
    ro_binds: Mapping[str, str] | None = None,
    writable_binds: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    uid: int | None = None,
    caps: Iterable[str] = (),
    network: bool = False,
) -> list[str]:
    """The bubblewrap prefix that runs a command isolated: the host's root file system read-only; `/tmp`, `/dev/shm`
    and every `hidden` directory replaced by an empty one; `expose` directories (e.g. an interpreter living under a
    hidden home or a venv under /tmp) bound back read-only at the same place; `ro_binds` (host -> sandbox) read-only;
    `writable_binds` bound read-write; new PID, IPC, UTS and (unless `network`) network namespaces; a cleared
    environment plus `env`; `uid` maps the process to that user in a user namespace; `caps` are kept (root only).
    """
    hidden = [h for h in hidden if h not in ("/tmp", "/")]
    roots = ["/tmp", *hidden]
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs",
           "/dev/shm"]
    for path in hidden:
        cmd += ["--tmpfs", path]
    made: set[str] = set()

    def traversable_parents(path: str) -> list[str]:
        # Mount points bwrap creates inside an empty directory would be private (0700), so another user (the job
        # user, `nobody`) could not traverse them: create the parents world-traversable first.
        root = next((r for r in roots if _is_within(path, r) and path != r), None)
        args: list[str] = []
        for parent in reversed(Path(path).parents):
            if root is not None and _is_within(str(parent), root) and str(parent) != root and str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        return args

    for path in sorted(set(expose)):
        if not any(_is_within(path, r) and path != r for r in roots):
            continue  # visible already through the read-only root
        cmd += [*traversable_parents(path), "--ro-bind", path, path]
    for source, target in (ro_binds or {}).items():
        cmd += [*traversable_parents(target), "--ro-bind", source, target]
    for path in writable_binds:
        cmd += ["--bind-try", path, path]
    if uid is not None:
        cmd += ["--unshare-user", "--uid", str(uid), "--gid", str(uid)]
    cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
            "--new-session", "--clearenv", "--chdir", "/tmp"]
    if not network:
        cmd.append("--unshare-net")
    for cap in caps:
        cmd += ["--cap-add", cap]
    for key, value in (env or {}).items():
        cmd += ["--setenv", key, value]
    return cmd


# ------------------------------------------------------------------------------------------- framing and messages


def write_frame(stream, data: bytes) -> None:
    """Write one message: an 8-byte big-endian length, then the bytes."""
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(fd: int, max_bytes: int, deadline: float | None = None) -> bytes:
    """Read exactly one message from file descriptor `fd`; the size is checked against `max_bytes` before the body is
    read. Raises `FrameError` when the stream ends first, the header announces more than `max_bytes`, or `deadline`
    (a `time.monotonic()` value) passes."""
    buffer, need = b"", _HEADER.size
    while len(buffer) < need:
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            raise FrameError("timeout", "no complete message before the deadline")
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            continue
        chunk = os.read(fd, min(need - len(buffer), 1 << 20))
        if not chunk:
            raise FrameError("eof", f"the stream ended after {len(buffer)} of {need} bytes")
        buffer += chunk
        if need == _HEADER.size and len(buffer) == _HEADER.size:
            (size,) = _HEADER.unpack(buffer)
            if size > max_bytes:
                raise FrameError("too_big",
                                 f"a message of {size:,} bytes was announced, over the {max_bytes:,}-byte limit")
            need += size
    return buffer[_HEADER.size :]


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays (what plotting and raster code returns) as plain numbers and lists, and subclasses
    of plain types (python-pptx's `Emu` is an `int`) as those types."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return value.tolist()
    for plain in (bool, int, float, str, bytes):
        if isinstance(value, plain):
            return plain(value)
    raise TypeError(f"cannot encode objects of type {type(value).__name__}")


def encode(message: Any) -> bytes:
    """MessagePack bytes of plain data (dicts, lists, tuples, strings, numbers, bytes, booleans, None, NumPy
    values)."""
    import msgspec

    return msgspec.msgpack.encode(message, enc_hook=_plain)


def decode(data: bytes, schema: Any = Any) -> Any:
    """Plain data (or `schema`, a msgspec/dataclass type) from MessagePack bytes; MessagePack builds no objects of
    its own, and anything that does not fit `schema` raises `FrameError`."""
    import msgspec

    try:
        return msgspec.msgpack.decode(data, type=schema)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise FrameError("malformed", f"malformed message: {error}") from None


def validate(value: Any, schema: Any) -> Any:
    """`value` (plain data already decoded) checked against and converted to `schema`; raises `FrameError`."""
    import msgspec

    try:
        return msgspec.convert(value, type=schema)
    except msgspec.ValidationError as error:
        raise FrameError("malformed", f"malformed message: {error}") from None


# ------------------------------------------------------------------------------------------- cleanup


def kill_tree(pid: int) -> None:
    """Kill `pid` and every process below it, then reap `pid` if it is our child (bwrap puts its command in a new
    session inside a new PID namespace, so killing a process group would miss it).

    The tree is frozen top-down (SIGSTOP, parents before their children, again until no new process appears) before
    anything is killed: a parent must never see its child die, or a worker would report its job as "killed by
    SIGKILL", blaming the program for our own kill."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    frozen: dict[int, psutil.Process] = {}
    while True:
        try:
            tree = [root, *root.children(recursive=True)]  # breadth-first: parents come before their children
        except psutil.NoSuchProcess:
            tree = []
        new = [process for process in tree if process.pid not in frozen]
        if not new:
            break
        for process in new:
            frozen[process.pid] = process
            try:
                process.suspend()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
    processes = [*reversed(frozen.values())] or [root]
    for process in processes:
        try:
            process.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    psutil.wait_procs(processes, timeout=5)
