"""The command line's parameters as typer gives them, adjusted in two ways: help that names
an argument's type as a reader would, and values converted without pydantic.

typer (0.2x) converts each parameter's text with a pydantic adapter built for its type:
importing pydantic and building the adapters is about a fifth of a report's start-up on
the published quarter. The command line's parameters are paths, text and flags, whose
text needs no converting beyond ``Path(text)``; those are converted here, with typer's
own path checks, and any other parameter (a number with a minimum) goes to typer as before.

It must not know the commands or their options: ``cli`` calls ``adjust_typer`` once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

# Any: typer's parameters, contexts and type descriptors are its own internals, read here by name.


def _plain_type(display_type: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    """Help that names an argument's type as a reader would (``<path>...``), not as Python
    spells it (``<list[Path]>``)."""

    def shown(self: Any, ctx: Any) -> str:
        text = display_type(self, ctx)
        inner = text[6:-2] if text.startswith("<list[") and text.endswith("]>") else None
        return f"<{inner.lower()}>..." if inner else text

    return shown


class PlainValue:
    """An argument's or option's text made a ``Path`` or kept as ``str`` (a list of them for
    one given several times), a flag's ``bool`` kept, as typer's adapter would; a value of
    any other kind (a flag's text from the environment) goes to typer's own conversion."""

    def __init__(self, descriptor: Any, kind: type, multiple: bool):
        self.descriptor, self.kind, self.multiple = descriptor, kind, multiple

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        several = param.multiple or param.nargs == -1
        if value is None:
            return () if several else None
        items = list(value) if self.multiple and isinstance(value, (list, tuple)) else [value]
        wanted = bool if self.kind is bool else str
        if (several and isinstance(value, str)) or not all(type(item) is wanted for item in items):
            from typer._coercion import build_runtime_param

            return build_runtime_param(self.descriptor).coerce(value, param=param, ctx=ctx)
        if self.kind is Path:
            from typer._param_types import coerce_cli_path

            info = self.descriptor.parameter_info  # exists=, dir_okay=... checked as typer checks them
            items = [coerce_cli_path(Path(item), info, path_type=Path, param=param, ctx=ctx) for item in items]
        return items if self.multiple else items[0]


def plain_value(descriptor: Any) -> PlainValue | None:
    """A ``PlainValue`` for a parameter typed ``Path``, ``str`` or ``bool`` (or a list of
    them) with none of typer's file, parser or path options that change the text; else None."""
    info = descriptor.parameter_info
    kind, multiple = descriptor.annotation, False
    if getattr(kind, "__origin__", None) is list and len(kind.__args__) == 1:
        kind, multiple = kind.__args__[0], True
    if kind not in (Path, str, bool) or descriptor.file_annotation is not None or info.parser is not None:
        return None
    if info.allow_dash or info.resolve_path or info.path_type is not None:
        return None
    return PlainValue(descriptor, kind, multiple)


def _plain_values(get_runtime_param: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = plain_value(self.type_descriptor)
        return get_runtime_param(self)

    return runtime_param


def adjust_typer() -> None:
    """Both adjustments, made once (a typer without the part adjusted is left as it is)."""
    argument: Any = typer.core.TyperArgument
    if not getattr(argument.display_type, "plain", False):
        argument.display_type = _plain_type(argument.display_type)
        argument.display_type.plain = True
    parameter: Any = getattr(typer.core, "_TyperParameter", None)
    runtime = getattr(parameter, "get_runtime_param", None)
    if runtime is not None and not getattr(runtime, "plain", False):
        parameter.get_runtime_param = _plain_values(runtime)
        parameter.get_runtime_param.plain = True
