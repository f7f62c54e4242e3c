"""Backups: a demo clinic backed up, restored into an empty folder with every row and a verifying chain."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from fracturecare import backup as backups
from fracturecare.cli import main

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def demo_clinic(transactional_db):
    # Committed data, as in a running clinic: a backup reads outside any open test transaction.
    call_command("load_demo", stdout=io.StringIO())


def _counts() -> dict[str, int]:
    return {table: rows for table, rows in backups.iter_tables() if not table.startswith("fracturecare_flush")}


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables
                if not table.startswith(("sqlite_", "fracturecare_flush"))}


def _verify_standalone(database_url: str, data_dir: Path) -> str:
    """`fracturecare manage verify_audit` against the restored data alone, as an operator would run it."""
    env = {**os.environ, "DATABASE_URL": database_url, "FRACTURECARE_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-m", "fracturecare.cli", "manage", "verify_audit"], env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_encryption_round_trip_and_wrong_passphrase():
    plain = os.urandom(backups.CHUNK * 2 + 5)
    sealed = io.BytesIO()
    backups.encrypt_stream(io.BytesIO(plain), sealed, PASSPHRASE)
    assert plain[:1000] not in sealed.getvalue()
    out = io.BytesIO()
    backups.decrypt_stream(io.BytesIO(sealed.getvalue()), out, PASSPHRASE)
    assert out.getvalue() == plain
    with pytest.raises(backups.BackupError, match="passphrase is wrong"):
        backups.decrypt_stream(io.BytesIO(sealed.getvalue()), io.BytesIO(), "not the passphrase")
    with pytest.raises(backups.BackupError, match="damaged|cut short"):
        backups.decrypt_stream(io.BytesIO(sealed.getvalue()[:-100]), io.BytesIO(), PASSPHRASE)
    with pytest.raises(backups.BackupError, match="at least 12"):
        backups.encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), "short")


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '').startswith('postgres')")
def test_sqlite_backup_restores_every_row_into_an_empty_folder(demo_clinic, tmp_path, settings, monkeypatch):
    monkeypatch.setenv("FRACTURECARE_BACKUP_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "clinic.fcbackup"
    assert main(["backup", str(archive)]) == 0
    assert b"SQLite format" not in archive.read_bytes()
    before = _counts()
    assert before["audit_auditevent"] > 0 and before["patients_patient"] > 0

    empty = tmp_path / "new-data"
    manifest = backups.restore(archive, PASSPHRASE, sqlite_path=empty / "db.sqlite3", data_dir=empty)
    assert manifest["audit"]["intact"] and manifest["audit"]["events"] == before["audit_auditevent"]
    assert (empty / "secret_key").exists() or not (Path(settings.DATA_DIR) / "secret_key").exists()
    assert _sqlite_counts(empty / "db.sqlite3") == before
    assert f"intact: {before['audit_auditevent']} events" in _verify_standalone(
        f"sqlite:///{empty / 'db.sqlite3'}", empty)


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '').startswith('postgres')")
def test_restore_refuses_a_folder_that_holds_a_clinic(demo_clinic, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRACTURECARE_BACKUP_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "clinic.fcbackup"
    assert main(["backup", str(archive)]) == 0
    occupied = tmp_path / "occupied.sqlite3"
    with sqlite3.connect(occupied) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(backups.BackupError, match="already holds a clinic"):
        backups.restore(archive, PASSPHRASE, sqlite_path=occupied, data_dir=tmp_path / "d")
    backups.restore(archive, PASSPHRASE, sqlite_path=occupied, data_dir=tmp_path / "d", force=True)
    assert backups.sqlite_has_data(occupied)
    # The command line: a wrong passphrase is a clear exit 2, before anything is touched.
    monkeypatch.setenv("FRACTURECARE_BACKUP_PASSPHRASE", "a wrong passphrase!")
    assert main(["restore", str(archive)]) == 2
    assert "passphrase is wrong" in capsys.readouterr().err


def test_without_a_passphrase_and_no_terminal_it_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FRACTURECARE_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["backup", str(tmp_path / "x")]) == 2
    assert "FRACTURECARE_BACKUP_PASSPHRASE" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.skipif("not os.environ.get('DATABASE_URL', '').startswith('postgres')")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_throwaway_database(tmp_path, monkeypatch):
    call_command("load_demo", stdout=io.StringIO())
    monkeypatch.setenv("FRACTURECARE_BACKUP_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "clinic.fcbackup"
    assert main(["backup", str(archive)]) == 0
    before = _counts()
    name = f"fc_restore_{uuid.uuid4().hex[:8]}"
    db = dict(connection.settings_dict)
    args, env = backups._pg_env(db)
    subprocess.run(["createdb", *args, name], env=env, check=True)
    try:
        target = {**db, "NAME": name}
        backups.restore(archive, PASSPHRASE, pg_settings=target, data_dir=tmp_path / "data")
        with pytest.raises(backups.BackupError, match="not empty"):
            backups.restore(archive, PASSPHRASE, pg_settings=target, data_dir=tmp_path / "data")
        with psycopg.connect(dbname=name, host=db.get("HOST") or None, port=db.get("PORT") or None,
                             user=db.get("USER") or None, password=db.get("PASSWORD") or None) as restored:
            tables = [row[0] for row in restored.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
            after = {table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
        assert after == before
        user = f"{db['USER']}@" if db.get("USER") else ""
        url = f"postgres://{user}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
        assert f"intact: {before['audit_auditevent']} events" in _verify_standalone(url, tmp_path / "data")
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", name], env=env, check=False)
