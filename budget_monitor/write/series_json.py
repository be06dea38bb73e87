"""The JSON of a report's place in a series: ``previous`` and ``movement``.

``series_dict`` is the definition (plain dicts); ``write_series`` writes the same text as
``json.dumps`` of it would, streamed a chunk of records at a time as the rest of the JSON
is (see ``json_out``). Amounts are strings of pounds with two decimals, exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..engine.management import ManagementSummary
from ..engine.movement import ComponentMovement, LineMovement, Movement, PreviousReport
from ..model import GrossIncome
from ..money import pounds_text
from ..schema import MANAGEMENT_ACTION, MOVED_COMPONENT, MOVED_LINE, Quoted, gin_text
from ..schema import gin_dict as gin


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
    return MOVED_LINE.as_dict(m)


def component_dict(c: ComponentMovement) -> dict[str, object]:
    return MOVED_COMPONENT.as_dict(c)


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


def management_dict(summary: ManagementSummary | None) -> dict[str, object] | None:
    """The ``management_action`` key: the actions, their total, and the variance before and after."""
    if summary is None:
        return None
    return {
        "actions": [MANAGEMENT_ACTION.as_dict(a) for a in summary.actions],
        "total": pounds_text(summary.total),
        "by_rag": {rag: pounds_text(v) for rag, v in summary.by_rag().items()},
        "variance_before": gin(summary.variance_before),
        "variance_after": gin(summary.variance_after),
    }


def write_series(
    write: Callable[[str], object],
    previous: PreviousReport | None,
    mv: Movement | None,
    write_list: Callable[[Callable[[str], object], Iterable[Any], Callable[[Any], str]], None],
) -> None:
    """Write ``,"previous":...,"movement":...`` (the text ``json.dumps`` gives ``series_dict``),
    lists through ``write_list(write, records, text)``."""
    import json

    write(',"previous":' + json.dumps(previous_dict(previous), ensure_ascii=False, separators=(",", ":")))
    if mv is None:
        write(',"movement":null')
        return

    def g(x: GrossIncome) -> str:
        return gin_text(x.gross, x.income)

    q = Quoted()
    line = MOVED_LINE.text_maker(q)
    comp = MOVED_COMPONENT.text_maker(q)

    write(
        f',"movement":{{"total":{{"previous":{g(mv.total_previous)},"variance":{g(mv.total_variance)},'
        f'"movement":{g(mv.total_movement)}}},"lines":'
    )
    write_list(write, mv.lines, line)
    write(',"components":')
    write_list(write, mv.components, comp)
    write("}")
