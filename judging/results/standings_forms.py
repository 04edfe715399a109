"""The ranking settings form: method, up to three tie-break rules and the cut-off.

The form checks shape only (a known choice, a whole number); ``update_ranking_settings`` checks the rules
(a rule chosen twice, a criterion of the round).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from judging.core.ranking import Method
from judging.labels import label

TIE_BREAK_FIELDS = ("tie_break_1", "tie_break_2", "tie_break_3")


def method_explanations() -> dict[Method, str]:
    """One line per method: what it does and when it fits."""
    return {
        Method.RAW_MEAN: _(
            "Simple, but an entry that drew harsh judges loses out and one that drew generous judges gains."
        ),
        Method.Z_SCORE: _(
            "Each judge's totals are put on a common mean and spread before averaging: fair when every "
            "judge marks many entries."
        ),
        Method.JUDGE_BIAS: _(
            "Learns how generous each judge is from the entries they share with others and takes it out: "
            "fair when panels overlap."
        ),
    }


class RankingSettingsForm(FlaskForm):
    method = RadioField(_l("Ranking method"), validators=[InputRequired(_l("Choose a ranking method."))])
    tie_break_1 = SelectField(_l("First tie-break"), validators=[Optional()])
    tie_break_2 = SelectField(_l("Second tie-break"), validators=[Optional()])
    tie_break_3 = SelectField(_l("Third tie-break"), validators=[Optional()])
    cutoff = IntegerField(
        _l("Cut-off: entries per category going through"),
        validators=[Optional(), NumberRange(min=1, message=_l("Give a whole number of at least 1."))],
        description=_l("Leave empty when there is no cut-off."),
    )

    def __init__(self, *args, rules: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        explanations = method_explanations()
        self.method.choices = [
            (method.value, f"{label(method)}: {explanations[method]}") for method in Method
        ]
        for name in TIE_BREAK_FIELDS:
            self[name].choices = [
                ("", _("(none)")),
                *((key, text[:1].upper() + text[1:]) for key, text in rules),
            ]

    def tie_break(self) -> list[str]:
        return [self[name].data or "" for name in TIE_BREAK_FIELDS]


def settings_data(round_) -> dict[str, object]:
    """The form's initial values from the round's settings."""
    rules = list(round_.tie_break or [])
    data: dict[str, object] = {"method": round_.ranking_method, "cutoff": round_.shortlist_size}
    for index, name in enumerate(TIE_BREAK_FIELDS):
        data[name] = rules[index] if index < len(rules) else ""
    return data
