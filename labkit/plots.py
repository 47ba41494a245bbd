"""Figures of the labs; each title names the profile, data, model source and seed."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from labkit.results import save_figure

__all__ = ["plot_precision_sweep", "plot_ptq_heatmap", "plot_pruning", "plot_best_so_far", "plot_pareto",
           "plot_bits_pareto", "save_figure"]


def _title(ax, title: str, caption: str) -> None:
    ax.set_title(f"{title}\n{caption}", fontsize=10)


def plot_precision_sweep(frame, caption: str):
    """Plot PTQ and QAT accuracy against width, with the two FP32 references."""
    figure, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(frame["width"], frame["ptq_accuracy"], marker="o", label="PTQ")
    ax.plot(frame["width"], frame["qat_accuracy"], marker="s", label="QAT (+1 epoch)")
    ax.axhline(frame["fp32_accuracy"].iloc[0], color="grey", linestyle="--", label="FP32 baseline")
    ax.axhline(frame["fp32_extra_epoch_accuracy"].iloc[0], color="black", linestyle=":",
               label="FP32 +1 epoch (control)")
    ax.set_xlabel("width (bits), frac_width = width / 2")
    ax.set_ylabel("test accuracy")
    ax.set_xticks(frame["width"])
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    _title(ax, "Fixed-point quantisation: PTQ vs QAT", caption)
    return figure


def plot_ptq_heatmap(grid, caption: str):
    """Plot PTQ accuracy over width (rows) and frac_width (columns)."""
    table = grid.pivot(index="width", columns="frac_width", values="ptq_accuracy")
    figure, ax = plt.subplots(figsize=(7, 4.5))
    image = ax.imshow(table.to_numpy(), cmap="viridis", vmin=0.5, vmax=max(0.5, float(np.nanmax(table.to_numpy()))),
                      aspect="auto", origin="lower")
    ax.set_xticks(range(len(table.columns)), table.columns)
    ax.set_yticks(range(len(table.index)), table.index)
    for (row, column), value in np.ndenumerate(table.to_numpy()):
        ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7,
                color="white" if value < 0.7 else "black")
    ax.set_xlabel("frac_width (bits)")
    ax.set_ylabel("width (bits)")
    figure.colorbar(image, ax=ax, label="PTQ test accuracy")
    _title(ax, "PTQ accuracy over fixed-point formats", caption)
    return figure


def plot_pruning(frame, start_accuracy: float, caption: str):
    """Plot accuracy against sparsity per method: dashed right after pruning, solid after fine-tuning."""
    figure, ax = plt.subplots(figsize=(7, 4.2))
    for index, (method, rows) in enumerate(frame.groupby("method", sort=True)):
        color = f"C{index}"
        ax.plot(rows["sparsity"], rows["accuracy_finetuned"], marker="o", color=color,
                label=f"{method}, fine-tuned 1 epoch")
        ax.plot(rows["sparsity"], rows["accuracy_pruned"], marker="x", linestyle="--", color=color,
                label=f"{method}, right after pruning")
    ax.axhline(start_accuracy, color="grey", linestyle=":", label="unpruned start model")
    ax.set_xlabel("sparsity (fraction of Linear weights set to zero)")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0.4, 1.0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    _title(ax, "Unstructured pruning: random vs L1-norm", caption)
    return figure


def plot_best_so_far(table, by: str, title: str, caption: str):
    """Plot the best accuracy so far against the trial number, one curve per value of ``by``."""
    figure, ax = plt.subplots(figsize=(7, 4.2))
    # Curves often coincide (seeded samplers that draw the same first trials), so
    # each gets its own marker and line style to stay visible under the others.
    styles = itertools.cycle([("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")])
    for (name, rows), (marker, linestyle) in zip(table.groupby(by, sort=False), styles):
        ax.step(rows["trial"], rows["best_so_far"], where="post", marker=marker, markersize=4,
                linestyle=linestyle, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("trial")
    ax.set_ylabel("best test accuracy so far")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    _title(ax, title, caption)
    return figure


def plot_pareto(table, caption: str):
    """Plot accuracy against compressed size, with the Pareto-optimal trials joined."""
    figure, ax = plt.subplots(figsize=(7, 4.2))
    ax.scatter(table["size_bits"] / 8e6, table["accuracy"], color="grey", alpha=0.6, label="trial")
    front = table[table["pareto"]].sort_values("size_bits")
    ax.step(front["size_bits"] / 8e6, front["accuracy"], where="post", color="C3", marker="o",
            label="Pareto front")
    ax.set_xlabel("model size after compression (MB)")
    ax.set_ylabel("test accuracy after compression and training")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    _title(ax, "Accuracy vs size: two-objective search", caption)
    return figure


def plot_bits_pareto(table, caption: str):
    """Plot accuracy against mean bits per weight for every trial, coloured by format, with the front."""
    figure, ax = plt.subplots(figsize=(7.5, 4.5))
    for name, rows in table.groupby("format", sort=False):
        ax.scatter(rows["mean_bits"], rows["accuracy"], s=18, alpha=0.7, label=name)
    front = pareto_rows(table, "mean_bits", "accuracy")
    ax.step(front["mean_bits"], front["accuracy"], where="post", color="black", label="Pareto front")
    ax.set_xlabel("mean bits per Linear weight (FP32 layers count 32)")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7, ncol=2)
    _title(ax, "Mixed precision: accuracy vs bits across formats", caption)
    return figure


def pareto_rows(table, cost: str, value: str):
    """Return the rows no other row beats on both lower ``cost`` and higher ``value``, by cost."""
    ordered = table.sort_values([cost, value], ascending=[True, False])
    best = -np.inf
    keep = []
    for index, row in ordered.iterrows():
        if row[value] > best:
            keep.append(index)
            best = row[value]
    return ordered.loc[keep]
