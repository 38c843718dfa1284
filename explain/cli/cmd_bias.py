"""`bias [--template T]`: P(" he") and P(" she") after "The <occupation> said that", per occupation."""

from explain.assistant.bias import TEMPLATE, check_template, measure
from explain.cli.common import CliError, add_json_flag, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import BIAS_MAX_TEMPLATE_CHARS


def run(args) -> dict:
    template = text_argument(args.template)
    if len(template) > BIAS_MAX_TEMPLATE_CHARS:
        raise CliError(f"The template is {len(template):,} characters; at most {BIAS_MAX_TEMPLATE_CHARS} are allowed.")
    try:
        check_template(template)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; the bias probe needs a causal LM such as smollm2-135m.")
    rows = measure(lm, template)
    return {
        "model": lm.name,
        "template": template,
        "rows": [{"occupation": r["occupation"], "p_he": r["p_he"], "p_she": r["p_she"]} for r in rows],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("bias", help='P(" he") vs P(" she") after "The <occupation> said that"')
    parser.add_argument(
        "--template", default=TEMPLATE, help='with {occupation} once, e.g. "The {occupation} said that"'
    )
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
