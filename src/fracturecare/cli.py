"""The `fracturecare` command: plan, serve, demo and manage.

`plan` needs no database and does not start Django, so it answers fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import orjson

EXIT_BAD_INPUT = 2


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise _BadInput(f"cannot read {source}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise _BadInput(f"{source} is not UTF-8 text") from None


class _BadInput(Exception):
    pass


def cmd_plan(args: argparse.Namespace) -> int:
    """Print a plan (or a batch of plans) for the case(s) in a JSON file or stdin.

    orjson parses and writes the JSON (most of a batch's cost with the standard encoder; it also
    refuses NaN and Infinity, which are not JSON). The knowledge base comes from its validated
    cache (knowledge/cache.py). Plans are checked against plan.schema.json by the test suite,
    not on every call: the engine's output shape does not depend on the input.
    """
    from fracturecare.engine import CaseError, make_plan
    from fracturecare.engine.render import render_text
    from fracturecare.knowledge import load_knowledge

    try:
        text = _read_input(args.case)
        try:
            payload = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise _BadInput(f"input is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        kb = load_knowledge()
        batch = isinstance(payload, list)
        cases = payload if batch else [payload]
        plans = []
        for index, case in enumerate(cases):
            try:
                plans.append(make_plan(case, kb))
            except CaseError as exc:
                # Every refused field on its own line: a value that does not resolve names its close matches.
                prefix = f"case [{index}]: " if batch else ""
                raise _BadInput("\n".join(f"{prefix}{e.field}: {e.message}" for e in exc.errors)) from None
    except _BadInput as exc:
        print(f"fracturecare plan: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        out = plans if batch else plans[0]
        sys.stdout.flush()
        sys.stdout.buffer.write(orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write("\n\n".join(render_text(p) for p in plans) + "\n")
    return 0


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fracturecare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fracturecare", *argv])
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    """Pass the rest of the command line to Django's management commands."""
    return _django(args.rest)


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate and load demo data (idempotent); print the demo logins.

    With `--patients N`, then add a synthetic clinic of N patients (load tests, benchmarks).
    """
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["load_demo"])
    if args.patients is not None:
        return _django(["generate_clinic", "--patients", str(args.patients), "--seed", str(args.seed)])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, collect static files (hashed names) and serve with gunicorn (gunicorn_conf.py).

    On an empty database it first prints a one-time link to set the clinic up.
    """
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["setup_link"])
    _django(["collectstatic", "--no-input", "-v", "0"])
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [
        str(gunicorn),
        "--config", "python:fracturecare.gunicorn_conf",
        "--bind", f"{args.host}:{args.port}",
    ]
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    if args.threads is not None:
        argv += ["--threads", str(args.threads)]
    argv.append("fracturecare.wsgi:application")
    os.execv(argv[0], argv)
    return 0  # pragma: no cover - execv does not return


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--patients must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--patients must be at least 1, got {value}")
    return value


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fracturecare.settings")
    import django

    django.setup()


def cmd_backup(args: argparse.Namespace) -> int:
    """Write an encrypted backup of the running clinic to FILE (exit 2 when it cannot)."""
    _setup_django()
    from fracturecare.backup import BackupError, backup, read_passphrase

    try:
        manifest = backup(Path(args.file), read_passphrase(confirm=True))
    except (BackupError, OSError) as exc:
        sys.stderr.write(f"fracturecare backup: {exc}\n")
        return 2
    audit = manifest["audit"]
    sys.stdout.write(
        f"Backed up the {manifest['vendor']} database to {args.file}: {audit['events']} audit events, "
        f"chain head {audit['head_seq']} {audit['head_seal']}"
        f"{'' if audit['intact'] else ' (THE AUDIT CHAIN WAS ALREADY BROKEN: ' + audit['problem'] + ')'}.\n"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore FILE into an empty data folder or database (exit 2 when refused or the passphrase is wrong)."""
    _setup_django()
    from fracturecare.backup import BackupError, read_passphrase, restore

    try:
        manifest = restore(Path(args.file), read_passphrase(confirm=False), force=args.force)
    except (BackupError, OSError) as exc:
        sys.stderr.write(f"fracturecare restore: {exc}\n")
        return 2
    audit = manifest["audit"]
    sys.stdout.write(
        f"Restored the backup of {manifest['created']}. Now run `fracturecare manage migrate` and "
        f"`fracturecare manage verify_audit`: it should end at event {audit['head_seq']} {audit['head_seal']}.\n"
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Send due emails and texts until stopped (SIGTERM finishes the message in hand); --once: one pass."""
    argv = ["send_outbox", "--interval", str(args.interval)]
    if args.once:
        argv.append("--once")
    return _django(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fracturecare", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="turn a case (JSON) into an integrated plan")
    plan.add_argument("case", help="case file, or - for standard input; a JSON array is a batch")
    plan.add_argument("--format", choices=["json", "text"], default="json")
    plan.set_defaults(func=cmd_plan)

    serve = sub.add_parser("serve", help="serve the web app with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None, help="processes (default: cores + 1)")
    serve.add_argument("--threads", type=int, default=None, help="threads per process (default: 4)")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="load demo data and print demo logins")
    demo.add_argument("--patients", type=_positive_int, default=None,
                      help="also add a synthetic clinic of N patients (on a fresh database)")
    demo.add_argument("--seed", type=int, default=1, help="with --patients: the same seed gives the same clinic")
    demo.set_defaults(func=cmd_demo)

    backup = sub.add_parser("backup", help="write an encrypted backup of the clinic (FRACTURECARE_BACKUP_PASSPHRASE)")
    backup.add_argument("file", help="where to write the backup")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore an encrypted backup into an empty data folder or database")
    restore.add_argument("file", help="the backup file")
    restore.add_argument("--force", action="store_true", help="replace a database that already holds a clinic")
    restore.set_defaults(func=cmd_restore)

    worker = sub.add_parser("worker", help="send queued emails and texts until stopped")
    worker.add_argument("--once", action="store_true", help="send what is due now, then exit")
    worker.add_argument("--interval", type=float, default=10.0, help="seconds between passes (default 10)")
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, as the contract wants
        return int(exc.code or 0)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
