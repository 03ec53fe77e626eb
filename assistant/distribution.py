"""What is installed: policyqa's version and a check that its generic top-level packages are really its own.

The wheel installs six plainly named packages (assistant, ingest, web, ...) into site-packages. Another
distribution shipping a package of the same name would shadow or overwrite ours, so the CLI checks at start
that every one resolves to the directory this code runs from and that nothing else installed files into it.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from assistant.config import APP_NAME, REPO_ROOT, is_checkout

TOP_LEVEL_PACKAGES = ("assistant", "ingest", "prompts", "vectorstore", "web", "eval")


@dataclass(frozen=True)
class PackageClash:
    """One top-level package that is not (only) policyqa's: the path that gives it away and who else owns it."""

    package: str
    path: Path | None
    problem: str
    other_distribution: str | None = None

    def describe(self) -> str:
        """One line naming the clashing path and what to do about it."""
        owner = f" (installed by {self.other_distribution})" if self.other_distribution else ""
        where = str(self.path) if self.path else "nowhere"
        return (
            f"package '{self.package}' clashes with another installed package: {where} {self.problem}{owner}; "
            "install policyqa into a virtual environment of its own"
        )


def package_version() -> str:
    """The installed policyqa version ('unknown' when running from an uninstalled tree)."""
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def install_kind(root: Path = REPO_ROOT) -> str:
    """'source checkout' or 'installed package', by where the code runs from."""
    return "source checkout" if is_checkout(root) else "installed package"


def find_clashes(root: Path = REPO_ROOT) -> list[PackageClash]:
    """Packages that resolve outside `root`, or whose installed files differ from policyqa's RECORD."""
    root = root.resolve()
    clashes = []
    for name in TOP_LEVEL_PACKAGES:
        found = _package_dir(name)
        if found != root / name:
            clashes.append(PackageClash(name, found, f"is imported instead of {root / name}"))
    clashes += _record_mismatches(root)
    if clashes:
        owners = _other_owners(root)  # slow (reads every RECORD), so only once something is wrong
        clashes = [replace(c, other_distribution=owners.get(c.package)) for c in clashes]
    return clashes


def _package_dir(name: str) -> Path | None:
    """The directory `import name` would load (without importing it)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
        return Path(spec.origin).resolve().parent
    locations = list(spec.submodule_search_locations or [])
    return Path(locations[0]).resolve() if locations else None


def _own_files(root: Path) -> dict[Path, str | None]:
    """policyqa's package files in `root` per its wheel RECORD, with their sha256 (empty for a checkout)."""
    if is_checkout(root):
        return {}  # an editable install records no package files; the tree is the truth
    for dist in metadata.distributions(path=[str(root)]):
        if (dist.metadata["Name"] or "").lower() == APP_NAME and dist.read_text("RECORD") is not None:
            return {
                Path(str(file)): file.hash.value if file.hash and file.hash.mode == "sha256" else None
                for file in dist.files or []
                if file.parts[0] in TOP_LEVEL_PACKAGES and "__pycache__" not in file.parts
            }
    return {}


def _record_mismatches(root: Path) -> list[PackageClash]:
    """Files another installation overwrote or added inside policyqa's package directories."""
    recorded = _own_files(root)
    if not recorded:
        return []
    clashes = []
    for name in TOP_LEVEL_PACKAGES:
        present = {
            path.relative_to(root)
            for path in (root / name).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
        for rel in sorted(present - recorded.keys()):
            clashes.append(PackageClash(name, root / rel, "is not a file of policyqa"))
        for rel in sorted(present & recorded.keys()):
            digest = recorded[rel]
            if digest is not None and _sha256(root / rel) != digest:
                clashes.append(PackageClash(name, root / rel, "was overwritten after policyqa was installed"))
    return clashes


def _sha256(path: Path) -> str:
    """The RECORD form of a file's digest: urlsafe base64 of sha256, without padding."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _other_owners(root: Path) -> dict[str, str]:
    """Our package names that a distribution other than policyqa, installed in `root`, also ships."""
    pattern = re.compile(rf"^({'|'.join(TOP_LEVEL_PACKAGES)})/", re.MULTILINE)
    owners: dict[str, str] = {}
    for dist in metadata.distributions(path=[str(root)]):
        name = dist.metadata["Name"] or "?"
        if name.lower() == APP_NAME:
            continue
        listing = dist.read_text("RECORD") or dist.read_text("installed-files.txt") or ""
        packages = set(pattern.findall(listing)) | set((dist.read_text("top_level.txt") or "").split())
        for package in packages & set(TOP_LEVEL_PACKAGES):
            owners.setdefault(package, f"distribution '{name} {dist.version}'")
    return owners
