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
