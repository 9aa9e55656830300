"""README.md stays true: its set-up commands, its Python examples and its console sessions."""

from __future__ import annotations

import doctest
import json
import re
import shlex

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


def test_readme_main_example_runs():
    cmd = _blocks("bash")[0].strip().splitlines()[0].split("&&", 1)[1].split()
    assert cmd[0] == "exactpwl"
    r = run_cli(*cmd[1:])
    assert r.returncode == 0, r.stderr
    assert "activation regions:" in r.stdout


def test_readme_python_examples():
    failures, tried = doctest.testfile(str(ROOT / "README.md"), module_relative=False, verbose=False)
    assert tried > 0 and failures == 0


def _normalise(line: str) -> object:
    if line.startswith("{"):
        d = json.loads(line)
        d.pop("seconds", None)
        return d
    return line.rstrip()


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
            assert r.returncode == 0, r.stderr
            got = r.stdout.rstrip("\n").splitlines()
            assert [_normalise(x) for x in got] == [_normalise(x) for x in expected], cmd
            sessions += 1
            i = j
    assert sessions >= 3
