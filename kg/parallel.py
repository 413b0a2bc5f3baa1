"""Work spread over threads, one per core: pyoxigraph parses files, evaluates queries and writes
their answers without holding Python's GIL, so on two cores two of them take about the time
of one."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

__all__ = ["in_parallel"]

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_parallel(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    done: Callable[[], None] = lambda: None,
) -> list[Result]:
    """`work(item)` for every item, on as many threads as there are cores; the results in the
    order of `items`. `done` is called in this thread as each one finishes (for a progress bar);
    the first error raised, in that order, is raised here once all have stopped."""
    pool = ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1)))
    try:
        futures = [pool.submit(work, item) for item in items]
        for _ in as_completed(futures):
            done()
        return [future.result() for future in futures]
    finally:
        # after Ctrl-C the work not yet begun is dropped; what pyoxigraph is doing cannot be
        # stopped, and is waited for
        pool.shutdown(cancel_futures=True)
