"""An intent rule for pasted duty rosters: DIET cannot learn every shape of a pasted table.

A message whose lines name a person with a phone and a date or duty type is a roster, whatever the
classifier thought ("Nguyễn Văn A - PGĐ - 0912345678 - 10/02 - trực lãnh đạo" shares words with
incident reports and contact questions). Runs after DIET and before the FallbackClassifier.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from rasa_ext.intent_rule import IntentRule
from vntext.roster_lines import parse_roster

ROSTER_INTENT = "submit_roster"


def looks_like_roster(text: str) -> bool:
    """True when at least one line reads as a roster row (a name, a phone, a date or duty)."""
    if not text or len(text) > 20000:
        return False
    try:
        entries = parse_roster(text).entries
    except ValueError:
        return False
    return any(e.full_name and e.phone_e164 and (e.duty_date or e.duty_type) for e in entries)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RosterIntentRule(IntentRule):
    """Sets submit_roster with full confidence on messages that look like roster rows."""

    def route(self, text: str, predicted: str) -> str | None:
        return ROSTER_INTENT if looks_like_roster(text) else None
