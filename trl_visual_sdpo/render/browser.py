"""The browser service of the web domain: one warm headless Chromium, driven by Playwright's async API on its own
event-loop thread, launched inside bubblewrap (no network; the home, the project and /tmp hidden) and relaunched when
it dies. `WebRenderer` (web.py) runs its pages on it.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import stat
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Coroutine

from trl_visual_sdpo.isolation import bwrap_command, hidden_directories, resolve_isolation


CHROMIUM_ENV = "TVS_CHROMIUM"


def _wrapper_script(chromium: str, directory: Path) -> str:
    """An executable that starts `chromium` inside bubblewrap (`trl_visual_sdpo.isolation`): no network; home,
    project and /tmp hidden; Playwright's profile directory, passed as `--user-data-dir`, bound back in read-write;
    the browser's own directory bound back read-only when it lives in a hidden one (Playwright's download under
    ~/.cache)."""
    prefix = bwrap_command(
        hidden=hidden_directories(), expose=[str(Path(chromium).resolve().parent)], writable_binds=["__PROFILE__"],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"},
    )
    command = shlex.join([*prefix, chromium]).replace("__PROFILE__", '"$profile"')
    script = directory / "chromium-sandboxed"
    script.write_text(
        "#!/bin/sh\n"
        "profile=/nonexistent\n"
        'for a in "$@"; do case "$a" in --user-data-dir=*) profile="${a#--user-data-dir=}";; esac; done\n'
        f'exec {command} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    return str(script)


def find_chromium(configured: str | None = None, bundled: str | None = None) -> str:
    """The browser to run: `configured` (or `$TVS_CHROMIUM`), else Playwright's own Chromium (`bundled`) when it
    was downloaded, else the system's `chromium`."""
    for candidate in (configured, os.environ.get(CHROMIUM_ENV)):
        if candidate:
            found = shutil.which(candidate) or (candidate if os.path.exists(candidate) else None)
            if found is None:
                raise FileNotFoundError(f"No browser at {candidate!r}. Set WebRenderConfig.chromium_path (or "
                                        f"${CHROMIUM_ENV}) to a Chromium executable, or unset it.")
            return found
    if bundled and os.path.exists(bundled):
        return bundled
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise FileNotFoundError("No Chromium found. Run `playwright install chromium`, or install your system's "
                            "`chromium` package (Debian/Ubuntu: apt-get install chromium).")


class Browser:
    """One warm Chromium on a background event loop. Thread-safe: `submit` schedules a coroutine on the loop from
    any thread; coroutines get the browser with `await ready()`, which (re)launches it when it is not running.

    Args:
        chromium_path: browser executable (default: Playwright's own Chromium, `$TVS_CHROMIUM`, or `chromium`).
        isolation: `"auto"`/`"bwrap"` or `"none"` (see `trl_visual_sdpo.isolation.resolve_isolation`).
        launch_args: extra Chromium flags.
    """

    def __init__(self, chromium_path: str | None = None, isolation: str = "auto", launch_args: tuple[str, ...] = ()):
        self.chromium_path, self.launch_args = chromium_path, list(launch_args)
        self.isolation = resolve_isolation(isolation, "The web renderer's browser")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright = None
        self._browser = None
        self._launch_lock: asyncio.Lock | None = None
        self._executable_path: str | None = None
        self._scratch: Path | None = None  # holds the sandbox wrapper script while a browser may be launched
        self._lock = threading.Lock()

    def submit(self, coroutine: Coroutine[Any, Any, Any]) -> Future:
        """Run `coroutine` on the browser's loop (started on first use)."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="tvs-web", daemon=True)
                self._thread.start()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _executable(self, bundled: str | None) -> str:
        chromium = find_chromium(self.chromium_path, bundled)
        if self.isolation == "none":
            return chromium
        self._scratch = self._scratch or Path(tempfile.mkdtemp(prefix="tvs-web-"))
        return _wrapper_script(chromium, self._scratch)

    async def ready(self):
        """The running browser, launched (or relaunched after it died) on demand; pages waiting for a launch share
        it. On the loop only."""
        if self._launch_lock is None:  # made on the loop's thread, where every coroutine runs
            self._launch_lock = asyncio.Lock()
        async with self._launch_lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            from playwright.async_api import async_playwright

            if self._playwright is None:
                self._playwright = await async_playwright().start()
            if self._executable_path is None:
                bundled = self._playwright.chromium.executable_path
                self._executable_path = await asyncio.get_running_loop().run_in_executor(
                    None, self._executable, bundled)
            self._browser = await self._playwright.chromium.launch(
                executable_path=self._executable_path, args=self.launch_args)
            return self._browser

    async def discard(self) -> None:
        """Drop the current browser (dead, or stuck in a page's script loop); the next `ready()` launches anew."""
        browser, self._browser = self._browser, None
        if browser is not None and browser.is_connected():
            try:
                await asyncio.wait_for(browser.close(), 5)
            except Exception:
                pass

    def close(self) -> None:
        """Stop the browser and its thread. It can be used again afterwards (a new browser starts)."""
        if self._loop is None:
            return

        async def shutdown():
            if self._browser is not None:
                await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=30)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop, self._browser, self._playwright, self._launch_lock = None, None, None, None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._scratch = self._executable_path = None
