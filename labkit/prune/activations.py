"""Activation pruning: a forward pre-hook that zeros part of a Linear layer's input.

Activations change with every input, so their mask is computed on every
forward pass. Each token's feature vector (the last dimension) is ranked on
its own: a batch-wide ranking would let padding and the other reviews in the
batch change one review's prediction.
"""

import torch
from torch import nn

from labkit.prune.masks import check_method, check_sparsity, sparsity_per_layer
from labkit.quant.swap import select_linear_layers

__all__ = ["ActivationPruning", "prune_activations", "remove_activation_pruning"]


class ActivationPruning:
    """Pre-hook that zeros ``round(sparsity * features)`` entries of each input vector.

    ``l1-norm`` zeros the entries of smallest magnitude; ``random`` zeros a
    random subset drawn from a seeded CPU generator, a new subset per call.
    The gradient of a zeroed entry is zero.
    """

    def __init__(self, sparsity: float, method: str = "l1-norm", seed: int = 0):
        self.sparsity = check_sparsity(sparsity)
        self.method = check_method(method)
        self.generator = torch.Generator().manual_seed(seed)
        self.handle = None

    def mask_like(self, x: torch.Tensor) -> torch.Tensor:
        features = x.shape[-1]
        pruned = round(self.sparsity * features)
        mask = torch.ones_like(x)
        if pruned == 0:
            return mask
        if self.method == "l1-norm":
            scores = x.detach().abs()
        else:
            scores = torch.rand(x.shape, generator=self.generator).to(x.device)
        lowest = torch.topk(scores, pruned, dim=-1, largest=False, sorted=False).indices
        return mask.scatter(-1, lowest, 0.0)

    def __call__(self, module: nn.Module, args: tuple):
        x, *rest = args
        return (x * self.mask_like(x), *rest)


def prune_activations(model: nn.Module, sparsity: float | dict[str, float], *,
                      method: str = "l1-norm", seed: int = 0, include: str | None = None,
                      exclude: str | None = None) -> list[str]:
    """Prune the inputs of the selected Linear layers of ``model``; return their names.

    ``sparsity`` is one number for every selected layer or a dict from layer
    name to its own fraction, as in :func:`~labkit.prune.prune_weights`. A
    layer whose input is already pruned gets the new sparsity and method.
    """
    check_method(method)
    sparsities = sparsity_per_layer(sparsity, select_linear_layers(model, include, exclude))
    for offset, (name, layer_sparsity) in enumerate(sparsities.items()):
        layer = model.get_submodule(name)
        remove_activation_pruning(layer)
        hook = ActivationPruning(layer_sparsity, method, seed + offset)
        hook.handle = layer.register_forward_pre_hook(hook)
        layer._activation_pruning = hook
    return list(sparsities)


def remove_activation_pruning(module: nn.Module) -> None:
    """Remove the activation pruning of ``module`` and of every submodule."""
    for layer in module.modules():
        hook = getattr(layer, "_activation_pruning", None)
        if hook is not None:
            hook.handle.remove()
            del layer._activation_pruning
