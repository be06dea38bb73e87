"""The JSON forms of amounts that every part of the JSON report shares: an amount as
exact pounds and pence, and a gross/income pair with its net, as a dict (for the
``report_dict`` definitions) and as text (for the streamed writers). Nothing else.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import GrossIncome
from ..money import pounds_text


def gin(x: GrossIncome) -> dict[str, str]:
    """``{"gross", "income", "net"}``, each as ``pounds_text``."""
    return {"gross": pounds_text(x.gross), "income": pounds_text(x.income), "net": pounds_text(x.net)}


def amount_text(value: Decimal) -> str:
    """``pounds_text(value)``. An amount in pennies (exponent -2) prints the same with
    ``str``, which is four times faster; anything else (``0``, ``5``, ``1E+3``) goes
    through ``pounds_text``. ``str`` never puts a point third from the end for any other
    exponent (scientific notation ends in ``E+n``)."""
    s = str(value)
    return s if s[-3:-2] == "." else pounds_text(value)


def gin_text(gross: Decimal, income: Decimal) -> str:
    """``gin(GrossIncome(gross, income))`` as JSON text; net is worked out as ``GrossIncome.net`` does."""
    return f'{{"gross":"{amount_text(gross)}","income":"{amount_text(income)}","net":"{amount_text(gross + income)}"}}'
