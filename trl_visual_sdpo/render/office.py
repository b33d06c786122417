"""A resident, isolated LibreOffice that converts decks (.pptx bytes) to PDF: started once, reused for every deck.

Two halves live in this file, because the second one runs under a different interpreter:

- `OfficeConverter` (trainer side) starts the bridge below inside bubblewrap (read-only root file system; home,
  project directory and /tmp hidden; no network namespace, so nothing can leave the machine; its own PID, IPC and
  UTS namespaces; the unprivileged user `nobody` in a user namespace; an address-space limit) and talks to it over
  the bridge's stdin/stdout pipes. A conversion that does not answer within its timeout kills the whole office
  process tree; the next conversion starts a fresh one. Failures are `OfficeError`s with a message a person can act
  on; nothing else is raised.
- `serve()` (bridge side) runs under the system Python that has LibreOffice's UNO bindings (Debian:
  `python3-uno`). It starts `soffice --headless` listening on a named pipe (a local socket inside the sandbox, no
  TCP), connects through UNO, then converts one deck per request: load hidden and read-only with macros and link
  updates disabled, export with `impress_pdf_Export`, close.

Run as a script (`python3 office.py`) this file is the bridge, so it imports nothing from the package at the top.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

_HEADER = struct.Struct("!Q")
_OK, _FAILED = b"0", b"1"
_CRASHED = b"LibreOffice crashed while converting the deck; the converter was restarted."
_PIPE_NAME = "tvs_office"
_BRIDGE_MOUNT = "/tmp/.tvs_office_bridge.py"  # where the sandbox sees this file (the project stays hidden)
OFFICE_PYTHON_ENV = "TVS_OFFICE_PYTHON"
SOFFICE_ENV = "TVS_SOFFICE"


class OfficeError(RuntimeError):
    """A deck could not be converted; the message says why and what to do."""


# ------------------------------------------------------------------------------------------------ bridge side


def _read_exact(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _reply(stream, status: bytes, payload: bytes) -> None:
    stream.write(status + _HEADER.pack(len(payload)) + payload)
    stream.flush()


def _properties(**values):
    from com.sun.star.beans import PropertyValue  # noqa: the UNO bindings exist only in the bridge's Python

    items = []
    for name, value in values.items():
        item = PropertyValue()
        item.Name, item.Value = name, value
        items.append(item)
    return tuple(items)


def _connect(soffice: str, profile: str, deadline: float):
    import uno

    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         "--nofirststartwizard", f"-env:UserInstallation=file://{profile}",
         f"--accept=pipe,name={_PIPE_NAME};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={_PIPE_NAME};urp;StarOffice.ComponentContext")
            return office, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # not listening yet
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop, work: Path, deck: bytes) -> bytes:
    source, target = work / "deck.pptx", work / "deck.pdf"
    target.unlink(missing_ok=True)
    source.write_bytes(deck)
    # Untrusted input: hidden, read-only, never run macros (MacroExecutionMode 0), never update links (0).
    document = desktop.loadComponentFromURL(
        source.as_uri(), "_blank", 0,
        _properties(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0,
                    FilterName="Impress MS PowerPoint 2007 XML"))
    if document is None:
        raise ValueError("LibreOffice could not open the file as a presentation.")
    try:
        import uno

        # Hidden slides are slides too: one PDF page per slide keeps pages and slides in step.
        options = uno.Any("[]com.sun.star.beans.PropertyValue", _properties(ExportHiddenSlides=True))
        uno.invoke(document, "storeToURL", (target.as_uri(), _properties(FilterName="impress_pdf_Export",
                                                                         FilterData=options)))
    finally:
        document.close(True)
    return target.read_bytes()


def _alive(desktop) -> bool:
    """Whether the office still answers over UNO (a crashed one disposes the bridge)."""
    try:
        desktop.getFrames()
        return True
    except Exception:
        return False


def serve() -> None:
    """The bridge: start LibreOffice, say "ready", then convert decks from stdin until it closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "office-work"
    work.mkdir(parents=True, exist_ok=True)
    soffice = os.environ.get(SOFFICE_ENV) or "soffice"
    office, desktop = _connect(soffice, str(work.parent / "office-profile"), time.monotonic() + 120)
    _reply(stdout, _OK, b"ready")
    try:
        while True:
            try:
                (size,) = _HEADER.unpack(_read_exact(stdin, _HEADER.size))
                deck = _read_exact(stdin, size)
            except EOFError:
                return
            try:
                _reply(stdout, _OK, _convert(desktop, work, deck))
            except Exception as error:  # the deck's failure, reported; the office stays up unless it died
                if office.poll() is not None or not _alive(desktop):
                    _reply(stdout, _FAILED, _CRASHED)
                    return
                message = (getattr(error, "Message", "") or str(error) or type(error).__name__).strip()
                _reply(stdout, _FAILED, message.splitlines()[0].encode()[:500] if message else b"")
    finally:
        office.kill()


# ------------------------------------------------------------------------------------------------ trainer side


def find_office_python(configured: str | None = None) -> str:
    """A Python that can `import uno`: `configured`, `$TVS_OFFICE_PYTHON`, the system `python3`, or the one
    LibreOffice bundles."""
    candidates = [configured, os.environ.get(OFFICE_PYTHON_ENV), "/usr/bin/python3", shutil.which("python3"),
                  "/usr/lib/libreoffice/program/python", "/opt/libreoffice/program/python"]
    for candidate in dict.fromkeys(c for c in candidates if c):
        if os.path.exists(candidate) and subprocess.run([candidate, "-c", "import uno"], capture_output=True,
                                                        timeout=60).returncode == 0:
            return candidate
    raise FileNotFoundError("No Python with LibreOffice's UNO bindings found. Install LibreOffice Impress and its "
                            "bindings (Debian/Ubuntu: apt-get install libreoffice-impress python3-uno), or set "
                            f"${OFFICE_PYTHON_ENV} to such a Python.")


def find_soffice(configured: str | None = None) -> str:
    for candidate in (configured, os.environ.get(SOFFICE_ENV), "soffice", "libreoffice"):
        found = candidate and (shutil.which(candidate) or (candidate if os.path.exists(candidate) else None))
        if found:
            return found
    raise FileNotFoundError("LibreOffice (soffice) not found. Install it (Debian/Ubuntu: apt-get install "
                            f"libreoffice-impress python3-uno), or set ${SOFFICE_ENV} to its soffice.")


def _bwrap_prefix() -> list[str]:
    hidden = sorted({str(Path.home().resolve()), str(Path.cwd().resolve())} - {"/"})
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
               "--tmpfs", "/dev/shm"]
    for path in hidden:
        command += ["--tmpfs", path]
    command += ["--ro-bind", str(Path(__file__).resolve()), _BRIDGE_MOUNT,
                "--unshare-user", "--uid", "65534", "--gid", "65534", "--unshare-ipc", "--unshare-pid",
                "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--clearenv", "--chdir", "/tmp"]
    return command


def _descendants(pid: int) -> list[int]:
    from trl_visual_sdpo.sandbox import _descendants as descendants

    return descendants(pid)


class OfficeConverter:
    """One warm LibreOffice converting .pptx bytes to PDF bytes, one deck at a time (thread-safe).

    Args:
        timeout_s: wall-clock seconds one conversion may take; then the office is killed and restarted.
        start_timeout_s: seconds LibreOffice may take to start.
        memory_mb: address-space limit of the office processes.
        isolation: `"bwrap"` (required), `"none"`, or `"auto"` (bubblewrap when it works, else a loud warning).
        python: a Python with the UNO bindings (default: found automatically).
    """

    def __init__(self, timeout_s: float = 30.0, start_timeout_s: float = 120.0, memory_mb: int = 4096,
                 isolation: str = "auto", python: str | None = None, soffice: str | None = None):
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError(f"isolation must be 'auto', 'bwrap' or 'none', got {isolation!r}.")
        self.timeout_s, self.start_timeout_s, self.memory_mb = timeout_s, start_timeout_s, memory_mb
        self._isolation, self._python, self._soffice = isolation, python, soffice
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.restarts = 0
        # bwrap's --die-with-parent fires when the thread that started it ends: start it from one long-lived thread.
        from concurrent.futures import ThreadPoolExecutor

        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="office-spawn")

    def _command(self) -> tuple[list[str], dict | None]:
        from trl_visual_sdpo.sandbox import bwrap_works, warn_once

        python = find_office_python(self._python)
        soffice = find_soffice(self._soffice)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
               SOFFICE_ENV: soffice, "SAL_USE_VCLPLUGIN": "svp"}
        if self._isolation != "none" and bwrap_works():
            prefix = _bwrap_prefix()
            for key, value in env.items():
                prefix += ["--setenv", key, value]
            return [*prefix, python, _BRIDGE_MOUNT], {}
        if self._isolation == "bwrap":
            raise RuntimeError("OfficeConverter isolation='bwrap' but bubblewrap cannot run here. Install it "
                               "(apt-get install bubblewrap) or use isolation='auto'.")
        warn_once("bubblewrap is not available: LibreOffice converts decks WITHOUT file-system and network "
                  "isolation. Install bubblewrap (apt-get install bubblewrap) to isolate it.")
        import tempfile

        return [python, str(Path(__file__).resolve())], {**env, "TMPDIR": tempfile.mkdtemp(prefix="tvs-office-")}

    def _start(self) -> subprocess.Popen:
        command, env = self._command()
        limit = self.memory_mb * 1024 * 1024

        def limits():  # in the child, before exec: inherited by bwrap and every office process
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=env, start_new_session=True, preexec_fn=limits)
        try:
            status, payload = self._read_reply(process, self.start_timeout_s)
        except OfficeError as error:
            self._kill(process)
            raise OfficeError(f"LibreOffice did not start: {error}") from None
        if status != _OK:
            self._kill(process)
            raise OfficeError(f"LibreOffice did not start: {payload.decode(errors='replace')}")
        return process

    @staticmethod
    def _read_reply(process: subprocess.Popen, timeout_s: float) -> tuple[bytes, bytes]:
        fd, buffer, deadline = process.stdout.fileno(), b"", time.monotonic() + timeout_s
        need = 1 + _HEADER.size
        while len(buffer) < need:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OfficeError(f"no answer within {timeout_s:g} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise OfficeError("the office process exited")
            buffer += chunk
            if len(buffer) >= 1 + _HEADER.size:
                need = 1 + _HEADER.size + _HEADER.unpack(buffer[1 : 1 + _HEADER.size])[0]
        return buffer[:1], buffer[1 + _HEADER.size : need]

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        # bwrap puts the office in a new session inside a new PID namespace: kill the whole tree, deepest first.
        for pid in [*reversed(_descendants(process.pid)), process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        process.wait()

    def _ensure(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            if self._process is not None:
                self._kill(self._process)
                self.restarts += 1
            self._process = None
            self._process = self._spawner.submit(self._start).result()
        return self._process

    def convert(self, deck: bytes, timeout_s: float | None = None) -> bytes:
        """PDF bytes of the deck. Raises `OfficeError` (with a clear message) when it cannot be converted."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        with self._lock:
            process = self._ensure()
            try:
                process.stdin.write(_HEADER.pack(len(deck)) + deck)
                process.stdin.flush()
                status, payload = self._read_reply(process, timeout)
            except (OfficeError, OSError) as error:
                self._kill(process)  # hung or dead: the next deck gets a fresh office
                if isinstance(error, OfficeError) and str(error).startswith("no answer"):
                    raise OfficeError(f"LibreOffice did not convert the deck within {timeout:g} s (a deck too "
                                      "big or too complex to lay out); the converter was restarted. Make a "
                                      "smaller deck.") from None
                raise OfficeError("LibreOffice crashed while converting the deck (a corrupt or hostile file?); "
                                  "the converter was restarted.") from None
            if payload == _CRASHED:  # the bridge is exiting: make sure the next deck starts a fresh office
                self._kill(process)
                raise OfficeError(_CRASHED.decode())
        if status != _OK:
            reason = payload.decode(errors="replace") or "unknown error"
            raise OfficeError(f"LibreOffice could not convert the deck: {reason} Save a valid deck with "
                              "python-pptx (prs.save('deck.pptx')).")
        return payload

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._kill(self._process)
                self._process = None
        self._spawner.shutdown(wait=False)


if __name__ == "__main__":
    serve()
