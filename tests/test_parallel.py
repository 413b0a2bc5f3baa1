"""kg.parallel: work spread over threads comes back in the order it was given, errors too."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from kg.parallel import in_parallel


def _later_items_finish_first(item: int) -> int:
    time.sleep(0.05 * (4 - item))
    if item in (1, 3):
        raise ValueError(f"item {item} failed")
    return item * 10


def test_results_come_in_the_order_of_the_items() -> None:
    finished: list[None] = []
    results = in_parallel(_later_items_finish_first, [0, 2, 4], lambda: finished.append(None))
    assert results == [0, 20, 40]
    assert len(finished) == 3


def test_the_first_error_in_item_order_is_raised() -> None:
    # item 3 fails before item 1 does; item 1's error is the one reported
    with pytest.raises(ValueError, match="item 1 failed"):
        in_parallel(_later_items_finish_first, [0, 1, 2, 3])


def test_ctrl_c_drops_the_work_not_yet_begun() -> None:
    begun: list[int] = []
    threads = os.cpu_count() or 1

    def slow(item: int) -> None:
        begun.append(item)
        time.sleep(0.5)

    # Python's own Ctrl-C handler, even where this run was started with SIGINT ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            in_parallel(slow, list(range(3 * threads)))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(begun) == threads
