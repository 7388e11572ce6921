"""Lazy public names for the subpackages' ``__init__`` (PEP 562).

Each subpackage states its public API in ``__all__``; the names are imported from their
modules on first use, so ``import pyfermijobs.config`` stays as cheap as the CLI needs
(every pipeline task is a fresh process).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy(package: str, modules: dict[str, tuple[str, ...]]) -> tuple[list[str], Callable[[str], Any]]:
    """``__all__`` and a module ``__getattr__`` for the public names of each submodule."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name in where:
            return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return sorted(where), __getattr__
