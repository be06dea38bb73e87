"""The JSON of a report's place in a series: ``previous`` and ``movement``.

``series_dict`` is the definition (plain dicts); ``write_series`` writes the same text as
``json.dumps`` of it would, streamed a chunk of records at a time as the rest of the JSON
is (see ``json_out``). Amounts are strings of pounds with two decimals, exact.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring

from ..engine.movement import ComponentMovement, LineMovement, Movement, PreviousReport
from ..model import GrossIncome
from ..money import pounds_text
from .json_values import amount_text, gin, gin_text


def previous_dict(previous: PreviousReport | None) -> dict[str, object] | None:
    if previous is None:
        return None
    return {
        "organisation": previous.organisation,
        "period": previous.period,
        "source": previous.source,
        "recorded_at": previous.recorded_at or None,
        "version": previous.version,
        "status": previous.status or None,
        "name": previous.name,
    }


def line_dict(m: LineMovement) -> dict[str, object]:
    return {
        "portfolio": m.portfolio,
        "section": m.section,
        "line": m.line,
        "status": m.status,
        "previous": gin(m.previous),
        "variance": gin(m.variance),
        "movement": gin(m.movement),
        "forecast_movement": gin(m.forecast_movement),
        "cash_limit_movement": gin(m.cash_limit_movement),
    }


def component_dict(c: ComponentMovement) -> dict[str, object]:
    return {
        "portfolio": c.portfolio,
        "line": c.line,
        "source": c.source,
        "side": c.side,
        "kind": c.kind,
        "status": c.status,
        "previous": pounds_text(c.previous),
        "amount": pounds_text(c.amount),
        "movement": pounds_text(c.movement),
    }


def movement_dict(mv: Movement | None) -> dict[str, object] | None:
    if mv is None:
        return None
    return {
        "total": {
            "previous": gin(mv.total_previous),
            "variance": gin(mv.total_variance),
            "movement": gin(mv.total_movement),
        },
        "lines": [line_dict(m) for m in mv.lines],
        "components": [component_dict(c) for c in mv.components],
    }


def series_dict(previous: PreviousReport | None, mv: Movement | None) -> dict[str, object]:
    """The ``previous`` and ``movement`` keys of the report's JSON."""
    return {"previous": previous_dict(previous), "movement": movement_dict(mv)}


def management_dict(summary) -> dict[str, object] | None:
    """The ``management_action`` key: the actions, their total, and the variance before and after."""
    if summary is None:
        return None
    return {
        "actions": [
            {
                "portfolio": a.portfolio,
                "line": a.line,
                "action": a.action,
                "amount": pounds_text(a.amount),
                "rag": a.rag,
            }
            for a in summary.actions
        ],
        "total": pounds_text(summary.total),
        "by_rag": {rag: pounds_text(v) for rag, v in summary.by_rag().items()},
        "variance_before": gin(summary.variance_before),
        "variance_after": gin(summary.variance_after),
    }


def write_series(
    write: Callable[[str], object], previous: PreviousReport | None, mv: Movement | None, write_list
) -> None:
    """Write ``,"previous":...,"movement":...`` (the text ``json.dumps`` gives ``series_dict``),
    lists through ``write_list(write, records, text)``."""
    import json

    t = encode_basestring
    p = amount_text
    write(',"previous":' + json.dumps(previous_dict(previous), ensure_ascii=False, separators=(",", ":")))
    if mv is None:
        write(',"movement":null')
        return

    def g(x: GrossIncome) -> str:
        return gin_text(x.gross, x.income)

    def line(m: LineMovement) -> str:
        return (
            f'{{"portfolio":{t(m.portfolio)},"section":{t(m.section)},"line":{t(m.line)},"status":"{m.status}",'
            f'"previous":{g(m.previous)},"variance":{g(m.variance)},"movement":{g(m.movement)},'
            f'"forecast_movement":{g(m.forecast_movement)},"cash_limit_movement":{g(m.cash_limit_movement)}}}'
        )

    def comp(c: ComponentMovement) -> str:
        return (
            f'{{"portfolio":{t(c.portfolio)},"line":{t(c.line)},"source":{t(c.source)},"side":"{c.side}",'
            f'"kind":"{c.kind}","status":"{c.status}","previous":"{p(c.previous)}","amount":"{p(c.amount)}",'
            f'"movement":"{p(c.movement)}"}}'
        )

    write(
        f',"movement":{{"total":{{"previous":{g(mv.total_previous)},"variance":{g(mv.total_variance)},'
        f'"movement":{g(mv.total_movement)}}},"lines":'
    )
    write_list(write, mv.lines, line)
    write(',"components":')
    write_list(write, mv.components, comp)
    write("}")
