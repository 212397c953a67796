"""The live searcher's lock (index/engine/live.py): one query at a time, first come first served."""
from __future__ import annotations

import threading
import time

from index.engine.live import FairLock


def test_the_live_lock_is_taken_in_the_order_it_was_asked_for():
    """Searches wait their turn: a releasing thread cannot take the lock straight back past earlier waiters."""
    lock, order = FairLock(), []

    def search(name):
        with lock:
            order.append(name)

    lock.__enter__()
    threads = []
    for name in range(5):
        threads.append(threading.Thread(target=search, args=(name,)))
        threads[-1].start()
        while len(lock._waiting) < name + 1:  # this one is queued before the next asks
            time.sleep(0.001)
    lock.__exit__(None, None, None)
    search("late")  # asks after every waiter: gets it last, not first
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4, "late"]
    assert not lock._held
