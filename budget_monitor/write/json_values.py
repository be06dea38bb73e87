"""The JSON forms of amounts that every part of the JSON report shares, under the names
the writers use: an amount as exact pounds and pence (``amount_text``), and a gross/income
pair with its net as a dict (``gin``) and as text (``gin_text``). Made in ``schema``, the
one place the JSON's values are written.
"""

from __future__ import annotations

from ..schema import amount_text as amount_text
from ..schema import gin_dict as gin
from ..schema import gin_text as gin_text

__all__ = ["amount_text", "gin", "gin_text"]
