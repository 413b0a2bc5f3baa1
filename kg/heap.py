"""Python's cycle collector paused while bulk readers build large heaps of small objects.

Reading a million triples' worth of rows makes millions of dicts, lists and tuples, none of
them in a reference cycle; each few thousand new objects start a collection that walks the
whole growing heap again, a third of the time of `kg diff` at a million triples.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["without_cycle_collection"]

P = ParamSpec("P")
R = TypeVar("R")


def without_cycle_collection(build: Callable[P, R]) -> Callable[P, R]:
    """`build`, run with the cycle collector paused (and resumed after, if it was running)."""

    @functools.wraps(build)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        running = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if running:
                gc.enable()

    return paused
