"""Bytes held by a model's parameters and buffers, in total and per module."""

import pandas as pd
from torch import nn

__all__ = ["tensor_bytes", "module_bytes"]


def tensor_bytes(module: nn.Module, recurse: bool = True) -> int:
    """Return the bytes of the parameters and buffers of ``module``."""
    tensors = list(module.parameters(recurse=recurse)) + list(module.buffers(recurse=recurse))
    return sum(t.numel() * t.element_size() for t in tensors)


def module_bytes(model: nn.Module) -> pd.DataFrame:
    """Return one row per module that owns parameters or buffers directly: its name, type and bytes."""
    rows = []
    for name, module in model.named_modules():
        own = tensor_bytes(module, recurse=False)
        if own:
            rows.append({"module": name, "type": type(module).__name__, "bytes": own})
    return pd.DataFrame(rows)
