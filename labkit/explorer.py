"""Weight histograms against the fixed-point grid, static or with ipywidgets sliders."""

import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.quant import FixedPointFormat

__all__ = ["quantization_error", "plot_weight_grid", "plot_weight_grids", "interactive_explorer"]

MAX_GRID_LINES = 65  # draw grid points as lines only when they stay readable


def quantization_error(weight: torch.Tensor, number_format: FixedPointFormat) -> dict:
    """Return the mean squared error and the fraction of saturated weights."""
    quantized = number_format.quantize(weight)
    low, high = number_format.range
    return {
        "mse": float(torch.mean((weight - quantized) ** 2)),
        "saturated": float(((weight < low) | (weight > high)).float().mean()),
        "distinct_values": int(torch.unique(quantized).numel()),
    }


def plot_weight_grid(weight: torch.Tensor, number_format: FixedPointFormat, ax) -> dict:
    """Draw the histogram of ``weight`` with the representable values of the format."""
    values = weight.detach().flatten().cpu().numpy()
    error = quantization_error(weight.detach().cpu(), number_format)
    low, high = number_format.range

    # show the whole format range unless it dwarfs the weights, then zoom on them
    view_low, view_high = float(values.min()), float(values.max())
    if high - low < 4 * (view_high - view_low):
        view_low, view_high = min(view_low, low), max(view_high, high)

    ax.hist(values, bins=120, range=(view_low, view_high), color="tab:blue", alpha=0.7)
    grid = np.arange(low, high + number_format.step / 2, number_format.step)
    visible = grid[(grid >= view_low) & (grid <= view_high)]
    if len(visible) <= MAX_GRID_LINES:
        for point in visible:
            ax.axvline(point, color="tab:orange", linewidth=0.6, alpha=0.8)
    for bound in (low, high):
        if view_low <= bound <= view_high:
            ax.axvline(bound, color="tab:red", linewidth=1.2)
    ax.set_title(f"{number_format}: {error['distinct_values']} values used, "
                 f"MSE {error['mse']:.1e}, saturated {error['saturated']:.1%}", fontsize=9)
    ax.set_xlabel("weight value")
    return error


def plot_weight_grids(weight: torch.Tensor, formats, caption: str):
    """Draw one histogram panel per format: the static version of the explorer."""
    figure, axes = plt.subplots(1, len(formats), figsize=(4 * len(formats), 3.2), squeeze=False)
    for number_format, ax in zip(formats, axes[0]):
        plot_weight_grid(weight, number_format, ax)
    figure.suptitle(f"Weights against fixed-point grids (orange: representable values, "
                    f"red: range ends)\n{caption}", fontsize=10)
    figure.tight_layout()
    return figure


def interactive_explorer(weight: torch.Tensor, max_width: int = 16):
    """Return ipywidgets sliders for width and frac_width that redraw the histogram."""
    import ipywidgets

    def draw(width, frac_width):
        figure, ax = plt.subplots(figsize=(7, 3.2))
        plot_weight_grid(weight, FixedPointFormat(width, frac_width), ax)
        plt.show()

    return ipywidgets.interactive(
        draw,
        width=ipywidgets.IntSlider(value=8, min=2, max=max_width, description="width"),
        frac_width=ipywidgets.IntSlider(value=4, min=0, max=max_width, description="frac_width"),
    )
