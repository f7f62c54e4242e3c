"""The `fracturecare` command: plan, serve, demo and manage.

`plan` needs no database and does not start Django, so it answers fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

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
    """Print a plan (or a batch of plans) for the case(s) in a JSON file or stdin."""
    from fracturecare.engine import CaseError, make_plan
    from fracturecare.engine.render import render_text
    from fracturecare.knowledge import load_knowledge

    try:
        text = _read_input(args.case)
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
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
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
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
    """Migrate and load demo data (idempotent); print the demo logins."""
    _django(["migrate", "--no-input", "-v", "0"])
    return _django(["load_demo"])


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, collect static files and serve with gunicorn (several workers)."""
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["collectstatic", "--no-input", "-v", "0"])
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [
        str(gunicorn),
        "fracturecare.wsgi:application",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "--access-logfile", "-",
    ]
    os.execv(argv[0], argv)
    return 0  # pragma: no cover - execv does not return


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
    serve.add_argument("--workers", type=int, default=3)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="load demo data and print demo logins")
    demo.set_defaults(func=cmd_demo)

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
