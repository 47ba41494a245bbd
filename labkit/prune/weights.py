"""Weight pruning of Linear layers with ``torch.nn.utils.parametrize``.

``layer.weight`` becomes ``original * mask``, so the gradient of ``original``
is multiplied by the mask. An optimizer may still move a pruned entry of
``original`` (AdamW's weight decay does), but the next forward pass multiplies
it by zero again, so pruned weights stay exactly zero through fine-tuning.
"""

import torch
from torch import nn
from torch.nn.utils import parametrize

from labkit.prune.masks import (check_method, check_scope, check_sparsity, global_masks,
                                local_masks, pruning_scores, sparsity_per_layer)
from labkit.quant.swap import select_linear_layers

__all__ = ["WeightMask", "prune_weights", "weight_mask"]


class WeightMask(nn.Module):
    """Parametrization ``W -> W * mask`` whose product is folded once for evaluation.

    Where no gradient is needed (``torch.no_grad`` or ``torch.inference_mode``)
    the product is computed once and reused until the weight or the mask
    changes, so evaluating a pruned model costs what the dense one does.
    """

    def __init__(self, mask: torch.Tensor):
        super().__init__()
        self.register_buffer("mask", mask)
        self._folded = None
        self._folded_key = None

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled() and weight.requires_grad:
            return weight * self.mask
        # _version grows on every in-place update (optimizer steps, copy_).
        key = (weight.data_ptr(), weight._version, self.mask.data_ptr(), self.mask._version)
        if self._folded is None or self._folded_key != key:
            # Made outside inference_mode, so that a later call with autograd on
            # (gradients with respect to the input, say) may save it for backward.
            with torch.inference_mode(False), torch.no_grad():
                self._folded = weight * self.mask
            self._folded_key = key
        return self._folded


def weight_mask(layer: nn.Module) -> WeightMask | None:
    """Return the pruning parametrization of ``layer.weight``, or None if it is dense."""
    if not parametrize.is_parametrized(layer, "weight"):
        return None
    for parametrization in layer.parametrizations.weight:
        if isinstance(parametrization, WeightMask):
            return parametrization
    return None


def prune_weights(model: nn.Module, sparsity: float | dict[str, float], *,
                  method: str = "l1-norm", scope: str = "local", seed: int = 0,
                  include: str | None = None, exclude: str | None = None) -> list[str]:
    """Prune the weights of the Linear layers of ``model`` in place; return the pruned names.

    ``sparsity`` is the fraction of weights set to zero: one number for every
    selected layer, or a dict from layer name to its own fraction (layers it
    does not name stay dense). ``method`` is ``"l1-norm"`` (smallest magnitudes
    first) or ``"random"`` (scores drawn with ``seed``). ``scope="local"``
    prunes each layer to its sparsity; ``"global"`` ranks all selected layers
    together and needs one number. ``include`` and ``exclude`` select layers
    as in :func:`~labkit.quant.quantize_linear_layers`.

    Masks are ranked on the current weights, and entries that are already
    zero rank first with either method, so pruning a pruned layer again at
    the same or a higher sparsity never revives a weight. Quantised layers stay quantised: their weight is masked
    first, then quantised, and zero is on every fixed-point grid.
    """
    check_method(method)
    check_scope(scope)
    names = select_linear_layers(model, include, exclude)
    sparsities = sparsity_per_layer(sparsity, names)
    if scope == "global" and isinstance(sparsity, dict):
        raise ValueError("global scope ranks all layers together, so it takes one sparsity, "
                         "not a dict of per-layer sparsities; use scope='local' for those")

    generator = torch.Generator().manual_seed(seed)
    layers = {name: model.get_submodule(name) for name in sparsities}
    scores = {name: pruning_scores(layer.weight, method, generator) for name, layer in layers.items()}
    if scope == "global":
        masks = global_masks(scores, check_sparsity(sparsity))
    else:
        masks = local_masks(scores, sparsities)

    for name, layer in layers.items():
        mask = masks[name].to(device=layer.weight.device, dtype=layer.weight.dtype)
        existing = weight_mask(layer)
        if existing is None:
            parametrize.register_parametrization(layer, "weight", WeightMask(mask))
        else:
            existing.mask.copy_(mask)
        layer.train(layer.training)  # a QuantizedLinear rebuilds its cached weights
    return list(layers)
