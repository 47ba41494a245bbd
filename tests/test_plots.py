"""Figures that the notebooks save: the best-so-far curves of the searches."""

import matplotlib.pyplot as plt
import pandas as pd

from labkit.plots import plot_best_so_far


def best_so_far_table():
    # Two samplers with identical curves over 4 trials, as when seeded samplers
    # draw the same first trials.
    rows = [{"sampler": name, "trial": trial, "best_so_far": 0.7}
            for name in ("random", "tpe") for trial in range(1, 5)]
    return pd.DataFrame(rows)


def test_coinciding_curves_get_own_styles():
    figure = plot_best_so_far(best_so_far_table(), "sampler", "title", "caption")
    lines = figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["random", "tpe"]
    assert lines[0].get_marker() != lines[1].get_marker()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    plt.close(figure)


def test_trial_ticks_are_integers():
    figure = plot_best_so_far(best_so_far_table(), "sampler", "title", "caption")
    ticks = figure.axes[0].get_xticks()
    assert len(ticks) > 0
    assert all(float(tick).is_integer() for tick in ticks)
    plt.close(figure)
