"""The chapter's shared pieces: one torch thread for every test here, and one tiny ViT trained with the defaults.

On 2 shared cores, two torch threads fighting other processes were 10x slower than one
(measured: 3.5 s against 0.25 s per SmolLM2 token under a load average of 12).
"""

import pytest


@pytest.fixture(scope="package", autouse=True)
def one_torch_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="package")
def trained_vit(one_torch_thread):
    """(model, result) of `vit.train(VitConfig())`: the seeded default run, trained once."""
    from explain.frontier import vit

    return vit.train(vit.VitConfig())
