"""Cheap full collections: what lives for the whole process is frozen once, per model and per page."""

import gc

from explain.core import memory


def test_settle_freezes_what_survives_and_full_collections_skip_it():
    import torch  # noqa: F401  (hundreds of thousands of long-lived objects, as in the server)

    gc.unfreeze()
    before = len(gc.get_objects())
    report = memory.settle()
    assert report["frozen"] >= before * 0.9 and len(gc.get_objects()) < before * 0.1
    garbage = []
    garbage.append(garbage)  # a cycle made after the freeze is still collected
    del garbage
    assert gc.collect() >= 1


def test_settle_once_runs_once_per_key():
    assert memory.settle_once("test-page-a") is not None
    assert memory.settle_once("test-page-a") is None
    assert memory.settle_once("test-page-b") is not None
