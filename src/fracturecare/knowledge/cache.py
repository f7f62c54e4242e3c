"""A validated knowledge base, cached so a process starts without re-validating it.

Validating every file against its schema and cross-checking every reference takes far longer
than a plan. The knowledge only changes when its files (or the code that checks them) change,
so it is validated then: the loaded `KnowledgeBase` is pickled under a key that hashes every
data file, every schema, the engine's contract and the checking code. A process whose files
hash to the key of an existing cache entry loads that entry; any change gives a new key, so a
stale cache is never read, and the next start validates the new files and writes the entry.

The cache lives in `knowledge-cache/` in the data folder (`FRACTURECARE_DATA_DIR`, default
`var/`), never in the package, which may be read-only. If the folder cannot be written the
knowledge base is simply validated on every start: the cache is a speed-up, never a source of
truth. No Django here: `fracturecare plan` must start without it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jsonschema

from fracturecare.knowledge import loader

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/fracturecare
#: Code whose behaviour decides whether a knowledge base is valid: a change to it invalidates the cache.
_CHECKING_CODE = (
    "knowledge/loader.py",
    "knowledge/cache.py",
    "engine/facts.py",
    "engine/conditions.py",
)
#: Bumped when the pickled shape changes in a way the key cannot see.
_FORMAT = b"fracturecare-kb-cache-1"


def cache_dir() -> Path:
    """Where cache entries are kept: `knowledge-cache/` in the data folder."""
    raw = os.environ.get("FRACTURECARE_DATA_DIR", "")
    base = Path(raw).expanduser() if raw else PACKAGE_ROOT.parents[1] / "var"
    return base.resolve() / "knowledge-cache"


def source_key(data_dir: Path) -> str:
    """A hash of everything that decides what the knowledge base is and whether it is valid."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(f"{sys.version_info[:2]}".encode())
    folders = (data_dir, loader.SCHEMA_DIR, loader.CONTRACTS_DIR)
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _CHECKING_CODE:
        digest.update(name.encode() + b"\0" + (PACKAGE_ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def load_cached(
    data_dir: Path, *, directory: Path | None = None, build: Callable[[Path], loader.KnowledgeBase] | None = None
) -> loader.KnowledgeBase:
    """The knowledge base in `data_dir`, from the cache when its files are unchanged.

    On a miss (or an unreadable entry) the files are loaded and fully validated by
    `loader.load_from` (or `build`), which raises `KnowledgeError` exactly as without a cache,
    and the result is stored for the next start.
    """
    build = build or loader.load_from
    directory = directory or cache_dir()
    key = source_key(data_dir)
    entry = directory / f"{key}.pickle"
    try:
        with entry.open("rb") as handle:
            kb = pickle.load(handle)  # noqa: S301 - written by this module, in the operator's data folder
        if isinstance(kb, loader.KnowledgeBase):
            # The compiled case validator holds closures and is not stored; building one from the
            # (already checked) schema is cheap: it does not re-check anything.
            return dataclasses.replace(kb, case_validator=jsonschema.Draft202012Validator(kb.case_schema))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass  # no entry, or one from another version of the code: validate afresh
    kb = build(data_dir)
    _store(directory, entry, kb)
    return kb


def _store(directory: Path, entry: Path, kb: loader.KnowledgeBase) -> None:
    """Write the entry atomically (a reader never sees half a file) and drop older entries."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(dataclasses.replace(kb, case_validator=None), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
        for old in directory.glob("*.pickle"):
            if old != entry:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, AttributeError, TypeError):
        return  # a read-only data folder (or an unpicklable field): validate on every start instead


@functools.cache
def load_knowledge() -> loader.KnowledgeBase:
    """The project's knowledge base, once per process: validated when its files change, cached otherwise."""
    return load_cached(loader.DATA_DIR)
