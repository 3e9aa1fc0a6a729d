import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlrepro.experiments.functions import gd_abs32
from dlrepro.figures import gd_abs32 as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(generic_starts=[0.7316, -1.914, 2.5], iterations=600, tail_window=50,
                special_levels=4, zero_tolerance=1e-12)


def runs_at(*lrs):
    """(records, histories) of one run per lr, its lr in params as the run folder writes it."""
    records = [{"params": {**SETTINGS, "lr": lr}} for lr in lrs]
    return records, [gd_abs32.run(SETTINGS, lr).history for lr in lrs]


def one_step(x, lr):
    return gd_abs32.orbits(np.atleast_1d(x), lr, 1)[1]


def test_gradient_matches_autograd():
    x = torch.tensor([-2.3, -0.01, 0.04, 1.0, 5.5], dtype=torch.float64, requires_grad=True)
    gd_abs32.objective(x).sum().backward()
    np.testing.assert_allclose(gd_abs32.gradient(x.detach().numpy()), x.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("lr", [1e-3, 0.1, 0.5, 2.0])
def test_quarter_lr_squared_is_a_two_cycle(lr):
    amplitude = gd_abs32.cycle_amplitude_theory(lr)
    assert amplitude == pytest.approx(lr**2 / 4)
    np.testing.assert_allclose(one_step(amplitude, lr), [-amplitude], rtol=1e-14)
    np.testing.assert_allclose(one_step(-amplitude, lr), [amplitude], rtol=1e-14)


def test_special_set_is_the_write_ups_set_with_delta_equal_to_lr():
    t = gd_abs32.special_set_in_lr2_units(3)
    assert t[:2] == pytest.approx([1.0, (3 + math.sqrt(5)) / 2], rel=1e-15)
    # each level maps onto the one below: t − √t = t_previous (in units of lr²)
    for upper, lower in zip(t[1:], t[:-1]):
        assert upper - math.sqrt(upper) == pytest.approx(lower, rel=1e-14)


@pytest.mark.parametrize("lr", [0.01, 0.3])
def test_special_starts_step_down_the_set_and_hit_zero_at_their_level(lr):
    levels, starts = gd_abs32.special_starts(lr, 4)
    iterates = gd_abs32.orbits(starts, lr, 6)
    for level, orbit in zip(levels, iterates.T):
        assert gd_abs32.first_iteration_within(orbit, 1e-12 * lr**2) == level
        if level >= 2:  # one step lands on the level below
            lower = gd_abs32.special_set_in_lr2_units(level)[level - 2] * lr**2
            assert abs(orbit[1]) == pytest.approx(lower, rel=1e-12)


def test_zero_repels_a_rounding_residue_back_onto_the_cycle():
    lr = 0.1
    orbit = gd_abs32.orbits(np.array([1e-16 * lr**2]), lr, 40)[:, 0]
    assert abs(orbit[1]) == pytest.approx(lr * math.sqrt(1e-16) * lr, rel=1e-12)
    np.testing.assert_allclose(np.abs(orbit[-4:]), gd_abs32.cycle_amplitude_theory(lr), rtol=1e-12)


def test_generic_starts_reach_the_cycle_after_about_two_sqrt_x0_over_lr_steps():
    result = gd_abs32.run(SETTINGS, lr=0.05)
    assert result.metrics["cycle_relative_error"] < 1e-12
    assert result.metrics["cycle_amplitude"] == pytest.approx(0.05**2 / 4, rel=1e-12)
    summary = gd_abs32.summarise([{"params": {"lr": 0.05}}], [result.history], SETTINGS)
    for start in summary["by_lr"]["0.05"]["generic"]:
        assert start["tail_alternates_sign"]
        assert start["iterations_to_cycle"] == pytest.approx(
            start["iterations_to_cycle_estimate"], rel=0.05, abs=3)


def test_summary_counts_every_special_start_and_keys_lrs_by_label():
    summary = gd_abs32.summarise(*runs_at(0.5, 0.01), SETTINGS)
    assert list(summary["by_lr"]) == ["0.01", "0.5"]
    assert summary["constants"]["special_points"] == 2 * (1 + 2 * SETTINGS["special_levels"])
    assert summary["special_points_reaching_zero_at_level"] == summary["constants"]["special_points"]
    assert summary["max_cycle_relative_error"] < 1e-12
    # x0 = lr² lands on 0.0 exactly (√(lr²) = lr) and stays: f′(0) = 0
    level_one = [s for s in summary["by_lr"]["0.5"]["special"] if s["level"] == 1]
    assert all(start["stays_at_zero"] and start["residue_over_lr2"] == 0.0 for start in level_one)


@pytest.mark.parametrize("change,lr,name", [
    ({}, 0.0, "lr"),
    ({"zero_tolerance": -1e-12}, 0.1, "zero_tolerance"),
    ({"generic_starts": []}, 0.1, "generic_starts"),
    ({"iterations": 0}, 0.1, "iterations"),
    ({"tail_window": 601}, 0.1, "tail_window"),
])
def test_out_of_range_settings_are_named(change, lr, name):
    with pytest.raises(ValueError, match=name):
        gd_abs32.run({**SETTINGS, **change}, lr)


def test_an_empty_lr_sweep_is_named():
    with pytest.raises(ValueError, match="lrs"):
        gd_abs32.summarise([], [], SETTINGS)


def test_figures_show_the_special_starts_at_the_largest_lr():
    records, histories = runs_at(0.5, 0.01, 0.1)
    results = ExperimentResults({}, records, histories)
    fig = figures.draw_trajectories(results)
    direct = figures.trajectories(dict(zip((0.5, 0.01, 0.1), histories)), special_lr=0.5)
    assert fig.axes[1].get_title() == "starts in S (+ side), lr 0.5"
    for drawn, expected in zip(fig.axes, direct.axes, strict=True):
        for line, reference in zip(drawn.get_lines(), expected.get_lines(), strict=True):
            np.testing.assert_array_equal(line.get_xydata(), reference.get_xydata())
    cobweb = figures.draw_cobweb(results)
    assert cobweb.axes[0].get_title() == "whole orbits, lr 0.5"
    generic = next(line for line in cobweb.axes[0].get_lines()
                   if line.get_label() == "generic x0 = 0.7316")
    assert generic.get_xdata()[0] == pytest.approx(0.7316 / 0.5**2)
    for figure in (fig, direct, cobweb):
        plt.close(figure)
