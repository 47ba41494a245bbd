"""Sparsity measured from the weight tensors, per layer and in total."""

import pandas as pd
import torch
from torch import nn

from labkit.prune.weights import weight_mask
from labkit.quant.swap import linear_layer_names

__all__ = ["sparsity_report", "measured_sparsity", "quantized_sparsity"]


def sparsity_report(model: nn.Module, include_dense: bool = False) -> pd.DataFrame:
    """Count the zero weights of each Linear layer, with a final ``total`` row.

    Only pruned layers are listed unless ``include_dense`` is true. The counts
    come from the weights the layer computes with (mask applied), so they
    show what pruning achieved, not what was requested.
    """
    rows = []
    for name in linear_layer_names(model):
        layer = model.get_submodule(name)
        if not include_dense and weight_mask(layer) is None:
            continue
        weight = layer.weight.detach()
        rows.append({"layer": name, "zeros": int((weight == 0).sum()), "weights": weight.numel()})
    zeros = sum(row["zeros"] for row in rows)
    total = sum(row["weights"] for row in rows)
    rows.append({"layer": "total", "zeros": zeros, "weights": total})
    frame = pd.DataFrame(rows)
    frame["sparsity"] = frame["zeros"] / frame["weights"].where(frame["weights"] > 0)
    return frame


def measured_sparsity(model: nn.Module) -> float:
    """Return the fraction of zero weights over all pruned Linear layers."""
    return float(sparsity_report(model).iloc[-1]["sparsity"])


def quantized_sparsity(model: nn.Module) -> float:
    """Return the fraction of zero weights after quantisation, over all Linear layers.

    A fixed-point format rounds every weight smaller than half its step to
    zero, so a quantised model is sparse before any pruning. Layers without
    a weight format count their weights as they are.
    """
    zeros = total = 0
    with torch.no_grad():
        for name in linear_layer_names(model):
            layer = model.get_submodule(name)
            weight = layer.weight.detach()
            number_format = getattr(layer, "weight_format", None)
            if number_format is not None:
                weight = number_format.quantize(weight)
            zeros += int((weight == 0).sum())
            total += weight.numel()
    return zeros / total
