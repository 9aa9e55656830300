"""README.md stays true: its set-up commands, its Python examples and its console sessions."""

from __future__ import annotations

import doctest
import importlib.util
import json
import os
import re
import shlex
import shutil

from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text()


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_setup_commands():
    first = _blocks("bash")[0].strip().splitlines()
    assert first[0].startswith("pip install . && exactpwl ")
    assert first[1] == "pip install '.[test]' && python -m pytest"
    # CI runs exactly README's test command
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert first[1] in ci


def test_readme_main_example_runs(tmp_path):
    cmd = shlex.split(_blocks("bash")[0].strip().splitlines()[0].split("&&", 1)[1])
    assert cmd[0] == "exactpwl"
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "max3.json", tmp_path / "examples")
    r = run_cli(*cmd[1:], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("holds:")
    # the certificate it wrote is re-verified independently
    cert = cmd[cmd.index("--certificate") + 1]
    r = run_cli("check", cert, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("valid:"), r.stdout + r.stderr


def test_readme_python_examples():
    text = README
    if importlib.util.find_spec("torch") is None and not os.environ.get("CI"):
        # the PyTorch example needs the torch extra; CI installs it, so there it always runs
        text = re.sub(r"```python\n>>> import torch\n.*?```", "", text, flags=re.S)
    test = doctest.DocTestParser().get_doctest(text, {"__name__": "__main__"}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert test.examples and runner.failures == 0


def _normalise(line: str) -> object:
    if line.startswith("{"):
        d = json.loads(line)
        d.pop("seconds", None)
        return d
    return re.sub(r" +\d+\.\d s$", " <seconds>", line.rstrip())  # times in `prove` tables


def got_refuted(stdout: str) -> bool:
    return stdout.startswith("refuted") or '"holds": false' in stdout


def test_readme_console_sessions():
    sessions = 0
    for block in _blocks("console"):
        lines = block.rstrip("\n").splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), lines[i]
            cmd = shlex.split(lines[i][2:])
            j = i + 1
            while j < len(lines) and not lines[j].startswith("$ "):
                j += 1
            expected = lines[i + 1 : j]
            assert cmd[0] == "exactpwl"
            r = run_cli(*cmd[1:])
            # 0 = done / holds, 1 = refuted: both are answers the README may show
            assert r.returncode in (0, 1), r.stderr
            assert r.returncode == (1 if got_refuted(r.stdout) else 0)
            got = r.stdout.rstrip("\n").splitlines()
            assert [_normalise(x) for x in got] == [_normalise(x) for x in expected], cmd
            sessions += 1
            i = j
    assert sessions >= 3


def test_readme_construct_lines(tmp_path):
    lines = [
        ln.split("#")[0].split()
        for block in _blocks("bash")
        for ln in block.splitlines()
        if ln.startswith("exactpwl construct ")
    ]
    assert len(lines) >= 10
    for cmd in lines:
        cmd = [str(tmp_path / "net.json") if a == "net.json" else a for a in cmd]
        r = run_cli(*cmd[1:])
        assert r.returncode == 0, (cmd, r.stderr)
        assert "certified: holds on " in r.stdout or "certified: fits the " in r.stdout, cmd
