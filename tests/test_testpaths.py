"""Every app's tests run: a tests folder left out of pytest's testpaths would never run in
CI (the workbooks and publishing apps' tests once went unrun that way)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_tests_folder_is_in_testpaths():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {p.parent.name for p in ROOT.glob("*/tests/__init__.py")} | {"tests"}
    assert folders <= testpaths, f"not run by scripts/test: {sorted(folders - testpaths)}"
