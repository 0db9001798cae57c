"""Output folders that can never destroy anything: the checks, the lock and the swap."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from evaluation.errors import ParameterError
from evaluation.run import outdir


def _pack(folder: Path, status: str = "complete", marker: str = "paper") -> Path:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(
        {"tool": outdir.TOOL, "status": status, "output_files": {"paper.html": "x"}}))
    (folder / "paper.html").write_text(marker)
    return folder


def _protected(tmp_path: Path) -> dict[Path, str]:
    data = tmp_path / "data" / "sample"
    data.mkdir(parents=True)
    (data / "public_contact.csv").write_text("month\n")
    return {data: "data folder", tmp_path / "notebooks": "notebooks folder"}


def test_a_folder_of_the_users_own_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "my documents"
    mine.mkdir()
    (mine / "budget.xlsx").write_text("precious")
    with pytest.raises(outdir.OutputError, match="not a board pack of this tool.*budget.xlsx"):
        outdir.check_destination(mine, _protected(tmp_path))
    assert (mine / "budget.xlsx").read_text() == "precious"


@pytest.mark.parametrize("where", ["data/sample", "data/sample/packs/x", "data", "."])
def test_inside_or_containing_an_input_folder_is_refused(tmp_path: Path, where: str) -> None:
    protected = _protected(tmp_path)
    with pytest.raises(outdir.OutputError, match="(inside|contains) the data folder"):
        outdir.check_destination(tmp_path / where, protected)


def test_new_empty_and_earlier_pack_are_accepted(tmp_path: Path) -> None:
    protected = _protected(tmp_path)
    outdir.check_destination(tmp_path / "reports" / "new", protected)
    (tmp_path / "empty").mkdir()
    outdir.check_destination(tmp_path / "empty", protected)
    outdir.check_destination(_pack(tmp_path / "reports" / "old"), protected)


def test_a_manifest_of_the_right_shape_alone_is_not_a_pack(tmp_path: Path) -> None:
    # an adversarial probe put {"status":1,"code":1,...} beside thesis.docx and lost it
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps(
        {"status": "complete", "code": {}, "params": {}, "inputs": {}, "sections": []}))
    (old / "thesis.docx").write_text("years of work")
    assert not outdir.is_pack(old)
    with pytest.raises(outdir.OutputError, match="not a board pack of this tool"):
        outdir.check_destination(old, {})
    (old / "manifest.json").write_text("{not json")
    assert not outdir.is_pack(old)


def test_files_a_user_added_to_a_pack_keep_it_from_being_replaced(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "reports" / "sample")
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["output_files"] = {"paper.html": "x"}
    (pack / "manifest.json").write_text(json.dumps(manifest))
    outdir.check_destination(pack, {})  # only its own files: may be replaced
    (pack / "notes").mkdir()
    (pack / "notes" / "my-comments.txt").write_text("mine")
    with pytest.raises(outdir.OutputError, match=r"files its run did not write \(notes/my-comm"):
        outdir.check_destination(pack, {})
    assert outdir.foreign_files(pack) == ["notes/my-comments.txt"]


def test_a_lock_file_that_is_not_ours_is_never_overwritten(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "pack"
    final.parent.mkdir(parents=True)
    lock = final.parent / ".pack.lock"
    lock.write_text("my lock notes")
    with pytest.raises(outdir.OutputError, match="is in the way"):
        outdir.RunLock(final).acquire()
    assert lock.read_text() == "my lock notes"


def test_a_cache_folder_that_is_not_ours_is_never_written(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "pack"
    theirs = tmp_path / "reports" / outdir.CACHE_NAME
    theirs.mkdir(parents=True)
    (theirs / "timings.json").write_text('{"user": 1}')
    with pytest.raises(outdir.OutputError, match="is not the cache of this tool"):
        outdir.cache_dir(final)
    assert (theirs / "timings.json").read_text() == '{"user": 1}'
    mine = outdir.cache_dir(tmp_path / "elsewhere" / "pack")
    assert (mine / outdir.CACHE_MARKER).is_file() and outdir.cache_dir(
        tmp_path / "elsewhere" / "pack") == mine


def test_previous_may_not_be_the_destination(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "reports" / "sample")
    with pytest.raises(ParameterError, match="--previous .* is the destination"):
        outdir.check_destination(pack, {}, previous=pack)


def test_a_second_lock_on_the_same_destination_names_the_holder(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "sample"
    with (outdir.RunLock(final),
          pytest.raises(outdir.OutputError, match=rf"pid {os.getpid()}, started 20")):
        outdir.RunLock(final).acquire()
    # released: the next run takes it, and no lock file is left behind
    with outdir.RunLock(final) as lock:
        assert lock.path.is_file()
    assert not lock.path.exists()


def test_a_complete_run_replaces_the_earlier_pack(tmp_path: Path) -> None:
    final = _pack(tmp_path / "reports" / "sample", marker="old")
    staging = outdir.new_staging(final)
    (staging / "manifest.json").write_text(json.dumps({"tool": outdir.TOOL}))
    (staging / "paper.html").write_text("new")
    where = outdir.publish(staging, final, complete=True)
    assert where == final and (final / "paper.html").read_text() == "new"
    assert not (final / outdir.STAGING_MARKER).exists()
    assert sorted(p.name for p in final.parent.iterdir()) == ["sample"]


def test_a_failed_run_goes_beside_the_good_pack_and_never_over_it(tmp_path: Path) -> None:
    final = _pack(tmp_path / "reports" / "sample", marker="good")
    staging = outdir.new_staging(final)
    (staging / "manifest.json").write_text(json.dumps({"tool": outdir.TOOL, "status": "failed"}))
    where = outdir.publish(staging, final, complete=False)
    assert where == tmp_path / "reports" / "sample.draft"
    assert (final / "paper.html").read_text() == "good"
    # the next complete run removes the stale draft
    staging = outdir.new_staging(final)
    (staging / "manifest.json").write_text(json.dumps({"tool": outdir.TOOL}))
    outdir.publish(staging, final, complete=True)
    assert not where.exists()


def test_staging_left_by_a_killed_run_is_removed_but_nothing_else(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "sample"
    final.parent.mkdir(parents=True)
    killed = final.parent / ".sample.staging-999-deadbeef"
    killed.mkdir()
    (killed / outdir.STAGING_MARKER).write_text("999")
    lookalike = final.parent / ".sample.staging-user-notes"
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("mine")
    staging = outdir.new_staging(final)
    assert not killed.exists()
    assert (lookalike / "notes.txt").read_text() == "mine"
    outdir.discard_staging(staging)
    assert not staging.exists()


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "the disk is full"),
                                             (errno.EROFS, "the file system is read-only")])
def test_an_unwritable_folder_is_one_message_naming_it(tmp_path: Path, code: int,
                                                        words: str) -> None:
    err = outdir.unwritable(tmp_path, OSError(code, os.strerror(code)))
    assert str(tmp_path) in str(err) and words in str(err)
