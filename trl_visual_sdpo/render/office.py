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

Run as a module (`python3 -m trl_visual_sdpo.render.office`) this file is the bridge, so it imports nothing from
the package at the top but the standard-library-only `trl_visual_sdpo.isolation`, whose framing both halves share:
each message is one length-prefixed frame (a status byte, then the PDF or the error), capped before it is read.
A LibreOffice that dies is restarted and the deck retried once; a second death is reported as an infrastructure
failure (`OfficeError.infra`), not as the program's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from trl_visual_sdpo.isolation import (
    PACKAGE_DIR,
    PACKAGE_MOUNT,
    FrameError,
    bwrap_command,
    hidden_directories,
    kill_tree,
    read_frame,
    resolve_isolation,
    write_frame,
)


_OK, _FAILED = b"0", b"1"
_CRASHED = b"LibreOffice crashed while converting the deck."
_PIPE_NAME = "tvs_office"
_BRIDGE_MODULE = "trl_visual_sdpo.render.office"
_MAX_PDF_BYTES = 256 * 1024 * 1024
OFFICE_PYTHON_ENV = "TVS_OFFICE_PYTHON"
SOFFICE_ENV = "TVS_SOFFICE"


class OfficeError(RuntimeError):
    """A deck could not be converted; the message says why and what to do. `infra` is True when LibreOffice itself
    failed twice (our infrastructure), not because of the deck."""

    def __init__(self, message: str, infra: bool = False):
        super().__init__(message)
        self.infra = infra


# ------------------------------------------------------------------------------------------------ bridge side


def _reply(stream, status: bytes, payload: bytes) -> None:
    write_frame(stream, status + payload)


def _properties(**values):
    from com.sun.star.beans import PropertyValue  # the UNO bindings exist only in the bridge's Python

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
    stdin, stdout = sys.stdin.fileno(), sys.stdout.buffer
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "office-work"
    work.mkdir(parents=True, exist_ok=True)
    soffice = os.environ.get(SOFFICE_ENV) or "soffice"
    office, desktop = _connect(soffice, str(work.parent / "office-profile"), time.monotonic() + 120)
    _reply(stdout, _OK, b"ready")
    try:
        while True:
            try:
                deck = read_frame(stdin, _MAX_PDF_BYTES)
            except FrameError:
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


class OfficeConverter:
    """One warm LibreOffice converting .pptx bytes to PDF bytes, one deck at a time (thread-safe).

    Args:
        timeout_s: wall-clock seconds one conversion may take; then the office is killed and restarted.
        start_timeout_s: seconds LibreOffice may take to start.
        memory_mb: address-space limit of the office processes.
        isolation: `"auto"`/`"bwrap"` (bubblewrap; an error naming the fix where it cannot run) or `"none"` (an
            explicit opt-out, which warns).
        python: a Python with the UNO bindings (default: found automatically).
    """

    def __init__(self, timeout_s: float = 30.0, start_timeout_s: float = 120.0, memory_mb: int = 4096,
                 isolation: str = "auto", python: str | None = None, soffice: str | None = None):
        self.isolation = resolve_isolation(isolation, "The LibreOffice converter")
        self.timeout_s, self.start_timeout_s, self.memory_mb = timeout_s, start_timeout_s, memory_mb
        self._python, self._soffice = python, soffice
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.restarts = 0
        # bwrap's --die-with-parent fires when the thread that started it ends: start it from one long-lived thread.
        from concurrent.futures import ThreadPoolExecutor

        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="office-spawn")

    def _command(self) -> tuple[list[str], dict]:
        python = find_office_python(self._python)
        soffice = find_soffice(self._soffice)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
               SOFFICE_ENV: soffice, "SAL_USE_VCLPLUGIN": "svp"}
        bridge = [python, "-m", _BRIDGE_MODULE]
        if self.isolation == "bwrap":
            # The office runs as `nobody` in a user namespace, sees only this package (for the framing), and has no
            # network: its UNO pipe is a local socket inside the sandbox.
            prefix = bwrap_command(hidden=hidden_directories(),
                                   ro_binds={str(PACKAGE_DIR): f"{PACKAGE_MOUNT}/trl_visual_sdpo"},
                                   env={**env, "PYTHONPATH": PACKAGE_MOUNT}, uid=65534)
            return [*prefix, *bridge], {}
        import tempfile

        return bridge, {**env, "TMPDIR": tempfile.mkdtemp(prefix="tvs-office-"), "PYTHONPATH": str(PACKAGE_DIR.parent)}

    def _start(self) -> subprocess.Popen:
        command, env = self._command()
        limit = self.memory_mb * 1024 * 1024

        def limits():  # in the child, before exec: inherited by bwrap and every office process
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        import tempfile

        with tempfile.TemporaryFile() as stderr:  # read only when the start fails
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                       env=env, start_new_session=True, preexec_fn=limits)
            try:
                status, payload = self._read_reply(process, self.start_timeout_s)
            except OfficeError as error:
                self._kill(process)
                stderr.seek(0)
                tail = stderr.read()[-2000:].decode(errors="replace").strip() or "(nothing)"
                raise OfficeError(f"LibreOffice did not start: {error}. Its stderr: {tail}", infra=True) from None
        if status != _OK:
            self._kill(process)
            raise OfficeError(f"LibreOffice did not start: {payload.decode(errors='replace')}", infra=True)
        return process

    @staticmethod
    def _read_reply(process: subprocess.Popen, timeout_s: float, since: float | None = None) -> tuple[bytes, bytes]:
        """The office's reply, if it comes within `timeout_s` of `since` (a `time.monotonic()` value; default: now)."""
        try:
            frame = read_frame(process.stdout.fileno(), _MAX_PDF_BYTES + 1,
                               (time.monotonic() if since is None else since) + timeout_s)
        except FrameError as error:
            raise OfficeError(f"no answer within {timeout_s:g} s" if error.kind == "timeout" else
                              f"the office process exited ({error})") from None
        if not frame:
            raise OfficeError("the office process sent an empty message")
        return frame[:1], frame[1:]

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        kill_tree(process.pid)
        process.wait()

    def _ensure(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            if self._process is not None:
                self._kill(self._process)
                self.restarts += 1
            self._process = None
            self._process = self._spawner.submit(self._start).result()
        return self._process

    def _convert_once(self, deck: bytes, timeout: float) -> tuple[bytes, bytes]:
        process = self._ensure()
        # The time limit starts before the deck is sent: on a loaded machine the office may finish while this thread
        # waits to read, and a limit that started at the read would not count that time.
        sent = time.monotonic()
        try:
            write_frame(process.stdin, deck)
            status, payload = self._read_reply(process, timeout, since=sent)
        except (OfficeError, OSError) as error:
            self._kill(process)  # hung or dead: the next try gets a fresh office
            if isinstance(error, OfficeError) and str(error).startswith("no answer"):
                raise OfficeError(f"LibreOffice did not convert the deck within {timeout:g} s (a deck too big or "
                                  "too complex to lay out); the converter was restarted. "
                                  "Make a smaller deck.") from None
            return _FAILED, _CRASHED
        if payload == _CRASHED:  # the bridge is exiting: make sure the next deck starts a fresh office
            self._kill(process)
        return status, payload

    def convert(self, deck: bytes, timeout_s: float | None = None) -> bytes:
        """PDF bytes of the deck. Raises `OfficeError` (with a clear message) when it cannot be converted; an
        office that dies is restarted and the deck retried once, and a second death is `OfficeError(infra=True)`."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        with self._lock:
            status, payload = self._convert_once(deck, timeout)
            if payload == _CRASHED:
                status, payload = self._convert_once(deck, timeout)
                if payload == _CRASHED:
                    raise OfficeError("LibreOffice crashed twice while converting the deck and was restarted; this "
                                      "is an infrastructure failure, not the program's.", infra=True)
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
