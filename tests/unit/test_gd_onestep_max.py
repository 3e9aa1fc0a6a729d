import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlrepro.experiments.functions import gd_onestep_max
from dlrepro.figures import gd_onestep_max as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(starts=[-2.5, 1.5, math.sqrt(3.0), 2.0, 3.0, 10.0], landing_tolerance=1e-12)


def autograd_derivatives(x0: float) -> tuple[float, float]:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(gd_onestep_max.objective(x), x, create_graph=True)
    (second,) = torch.autograd.grad(first, x)
    return first.item(), second.item()


@pytest.mark.parametrize("x0", [-3.0, -1.2, 0.0, 0.7, math.sqrt(2.0), 2.5])
def test_derivative_matches_autograd(x0):
    assert gd_onestep_max.derivative(x0) == pytest.approx(autograd_derivatives(x0)[0], abs=1e-12)


def test_zero_is_the_local_maximum_and_root_two_the_minima():
    assert autograd_derivatives(0.0) == (0.0, -8.0)
    slope, curvature = autograd_derivatives(math.sqrt(2.0))
    assert slope == pytest.approx(0.0, abs=1e-12) and curvature > 0


def test_write_up_pair_lands_on_zero_and_stays():
    x1 = gd_onestep_max.gd_step(math.sqrt(3.0), 0.25)
    assert abs(x1) <= 1e-12
    assert gd_onestep_max.gd_step(0.0, 0.25) == 0.0  # f′(0) = 0: GD stays on the maximum
    assert gd_onestep_max.landing_lr(math.sqrt(3.0)) == pytest.approx(0.25, rel=1e-15)


@pytest.mark.parametrize("x0", [-10.0, -1.5, 1.42, 1.7, 2.0, 4.0, 100.0])
def test_every_start_beyond_root_two_has_a_landing_lr(x0):
    lr = gd_onestep_max.landing_lr(x0)
    assert lr == pytest.approx(1.0 / (4 * x0**2 - 8))
    assert lr > 0
    assert abs(gd_onestep_max.gd_step(x0, lr)) <= 1e-12 * max(1.0, abs(x0))


@pytest.mark.parametrize("x0", [0.0, 1.0, -1.4, math.sqrt(2.0)])
def test_starts_inside_the_minima_are_rejected(x0):
    with pytest.raises(ValueError, match="starts"):
        gd_onestep_max.landing_lr(x0)


def test_summary_computes_each_x1_by_the_gd_step():
    summary = gd_onestep_max.one_step_summary(SETTINGS)
    assert [member["x0"] for member in summary["family"]] == SETTINGS["starts"]
    for member in summary["family"]:
        assert member["x1"] == gd_onestep_max.gd_step(member["x0"], member["lr"])
    assert summary["all_land_on_maximum"]
    assert summary["max_abs_x1"] <= 1e-12
    pair = summary["write_up_pair"]
    assert pair["lr"] == 0.25 and pair["abs_x1"] <= 1e-12
    assert pair["f_x0"] == pytest.approx(-3.0) and pair["f_x1"] == pytest.approx(0.0, abs=1e-24)


@pytest.mark.parametrize("change,name", [
    ({"starts": []}, "starts"),
    ({"landing_tolerance": -1e-12}, "landing_tolerance"),
    ({"starts": [1.0]}, "starts"),
])
def test_out_of_range_settings_are_named(change, name):
    with pytest.raises(ValueError, match=name):
        gd_onestep_max.one_step_summary({**SETTINGS, **change})


def test_run_records_every_step_of_the_family_its_summary_shows():
    result = gd_onestep_max.run(SETTINGS)
    assert list(result.history["x0"]) == list(SETTINGS["starts"])
    assert result.metrics["max_abs_x1"] <= SETTINGS["landing_tolerance"]
    assert result.status == "ok"
    summary = gd_onestep_max.summarise([{"metrics": result.metrics}], [result.history], SETTINGS)
    assert summary["family"] == result.history.to_dict("records")
    assert summary["max_abs_x1"] == result.metrics["max_abs_x1"]
    assert summary["write_up_pair"]["abs_x1"] == result.metrics["write_up_abs_x1"]


def test_draw_step_shows_the_summarys_family():
    result = gd_onestep_max.run(SETTINGS)
    summary = gd_onestep_max.summarise([{"metrics": result.metrics}], [result.history], SETTINGS)
    fig = figures.draw_step(ExperimentResults(summary, [{"params": SETTINGS}], [result.history]))
    left, right = fig.axes
    # |x0| ≤ 2.6: every start but 3 and 10
    starts = [line.get_label() for line in left.get_lines() if line.get_label().startswith("x0")]
    assert starts == [f"x0 = {x0:.4g}, lr = {gd_onestep_max.landing_lr(x0):.4g}"
                      for x0 in SETTINGS["starts"] if abs(x0) <= 2.6]
    family = next(line for line in right.get_lines() if line.get_label().startswith("family"))
    np.testing.assert_array_equal(family.get_xdata(), [abs(x0) for x0 in SETTINGS["starts"]])
    plt.close(fig)
