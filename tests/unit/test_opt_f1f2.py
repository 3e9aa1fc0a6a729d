import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlrepro.experiments.functions import opt_f1f2
from dlrepro.figures import opt_f1f2 as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(lr=1e-3, iterations=50, momentum=0.9, betas=[0.9, 0.999], phase_split=10,
                target_objective=1e-3)


def first_steps(optimizer, function="f1", steps=2):
    history = opt_f1f2.minimise(function, optimizer, {**SETTINGS, "iterations": steps})
    return history[["x", "y"]].to_numpy()


def test_gd_first_step_by_hand():
    # grad f1(1, 1) = (2, 0.2)
    np.testing.assert_allclose(first_steps("gd")[1], [1 - 1e-3 * 2, 1 - 1e-3 * 0.2], rtol=1e-15)


def test_momentum_second_step_by_hand():
    x1, y1 = 1 - 2e-3, 1 - 2e-4
    buffer = (0.9 * 2 + 2 * x1, 0.9 * 0.2 + 0.2 * y1)
    expected = (x1 - 1e-3 * buffer[0], y1 - 1e-3 * buffer[1])
    np.testing.assert_allclose(first_steps("momentum")[2], expected, rtol=1e-15)


def test_rmsprop_first_step_by_hand():
    # v = (1 - 0.99) g^2, step = lr g / (sqrt(v) + 1e-8) = lr / sqrt(0.01) per coordinate
    step = 1e-3 * 2 / (math.sqrt(0.01 * 4) + 1e-8)
    step_y = 1e-3 * 0.2 / (math.sqrt(0.01 * 0.04) + 1e-8)
    np.testing.assert_allclose(first_steps("rmsprop")[1], [1 - step, 1 - step_y], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign():
    # bias-corrected m = g, v = g^2: the step is lr * g / (|g| + eps)
    np.testing.assert_allclose(first_steps("adam")[1], [1 - 1e-3, 1 - 1e-3], rtol=1e-7)


def test_f2_is_f1_rotated_and_the_start_maps_to_the_start():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 20))
    u, v = (x - y) / math.sqrt(2), (x + y) / math.sqrt(2)
    f1, f2 = opt_f1f2.PROBLEMS["f1"].objective, opt_f1f2.PROBLEMS["f2"].objective
    np.testing.assert_allclose(f2(x, y), f1(u, v), rtol=1e-12)
    assert f1(*opt_f1f2.PROBLEMS["f1"].start) == pytest.approx(f2(*opt_f1f2.PROBLEMS["f2"].start))


@pytest.mark.parametrize("optimizer,identical", [("gd", True), ("momentum", True),
                                                 ("rmsprop", False), ("adam", False)])
def test_only_rotation_invariant_optimisers_give_equal_curves(optimizer, identical):
    settings = {**SETTINGS, "iterations": 300}
    curve1 = opt_f1f2.minimise("f1", optimizer, settings)["objective"].to_numpy()
    curve2 = opt_f1f2.minimise("f2", optimizer, settings)["objective"].to_numpy()
    gap = opt_f1f2.relative_gap(curve1, curve2)
    assert (gap < 1e-12) is identical


def test_log_rate_of_a_geometric_curve():
    curve = 10.0 ** -(0.02 * np.arange(201))  # two decades lost per 100 iterations
    assert opt_f1f2.log_rate(curve, 0, 200) == pytest.approx(2.0)


def all_runs(settings=SETTINGS):
    """(records, histories) of the eight runs, f2 first: summarise must match by params."""
    keys = [(f, o) for f in ("f2", "f1") for o in opt_f1f2.OPTIMIZERS]
    records = [{"params": {**settings, "function": f, "optimizer": o}} for f, o in keys]
    return records, [opt_f1f2.minimise(f, o, settings) for f, o in keys]


def test_summary_shape():
    records, histories = all_runs()
    summary = opt_f1f2.summarise(records, histories, SETTINGS)
    assert summary["constants"]["iterations"] == 50
    # GD on f1 keeps 0.1·y² ≈ 0.09 after 50 steps: never at 1e-3, so one past the budget
    assert summary["iterations_to_target"]["f1"]["gd"] == 51
    assert summary["objective_at_phase_split"]["f1"]["gd"] == histories[4]["objective"].iloc[10]
    assert set(summary["final_objective"]) == {"f1", "f2"}
    assert set(summary["final_objective"]["f1"]) == set(opt_f1f2.OPTIMIZERS)
    assert records[4]["params"]["function"] == "f1" and records[4]["params"]["optimizer"] == "gd"
    assert summary["final_objective"]["f1"]["gd"] == histories[4]["objective"].iloc[-1]
    assert summary["f1_f2_max_relative_gap"]["gd"] < 1e-12
    assert summary["f1_f2_max_relative_gap"]["adam"] > 1e-3


def test_figures_draw_every_run_by_its_params():
    records, histories = all_runs()
    results = ExperimentResults({}, records, histories)
    curves = figures.draw_objective(results)
    left, right = curves.axes
    assert len(left.get_lines()) == 8 and len(right.get_lines()) == 4
    adam_f2 = next(line for line in right.get_lines() if line.get_label() == "Adam, f2")
    np.testing.assert_array_equal(adam_f2.get_ydata(), histories[3]["objective"].clip(lower=1e-30))
    paths = figures.draw_trajectories(results)
    f2_gd = next(line for line in paths.axes[1].get_lines() if line.get_label() == "GD")
    np.testing.assert_array_equal(f2_gd.get_xdata(), histories[0]["x"])
    plt.close(curves)
    plt.close(paths)


def test_unknown_optimizer_is_named():
    with pytest.raises(ValueError, match="'lbfgs'"):
        opt_f1f2.minimise("f1", "lbfgs", SETTINGS)
