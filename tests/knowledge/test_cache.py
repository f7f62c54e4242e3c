"""The knowledge-base cache: validated once per change of the files, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fracturecare.knowledge import KnowledgeError
from fracturecare.knowledge import cache as kb_cache
from fracturecare.knowledge.loader import DATA_DIR, load_from


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _counting_build(calls: list) -> object:
    def build(path: Path):
        calls.append(path)
        return load_from(path)

    return build


def test_a_second_start_reads_the_cache_without_validating(data: Path, tmp_path: Path) -> None:
    calls: list = []
    first = kb_cache.load_cached(data, directory=tmp_path / "cache", build=_counting_build(calls))
    second = kb_cache.load_cached(data, directory=tmp_path / "cache", build=_counting_build(calls))
    assert len(calls) == 1
    assert second.digest == first.digest and second.files == first.files
    # The validator is rebuilt after unpickling and still refuses a bad case.
    assert list(second.case_validator.iter_errors({"injury": {"bone": "no-such-bone"}}))


def test_a_changed_file_is_validated_again_and_a_bad_one_refused(data: Path, tmp_path: Path) -> None:
    calls: list = []
    kb_cache.load_cached(data, directory=tmp_path / "cache", build=_counting_build(calls))
    path = data / "evidence.yaml"
    path.write_text(path.read_text() + "\n# an edit\n")
    kb_cache.load_cached(data, directory=tmp_path / "cache", build=_counting_build(calls))
    assert len(calls) == 2
    path.write_text("sources: 12\n")
    with pytest.raises(KnowledgeError, match="evidence.yaml"):
        kb_cache.load_cached(data, directory=tmp_path / "cache", build=_counting_build(calls))
    # Only the newest good entry is kept.
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1


def test_a_corrupt_entry_is_rebuilt(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    kb_cache.load_cached(data, directory=directory)
    (entry,) = directory.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    calls: list = []
    kb = kb_cache.load_cached(data, directory=directory, build=_counting_build(calls))
    assert len(calls) == 1 and kb.version


def test_an_unwritable_cache_folder_still_loads(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    kb = kb_cache.load_cached(data, directory=blocker / "cache")
    assert kb.sites


def test_the_key_covers_the_checking_code(data: Path) -> None:
    for name in kb_cache._CHECKING_CODE:
        assert (kb_cache.PACKAGE_ROOT / name).is_file()
    assert kb_cache.source_key(data) == kb_cache.source_key(data)
