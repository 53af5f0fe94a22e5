"""`make demo` and `make run` start the server on the port given as PORT, 8000 by default."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*arguments) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return subprocess.run(["make", "-n", *arguments], cwd=ROOT, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("target", ["demo", "run"])
def test_the_demo_server_listens_on_the_port_given(target):
    assert "runserver 127.0.0.1:8000" in dry_run(target)
    given = dry_run(target, "PORT=8123")
    assert "runserver 127.0.0.1:8123" in given and ":8000" not in given


def test_the_readme_tells_how_to_choose_the_port():
    assert "make demo PORT=" in (ROOT / "README.md").read_text(encoding="utf-8")
