"""Progress on stderr (a terminal, --progress, --quiet) and Ctrl-C: exit 3, "nothing is claimed"."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import random
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

from exactpwl import Network, regions
from exactpwl.progress import Progress

MAX3 = str(ROOT / "examples" / "max3.json")


def test_progress_keeps_counts_and_draws_them():
    stream = io.StringIO()
    p = Progress(show=True, stream=stream)
    g = regions(Network.load(MAX3), progress=p)
    p.close()
    assert (p.found, p.queued) == (len(g), 0) == (5, 0)  # max3 has 5 regions (tests/test_cli.py)
    assert "5 regions found, 0 queued" in stream.getvalue() and "regions/s" in stream.getvalue()
    quiet = Progress(show=False, stream=stream)
    quiet(3, 1)
    assert (quiet.found, quiet.queued) == (3, 1)


def _run(args, stderr):
    return subprocess.run(
        [sys.executable, "-m", "exactpwl", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        timeout=120,
    )


@pytest.mark.parametrize(
    "flags, shown",
    [([], False), (["--progress"], True), (["--quiet"], False)],
    ids=["default", "forced", "quiet"],
)
def test_off_a_terminal_progress_is_shown_only_when_asked(flags, shown):
    for args in (["regions", MAX3], ["certify", MAX3, "--expr", "max(0, x1, x2)"]):
        r = _run([*args, *flags], subprocess.PIPE)
        assert r.returncode == 0, r.stderr
        assert (b"5 regions found, 0 queued" in r.stderr) == shown, r.stderr
        assert b"found" not in r.stdout


@pytest.mark.parametrize("flags, shown", [([], True), (["--quiet"], False)], ids=["terminal", "quiet"])
def test_on_a_terminal_progress_is_shown_unless_quiet(flags, shown, tmp_path):
    # a network slow enough for the walk (about a second) to pass the display's half-second delay;
    # the subdivision kernel, the default on a box, is done before the display would start
    net = tmp_path / "net.json"
    _random_network(3, [10, 10], seed=1).save(net)
    master, slave = pty.openpty()
    try:
        r = _run(["regions", str(net), "--box", "-5", "5", "--kernel", "walk", *flags], slave)
        os.close(slave)
        out = _read_all(master)
    finally:
        os.close(master)
    assert r.returncode == 0
    assert ("regions found" in out) == shown, out


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal's other end is closed
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode(errors="replace")


def _random_network(n: int, hidden: list[int], seed: int) -> Network:
    rng = random.Random(seed)
    sizes = [n, *hidden, 1]
    return Network.from_layers(
        [
            (
                [[rng.randint(-3, 3) for _ in range(a)] for _ in range(b)],
                [rng.randint(-3, 3) for _ in range(b)],
            )
            for a, b in zip(sizes, sizes[1:])
        ]
    )


@pytest.mark.parametrize("command", ["regions", "certify"])
def test_ctrl_c_stops_cleanly_with_exit_3(command, tmp_path):
    # a random 4-16-16-16-1 network: far more than the 54,015 regions of a 4-12-12-12-1 one in
    # [-10, 10]^4 (NOTES.md: a minute for the walk, 3 s for subdivision), so either command runs
    # much longer than the second after which the interrupt lands
    net = tmp_path / "long.json"
    _random_network(4, [16, 16, 16], seed=4).save(net)
    args = ["regions", str(net)] if command == "regions" else ["certify", str(net), str(net)]
    p = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "exactpwl", *args, "--box", "-10", "10", "--progress"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.extend(iter(lambda: p.stderr.read1(4096), b"")))
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while b"regions found" not in b"".join(err):  # the run has started
            assert p.poll() is None and time.monotonic() < deadline, b"".join(err)
            time.sleep(0.05)
        time.sleep(1)
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:  # say where it hangs: faulthandler dumps every thread
            p.send_signal(signal.SIGABRT)
            p.wait(timeout=30)
            reader.join(timeout=10)
            raise AssertionError(b"".join(err).decode(errors="replace")[-4000:]) from None
        out = p.stdout.read()
    finally:
        p.kill()
        reader.join()
        p.stdout.close()
        p.stderr.close()
    text = b"".join(err).decode()
    assert p.returncode == 3, text
    assert out == b""  # nothing is claimed on stdout
    assert "Traceback" not in text
    last = text.replace("\r", "\n").strip().splitlines()[-1]
    m = re.fullmatch(r"exactpwl: interrupted after (\d+) regions; nothing is claimed", last)
    assert m, last
    shown = [int(k) for k in re.findall(r"(\d+) regions found", text)]
    assert int(m.group(1)) >= max(shown) >= 1  # at least what the display had shown


def test_ctrl_c_stops_a_parallel_proof_run(tmp_path):
    # Ctrl-C at a terminal reaches the whole process group, workers included: the pool must not
    # wait for them (it used to hang), and nothing may print a traceback
    p = subprocess.Popen(
        [sys.executable, "-m", "exactpwl", "prove", "--jobs", "2", "--witnesses", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert p.stdout.readline().startswith(b"result")  # the table's header: the run has started
        time.sleep(1)
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 3, err
    assert err.decode().strip().splitlines()[-1] == "exactpwl: interrupted; nothing is claimed"
    assert b"Traceback" not in err and b"Process " not in err
