"""`class create|report|end`: run a live class from the command line (prepare a lesson, script a report).

    python -m explain class create --json        -> {"code", "teacher_key", "join_url", "expires_at"}
    python -m explain class report CODE --key KEY --json
        -> {"students", "nicknames", "answers": [{"question", "counts", "correct", ...}], "texts": N, ...}
    python -m explain class end CODE --key KEY   -> {"code", "ended": true}

The database is the app's (`LLM_EXPLAINER_DB`, or the SQLite file in the cache folder), so a class
created here is joined in the browser. A wrong code or key exits 2 with one line.
"""

from __future__ import annotations

from urllib.parse import urlencode

from explain.cli.common import CliError, add_json_flag
from explain.live_class.classes import ClassError, create_class, end_class
from explain.live_class.report import class_report


def _guard(call):
    try:
        return call()
    except ClassError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    if args.action == "create":
        made = _guard(create_class)
        query = urlencode({"code": made["code"]})
        return {**made, "join_url": f"{args.base_url.rstrip('/')}/class?{query}"}
    if args.action == "report":
        report = _guard(lambda: class_report(args.code, args.key))
        report["steps"] = {str(k): v for k, v in report["steps"].items()}
        return report
    return _guard(lambda: end_class(args.code, args.key))


def register(subparsers) -> None:
    parser = subparsers.add_parser("class", help="a live class: create one, report on it, end it")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="start a class; prints its join code and the teacher key")
    create.add_argument("--base-url", default="http://localhost:8501", help="where students open the app")
    add_json_flag(create)
    for name, text in (("report", "the class's answers and texts"), ("end", "end the class and delete its data")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("code", help="the class's join code")
        sub.add_argument("--key", required=True, help="the teacher key printed by `class create`")
        add_json_flag(sub)
    parser.set_defaults(handler=run)
