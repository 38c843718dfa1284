"""Shared model work: identical requests in flight computed once, and the bounded queue with its place."""

import threading
import time

import numpy as np

from explain.core.analysis import analyze
from explain.core.flight import Busy, SingleFlight, Turns, set_wait_notice


def _together(n: int, fn) -> list:
    """Run fn(i) in n threads released at the same moment; their results in order."""
    start, out = threading.Barrier(n), [None] * n

    def worker(i: int) -> None:
        start.wait()
        try:
            out[i] = fn(i)
        except Exception as exc:  # the test looks at errors as results
            out[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return out


def test_identical_calls_at_once_run_once_and_share_the_result():
    flights, calls = SingleFlight(), []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return object()

    results = _together(8, lambda i: flights.do("same", slow))
    assert len(calls) == 1 and all(r is results[0] for r in results)
    assert flights.shared == 7
    assert flights.do("same", slow) is not results[0]  # nothing in flight any more: computed afresh


def test_distinct_keys_do_not_wait_for_each_other_and_errors_reach_every_sharer():
    flights = SingleFlight()
    assert _together(4, lambda i: flights.do(i, lambda: i * 10)) == [0, 10, 20, 30]

    def fail():
        time.sleep(0.2)
        raise ValueError("bad text")

    errors = _together(5, lambda i: flights.do("x", fail))
    assert all(isinstance(e, ValueError) for e in errors)
    assert flights.do("x", lambda: "ok") == "ok"  # a failure is not remembered


def test_the_queue_tells_each_waiter_its_place_and_refuses_beyond_its_bound():
    turns, places = Turns(threading.RLock(), limit=2), []
    running, release = threading.Event(), threading.Event()

    def holder():
        with turns.turn():
            running.set()
            release.wait(10)

    threading.Thread(target=holder).start()
    running.wait(10)
    threading.Timer(0.5, release.set).start()

    def waiter(i: int):
        set_wait_notice(places.append)
        with turns.turn():
            return i

    results = _together(4, waiter)  # 1 running + 4 arriving: two may wait, then the queue is full
    busy = [r for r in results if isinstance(r, Busy)]
    assert len(busy) == 2 and "Try again in a few seconds" in str(busy[0])
    assert sorted(places) == [1, 2] and turns.waiting == 0


def test_concurrent_identical_analyses_share_one_forward_pass(smollm):
    text = "Seven students asked the same question at the same moment: the capital of Italy is"
    before = smollm.flights.shared
    results = _together(6, lambda i: analyze(smollm, text))
    assert all(r is results[0] for r in results)  # one Analysis object: computed once or read from the cache
    assert smollm.flights.shared > before or len(smollm.results) > 0
    np.testing.assert_array_equal(results[0].next_logits, analyze(smollm, text).next_logits)


def test_no_notice_without_a_wait():
    turns, told = Turns(threading.RLock()), []
    with turns.turn(told.append):
        pass
    assert told == [] and turns.waiting == 0
