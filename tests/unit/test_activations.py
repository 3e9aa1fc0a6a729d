import math

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlrepro.experiments.functions import activations
from dlrepro.figures import activations as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(x_min=-5.0, x_max=5.0, points=1001, vanishing_threshold=0.01,
                linearity_tolerance=1e-9, slip_check_x=1.0)


@pytest.fixture(scope="module")
def history():
    return activations.curves(SETTINGS)


@pytest.fixture(scope="module")
def summary(history):
    return activations.summarise([{"params": SETTINGS}], [history], SETTINGS)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_leaky_relu_and_its_autograd_derivative(history):
    x = history["x"].to_numpy()
    np.testing.assert_allclose(history["f_leaky_relu"], np.where(x >= 0, x, 0.1 * x), rtol=1e-15)
    np.testing.assert_allclose(history["df_leaky_relu"], np.where(x >= 0, 1.0, 0.1), rtol=1e-15)


def test_softplus_3x_and_its_autograd_derivative(history):
    x = history["x"].to_numpy()
    np.testing.assert_allclose(history["f_softplus_3x"], np.log1p(np.exp(3 * x)), rtol=1e-13)
    np.testing.assert_allclose(history["df_softplus_3x"], 3 * sigmoid(3 * x), rtol=1e-13)


def test_log_exp_affine_is_3x_plus_1_with_slope_3(history, summary):
    x = history["x"].to_numpy()
    np.testing.assert_allclose(history["f_log_exp_affine"], 3 * x + 1, atol=1e-13)
    np.testing.assert_allclose(history["df_log_exp_affine"], 3.0, rtol=1e-14)
    assert summary["affine_simplification_max_abs_error"] < 1e-13


def test_only_the_affine_function_is_linear(summary):
    linear = {name: item["is_linear"] for name, item in summary["functions"].items()}
    assert linear == {"leaky_relu": False, "softplus_3x": False, "log_exp_affine": True}
    assert summary["functions"]["leaky_relu"]["derivative_spread"] == pytest.approx(0.9)


def test_derivative_ranges(summary):
    leaky, softplus = summary["functions"]["leaky_relu"], summary["functions"]["softplus_3x"]
    assert (leaky["derivative_min"], leaky["derivative_max"]) == pytest.approx((0.1, 1.0))
    assert softplus["derivative_min"] == pytest.approx(3 * sigmoid(-15.0), rel=1e-12)
    assert softplus["derivative_max"] == pytest.approx(3 * sigmoid(15.0), rel=1e-12)


def test_vanishing_region_of_softplus_ends_where_3_sigmoid_3x_reaches_the_threshold(summary):
    t = SETTINGS["vanishing_threshold"]
    boundary = math.log((t / 3) / (1 - t / 3)) / 3  # 3σ(3x) = t
    spacing = (SETTINGS["x_max"] - SETTINGS["x_min"]) / (SETTINGS["points"] - 1)
    [[first, last]] = summary["functions"]["softplus_3x"]["vanishing_intervals"]
    assert first == SETTINGS["x_min"]
    assert boundary - spacing < last < boundary


def test_leaky_relu_and_affine_gradients_never_vanish(summary):
    for name, smallest in (("leaky_relu", 0.1), ("log_exp_affine", 3.0)):
        assert summary["functions"][name]["vanishing_intervals"] == []
        assert summary["functions"][name]["min_abs_derivative"] == pytest.approx(smallest)


def test_vanishing_intervals_finds_separate_runs():
    x = np.arange(7.0)
    derivative = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    assert activations.vanishing_intervals(x, derivative, 0.5) == [[0, 1], [3, 3], [5, 6]]


def test_slip_numbers_refute_the_written_derivative(summary):
    slip = summary["slip"]
    assert slip["autograd_at_x"] == pytest.approx(3 / (1 + math.exp(-3)), rel=1e-14)
    assert slip["written_at_x"] == pytest.approx(3 * math.e / (math.exp(3) + 1), rel=1e-14)
    assert slip["max_abs_difference_written"] > 2.9
    assert slip["max_abs_difference_final_form"] < 1e-14


def test_written_derivative_agrees_only_at_zero():
    x = np.array([0.0, 1.0])
    _, autograd = activations.value_and_derivative("softplus_3x", x)
    written = activations.written_derivative(x)
    assert written[0] == pytest.approx(autograd[0]) == pytest.approx(1.5)
    assert abs(written[1] - autograd[1]) > 2


def test_wide_grid_stays_finite():
    history = activations.curves({**SETTINGS, "x_min": -200.0, "x_max": 200.0, "points": 401})
    assert np.isfinite(history.to_numpy()).all()
    assert history["df_softplus_3x"].iloc[0] == pytest.approx(3 * math.exp(-600), rel=1e-12)
    assert history["df_softplus_3x"].iloc[-1] == 3.0
    assert history["df_softplus_3x_written"].iloc[-1] == pytest.approx(3 * math.exp(-400))


def test_run_metrics_are_named_scalars(history):
    result = activations.run(SETTINGS)
    assert result.status == "ok"
    assert result.metrics["log_exp_affine/is_linear"] is True
    assert result.metrics["slip/written_at_x"] == pytest.approx(0.38675066777214906)
    assert list(result.history.columns) == list(history.columns)


@pytest.mark.parametrize("change,named", [
    ({"x_min": 5.0}, "x_min"),
    ({"x_max": -6.0}, "x_min"),
    ({"points": 2}, "points"),
    ({"x_max": 250.0}, "x_max"),
    ({"x_min": -250.0}, "x_min"),
    ({"vanishing_threshold": 0.0}, "vanishing_threshold"),
    ({"linearity_tolerance": -1.0}, "linearity_tolerance"),
])
def test_out_of_range_settings_are_named(change, named):
    with pytest.raises(ValueError, match=named):
        activations.grid({**SETTINGS, **change})


@pytest.mark.parametrize("draw", [
    figures.functions_and_derivatives,
    lambda history: figures.draw_derivatives(
        ExperimentResults({}, [{"params": SETTINGS}], [history])),
])
def test_figure_draws_three_functions_and_the_written_derivative(history, draw):
    fig = draw(history)
    assert isinstance(fig, matplotlib.figure.Figure)
    left, right = fig.axes
    assert len(left.lines) == 3
    assert len(right.lines) == 4
    assert right.lines[-1].get_linestyle() == "--"
    np.testing.assert_array_equal(right.lines[-1].get_ydata(), history["df_softplus_3x_written"])
    plt.close(fig)
