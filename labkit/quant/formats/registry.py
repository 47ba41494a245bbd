"""Number formats by name, as results files name them, and the choices Lab 3 searches over."""

from labkit.quant.fixed_point import FixedPointFormat
from labkit.quant.formats.binary import BinaryFormat, TernaryFormat
from labkit.quant.formats.block import BlockFPFormat, BlockLogFormat, BlockMinifloatFormat
from labkit.quant.formats.log import LogFormat
from labkit.quant.formats.minifloat import MinifloatFormat

__all__ = ["FORMAT_NAMES", "SEARCH_CHOICES", "make_format"]


def _minifloat_denorm(**params):
    return MinifloatFormat(**params, implicit_one=False)


def _minifloat_ieee(**params):
    return MinifloatFormat(**params, implicit_one=True)


_BUILDERS = {
    "integer": FixedPointFormat,
    "minifloat_denorm": _minifloat_denorm,
    "minifloat_ieee": _minifloat_ieee,
    "log": LogFormat,
    "block_fp": BlockFPFormat,
    "block_minifloat": BlockMinifloatFormat,
    "block_log": BlockLogFormat,
    "binary": BinaryFormat,
    "ternary": TernaryFormat,
}
FORMAT_NAMES = tuple(_BUILDERS)

# A small set of parameters per format for the per-layer search; every value
# is a plain number or bool, so optuna can store it.
SEARCH_CHOICES = {
    "integer": {"width": [8, 16, 32], "frac_width": [2, 4, 8]},
    "minifloat_denorm": {"width": [6, 8], "exponent_width": [3, 4]},
    "minifloat_ieee": {"width": [6, 8], "exponent_width": [3, 4]},
    "log": {"width": [4, 6, 8]},
    "block_fp": {"width": [4, 6, 8], "block_size": [16, 32]},
    "block_minifloat": {"width": [6, 8], "exponent_width": [2, 3], "block_size": [16, 32]},
    "block_log": {"width": [4, 6], "block_size": [16, 32]},
    "binary": {"scaled": [True, False]},
    "ternary": {"threshold": [0.5, 0.7]},
}


def make_format(name: str, **params):
    """Return the format called ``name`` with ``params``, such as ``make_format("log", width=6)``."""
    if name not in _BUILDERS:
        raise ValueError(f"unknown number format {name!r}: use one of {', '.join(FORMAT_NAMES)}")
    try:
        return _BUILDERS[name](**params)
    except TypeError as error:
        raise ValueError(f"invalid parameters {params} for format {name!r}: {error}") from error
