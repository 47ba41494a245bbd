"""Replace the ``nn.Linear`` layers of a model by quantised ones."""

import re

from torch import nn

from labkit.quant.linear import QuantizedLinear

__all__ = ["quantize_linear_layers", "linear_layer_names", "select_linear_layers"]


def linear_layer_names(model: nn.Module) -> list[str]:
    """Return the qualified names of every ``nn.Linear`` in ``model``, in order."""
    return [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]


def select_linear_layers(model: nn.Module, include: str | None = None,
                         exclude: str | None = None) -> list[str]:
    """Return the names of the Linear layers that ``include`` selects and ``exclude`` keeps.

    Both are regular expressions searched in the qualified name, such as
    ``"attention"``; ``None`` selects every layer or removes none.
    """
    selected = [
        name for name in linear_layer_names(model)
        if (include is None or re.search(include, name))
        and (exclude is None or not re.search(exclude, name))
    ]
    if include is not None and not selected:
        raise ValueError(
            f"include pattern {include!r} matches no Linear layer; "
            f"layer names look like {linear_layer_names(model)[:3]}"
        )
    return selected


def quantize_linear_layers(model: nn.Module, *, input_format=None, weight_format=None,
                           bias_format=None, include: str | None = None,
                           exclude: str | None = None) -> list[str]:
    """Swap ``nn.Linear`` layers of ``model`` in place for :class:`QuantizedLinear`.

    Every Linear layer is swapped unless ``include`` (a regular expression
    searched in the qualified name, such as ``"attention"``) selects a subset
    or ``exclude`` removes some. Weight and bias are copied, and a layer that
    is already quantised gets the new formats. Returns the swapped names.
    """
    formats = dict(input_format=input_format, weight_format=weight_format,
                   bias_format=bias_format)
    selected = select_linear_layers(model, include, exclude)
    for name in selected:
        parent_name, _, child_name = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        layer = getattr(parent, child_name)
        if isinstance(layer, QuantizedLinear):
            for operand, number_format in formats.items():
                setattr(layer, operand, number_format)
            layer.train(layer.training)  # drop and rebuild the cached weights
        else:
            setattr(parent, child_name, QuantizedLinear.from_linear(layer, **formats))
    return selected
