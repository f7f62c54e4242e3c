"""Encrypted backups of a running clinic, and restoring them (`fracturecare backup FILE`, `fracturecare restore FILE`).

What a backup holds (a tar archive, encrypted):
- the database: SQLite's online backup of the live file (consistent while the clinic runs), or `pg_dump -Fc`
  (one snapshot) on PostgreSQL;
- the data folder's `secret_key` file when there is one, because the audit chain and signed-visit seals are keyed
  from it (unless FRACTURECARE_AUDIT_KEY is set, which the operator keeps elsewhere);
- `manifest.json`: when, which database, and the audit chain's head, so a restore can be checked.

Encryption: scrypt (n=2**15, r=8, p=1) turns the passphrase into a 256-bit key; the archive is cut into 1 MiB
chunks, each sealed with AES-256-GCM under its own nonce and bound to the header, its number and whether it is the
last, so a chunk cannot be swapped, dropped or the file cut short unnoticed.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"FRACTURECARE-BACKUP-1\n"
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Encryption (streamed in chunks, so a large database never sits in memory).
# --------------------------------------------------------------------------------------------


def _key(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return Scrypt(salt=salt, length=32, **params).derive(passphrase.encode())


def encrypt_stream(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Write `source` to `target` encrypted under `passphrase`."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"The backup passphrase must be at least {MIN_PASSPHRASE} characters.")
    salt, prefix = os.urandom(16), os.urandom(4)
    header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode(),
                         "cipher": "AES-256-GCM", "chunk": CHUNK, "nonce_prefix": prefix.hex()}).encode() + b"\n"
    aead = AESGCM(_key(passphrase, salt, SCRYPT))
    target.write(MAGIC + header)
    index, current = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        aad = header + struct.pack(">Q?", index, last)
        sealed = aead.encrypt(prefix + struct.pack(">Q", index), current, aad)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        index, current = index + 1, following


def decrypt_stream(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Write the plain archive from an encrypted `source` to `target`; BackupError on a wrong passphrase."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a fracturecare backup file.")
    header = source.readline()
    try:
        meta = json.loads(header)
        salt, prefix = base64.b64decode(meta["salt"]), bytes.fromhex(meta["nonce_prefix"])
        params = {name: int(meta[name]) for name in ("n", "r", "p")}
    except (ValueError, KeyError, TypeError):
        raise BackupError("The backup file's header is damaged.") from None
    aead = AESGCM(_key(passphrase, salt, params))
    index = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("The backup file is cut short: its last part is missing.")
        sealed = source.read(struct.unpack(">I", size)[0])
        nonce = prefix + struct.pack(">Q", index)
        for last in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, header + struct.pack(">Q?", index, last))
                break
            except InvalidTag:
                continue
        else:
            if index == 0:
                raise BackupError("The passphrase is wrong (or the backup file is damaged).")
            raise BackupError(f"The backup file is damaged (part {index + 1} does not decrypt).")
        target.write(plain)
        if last:
            if source.read(1):
                raise BackupError("The backup file has data after its last part.")
            return
        index += 1


# --------------------------------------------------------------------------------------------
# Taking a backup.
# --------------------------------------------------------------------------------------------


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _database_file(folder: Path, alias: str = "default") -> tuple[str, Path]:
    from django.conf import settings
    from django.db import connections

    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "sqlite":
        target = folder / "db.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # SQLite's online backup: one consistent copy
        finally:
            destination.close()
        return vendor, target
    if vendor == "postgresql":
        db = settings.DATABASES[alias]
        name = connection.settings_dict["NAME"]
        target = folder / "db.dump"
        args, env = _pg_env(db)
        done = subprocess.run(["pg_dump", "-Fc", "--no-owner", *args, "--file", str(target), name],
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return vendor, target
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


def _manifest(vendor: str, alias: str) -> dict[str, Any]:
    from fracturecare.audit.chain import verify_chain

    report = verify_chain(using=alias)
    return {
        "format": 1, "vendor": vendor, "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "audit": {"events": report.checked, "head_seq": report.head_seq, "head_seal": report.head_seal,
                  "intact": report.ok, "problem": report.problem},
    }


def backup(target: Path, passphrase: str, *, alias: str = "default") -> dict[str, Any]:
    """Write an encrypted backup of the database (and the data folder's secret key) to `target`."""
    from django.conf import settings

    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"The backup passphrase must be at least {MIN_PASSPHRASE} characters.")
    with tempfile.TemporaryDirectory(prefix="fracturecare-backup-") as work:
        folder = Path(work)
        vendor, database = _database_file(folder, alias)
        manifest = _manifest(vendor, alias)
        archive = folder / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest, indent=2).encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            secret = Path(settings.DATA_DIR) / "secret_key"
            if secret.exists():
                tar.add(secret, arcname="secret_key")
        partial = target.with_name(target.name + ".partial")
        with archive.open("rb") as source, partial.open("wb") as out:
            os.chmod(partial, 0o600)
            encrypt_stream(source, out, passphrase)
        partial.replace(target)
    return manifest


# --------------------------------------------------------------------------------------------
# Restoring.
# --------------------------------------------------------------------------------------------


def _members(archive: Path, folder: Path) -> dict[str, Path]:
    found = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.name not in ("manifest.json", "db.sqlite3", "db.dump", "secret_key") or not member.isfile():
                raise BackupError(f"The backup holds an unexpected entry {member.name!r}; not restoring it.")
            tar.extract(member, folder, filter="data")
            found[member.name] = folder / member.name
    if "manifest.json" not in found:
        raise BackupError("The backup has no manifest.")
    return found


def sqlite_has_data(path: Path) -> bool:
    """True when the SQLite file at `path` holds any table with rows."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return any(db.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() for table in tables)


def _pg_has_data(db: Mapping[str, Any], name: str) -> bool:
    args, env = _pg_env(db)
    done = subprocess.run(
        ["psql", *args, "--dbname", name, "-tAc",
         "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"],
        env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode:
        raise BackupError(f"Cannot reach the database {name}: {done.stderr.strip()[:300]}")
    return int(done.stdout.strip() or 0) > 0


def restore(source: Path, passphrase: str, *, force: bool = False, sqlite_path: Path | None = None,
            data_dir: Path | None = None, pg_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Restore the backup at `source` into the configured (or given) database; refuse a non-empty one unless `force`.

    Returns the backup's manifest. The running settings choose the target: an SQLite file (`sqlite_path`
    overrides) or a PostgreSQL database (`pg_settings` overrides: a DATABASES entry).
    """
    from django.conf import settings

    db = pg_settings or settings.DATABASES["default"]
    data_dir = data_dir or Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="fracturecare-restore-") as work:
        folder = Path(work)
        archive = folder / "backup.tar"
        with source.open("rb") as encrypted, archive.open("wb") as plain:
            decrypt_stream(encrypted, plain, passphrase)
        members = _members(archive, folder / "x")
        manifest = json.loads(members["manifest.json"].read_text())
        vendor = "sqlite" if sqlite_path is not None else (
            "postgresql" if "postgresql" in db["ENGINE"] else "sqlite" if "sqlite" in db["ENGINE"] else db["ENGINE"])
        if manifest.get("vendor") != vendor:
            raise BackupError(f"This backup is of a {manifest.get('vendor')} database; "
                              f"the clinic is set up for {vendor}. Set DATABASE_URL to match.")
        if vendor == "sqlite":
            if sqlite_path is None and (str(db["NAME"]).startswith("file:") or ":memory:" in str(db["NAME"])):
                raise BackupError("The configured SQLite database is in memory; there is nothing to restore into.")
            target = sqlite_path or Path(db["NAME"])
            if sqlite_has_data(target) and not force:
                raise BackupError(f"{target} already holds a clinic; restore into an empty data folder, "
                                  "or add --force to replace it.")
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(members["db.sqlite3"], staged)
            staged.replace(target)
        else:
            name = db["NAME"]
            if _pg_has_data(db, name) and not force:
                raise BackupError(f"The database {name} is not empty; restore into an empty database, "
                                  "or add --force to replace what is there.")
            args, env = _pg_env(db)
            clean = ["--clean", "--if-exists"] if force else []
            done = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *clean, *args, "--dbname", name,
                                   str(members["db.dump"])], env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
        if "secret_key" in members:
            data_dir.mkdir(parents=True, exist_ok=True)
            key_file = data_dir / "secret_key"
            shutil.copyfile(members["secret_key"], key_file)
            key_file.chmod(0o600)
    return manifest


def read_passphrase(*, confirm: bool) -> str:
    """FRACTURECARE_BACKUP_PASSPHRASE, or asked at a terminal; BackupError when neither is possible."""
    import getpass
    import sys

    passphrase = os.environ.get("FRACTURECARE_BACKUP_PASSPHRASE", "")
    if passphrase:
        return passphrase
    if not sys.stdin.isatty():
        raise BackupError("Set FRACTURECARE_BACKUP_PASSPHRASE (no terminal to ask for the passphrase).")
    passphrase = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Again, to confirm: ") != passphrase:
        raise BackupError("The two passphrases differ.")
    return passphrase


def iter_tables(alias: str = "default") -> Iterator[tuple[str, int]]:
    """(table, row count) for every table of the database, for checking a restore."""
    from django.db import connections

    connection = connections[alias]
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            yield table, cursor.fetchone()[0]
