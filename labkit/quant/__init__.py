"""Number formats, quantised layers and the layer swap."""

from labkit.quant.fixed_point import FixedPointFormat, check_fixed_point_format, fixed_point_quantize
from labkit.quant.linear import QuantizedLinear
from labkit.quant.swap import linear_layer_names, quantize_linear_layers, select_linear_layers

__all__ = [
    "FixedPointFormat",
    "QuantizedLinear",
    "check_fixed_point_format",
    "fixed_point_quantize",
    "linear_layer_names",
    "quantize_linear_layers",
    "select_linear_layers",
]
