"""Rasa's command line with two process-level fixes, used by `make up`/`run` and the Rasa image.

jsonschema 4.17's `validate()` re-checks the schema against its 2020-12 meta-schema on every call;
Rasa validates each action-server response that way, which cost about 60% of a turn's CPU (py-spy).
Checking each distinct schema once and reusing its validator keeps the same result, errors included.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema
from jsonschema import exceptions
from jsonschema.validators import validator_for

_VALIDATORS: dict[str, Any] = {}
_original_validate = jsonschema.validate


def cached_validate(
    instance: Any, schema: dict[str, Any], cls: Any = None, *args: Any, **kwargs: Any
) -> None:
    """jsonschema.validate with the schema checked once per distinct schema."""
    if cls is not None or args or kwargs:
        _original_validate(instance, schema, cls, *args, **kwargs)
        return
    key = json.dumps(schema, sort_keys=True, default=str)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        validator = _VALIDATORS[key] = validator_class(schema)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def apply() -> None:
    jsonschema.validate = cached_validate


def with_api_token(argv: list[str]) -> list[str]:
    """argv plus `--auth-token` from RASA_API_TOKEN (or var/), added inside the process.

    A token on the command line is readable by every local user in `ps`; sys.argv is a private
    copy, so adding it here keeps Rasa's own option parsing without exposing the token.
    """
    if "--enable-api" not in argv or any(a.startswith("--auth-token") for a in argv):
        return argv
    from common.tokens import rasa_api_token

    return [*argv, f"--auth-token={rasa_api_token()}"]


def main() -> None:
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = with_api_token(["rasa", *sys.argv[1:]])
    rasa_main()


if __name__ == "__main__":
    main()
