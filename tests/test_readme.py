"""The README is the documentation: it must name every setting and the two commands."""

from __future__ import annotations

from pathlib import Path

from babelwire.config import describe_settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [env for _key, env, _default, _doc in describe_settings() if env not in README]
    assert missing == []


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "./scripts/test" in README and "./scripts/test" in ci
    assert "BABELWIRE_REQUIRE_SERVICES=1" in ci
