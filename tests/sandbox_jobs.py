"""Job functions the sandbox tests run inside the sandbox (each is `function(payload) -> dict`)."""

import os
import socket
import subprocess
import time


def echo(payload):
    return {"echo": payload["value"], "cwd": os.getcwd(), "uid": os.getuid()}


def raise_error(payload):
    return {"value": 1 / 0}


def sleep_forever(payload):
    while True:
        time.sleep(0.1)


def allocate(payload):
    blob = bytearray(payload["mb"] * 1024 * 1024)
    return {"size": len(blob)}


def fork_bomb(payload):
    children = 0
    try:
        for _ in range(10_000):
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            children += 1
    except OSError as exc:
        return {"children": children, "error": str(exc)}
    return {"children": children}


def spawn_daemon(payload):
    proc = subprocess.Popen(["sleep", "300"], start_new_session=True)
    return {"pid": proc.pid}


def list_processes(payload):
    return {"pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}


def write_file(payload):
    with open(payload["path"], "w") as handle:
        handle.write("pwned")
    return {"written": True}


def read_file(payload):
    with open(payload["path"]) as handle:
        return {"content": handle.read()}


def read_env(payload):
    return {"value": os.environ.get(payload["name"])}


def connect(payload):
    socket.create_connection(("127.0.0.1", payload["port"]), timeout=2).close()
    return {"connected": True}


def kill_parent(payload):
    os.kill(os.getppid(), 9)
    time.sleep(5)
    return {}


def nap(payload):
    time.sleep(payload["seconds"])
    return {"pid": os.getpid()}


# ----------------------------------------------------------------------------- forged result messages
# A program runs in the same process as the code that reports its result, so it can find the result pipe and
# write to it itself. Each job below tries a different forgery; all must fail cleanly, and nothing may run outside
# the child.


def _result_pipes():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:") and int(name) > 2:
                fds.append(int(name))
        except OSError:
            pass
    return fds


def _forge(data: bytes, header: bytes | None = None):
    import struct

    for fd in _result_pipes():
        try:
            os.write(fd, (header if header is not None else struct.pack("!Q", len(data))) + data)
        except OSError:
            pass


class _Marker:
    """Unpickling this creates a file: proof that someone outside the child deserialised the job's bytes."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def forge_pickle(payload):
    import pickle

    _forge(pickle.dumps({"ok": True, "value": _Marker(payload["marker"])}))
    os._exit(0)


def forge_huge_header(payload):
    import struct

    _forge(b"x" * 16, header=struct.pack("!Q", 1 << 62))
    os._exit(0)


def forge_malformed(payload):
    _forge(b'{"ok": true, "value": {"png": "not msgpack"}')
    os._exit(0)


def forge_wrong_schema(payload):
    import msgspec

    _forge(msgspec.msgpack.encode({"ok": True, "value": "not a dict", "extra": 1}))
    os._exit(0)


def forge_two_messages(payload):
    import msgspec

    _forge(msgspec.msgpack.encode({"ok": True, "value": {"forged": True}}))
    return {"genuine": True}  # the sandbox then writes its own report: two messages


def forge_then_crash(payload):
    import signal

    import msgspec

    _forge(msgspec.msgpack.encode({"ok": True, "value": {"forged": True}}))
    os.kill(os.getpid(), signal.SIGSEGV)


def import_package_module(payload):
    import importlib

    module = importlib.import_module(payload["module"])  # imported here, as the job user, not preloaded
    return {"file": module.__file__, "uid": os.getuid()}
