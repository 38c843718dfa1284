"""The chapter's shared pieces: one tiny vision transformer trained with the default settings."""

import pytest


@pytest.fixture(scope="package")
def trained_vit():
    """(model, result) of `vit.train(VitConfig())` on one thread: the seeded default run, trained once."""
    import torch

    from explain.frontier import vit

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield vit.train(vit.VitConfig())
    finally:
        torch.set_num_threads(before)
