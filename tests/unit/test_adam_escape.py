import copy

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlrepro.experiments.functions import adam_escape
from dlrepro.figures import adam_escape as figures
from dlrepro.results import ExperimentResults

BETA = 0.5
# lr 1e-2 puts every event of the homework (lr 1e-3) ten times sooner: the ramp takes ~100 steps.
SMALL = dict(
    beta=BETA,
    gd=dict(lr=0.3, steps=40, h=0.5, h_sweep=[0.001, 0.2]),
    adam=dict(lr=1e-2, betas=[0.9, 0.999], eps=0.0, step_budget=180),
    bisection=dict(h_lower=0.0, h_upper=0.1, tolerance=1e-6, probes_per_round=31),
)
HOMEWORK_ADAM = dict(lr=1e-3, betas=[0.9, 0.999], eps=0.0, step_budget=1030)
OVERSHOOT_IN_LR = sum(2 * 0.9**k - 1 for k in range(1, 7))  # 2.434062


def settings_with(**sections):
    settings = copy.deepcopy(SMALL)
    for name, change in sections.items():
        settings[name] = {**settings[name], **change} if isinstance(change, dict) else change
    return settings


def plain_adam(h_values, adam, steps):
    """torch.optim.Adam from w = 0, no shortcuts: the reference for the ramp and the bisection."""
    w = torch.zeros(len(h_values), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=adam["lr"], betas=tuple(adam["betas"]), eps=adam["eps"])
    h = torch.tensor(h_values, dtype=torch.float64)
    rows = [w.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        adam_escape.objective(w, h, BETA).sum().backward()
        optimizer.step()
        rows.append(w.detach().clone())
    return torch.stack(rows).numpy()


def escaped(orbit, h):
    return bool((orbit > 1 + 2 * h).any())


@pytest.mark.parametrize("h", [0.0024, 0.05, 0.7])
def test_objective_is_continuous_at_every_breakpoint(h):
    h_tensor = torch.tensor(h, dtype=torch.float64)
    for breakpoint in (1.0, 1.0 + h, 1.0 + 2 * h):
        around = torch.tensor([breakpoint - 1e-12, breakpoint, breakpoint + 1e-12],
                              dtype=torch.float64)
        values = adam_escape.objective(around, h_tensor, BETA).numpy()
        np.testing.assert_allclose(values, values[1], atol=3e-12)


def test_autograd_gives_the_slope_of_the_branch_each_point_is_in():
    h = 0.1
    w = torch.tensor([0.5, 1.0, 1.05, 1.1, 1.15, 1.2, 1.3, 7.0], dtype=torch.float64,
                     requires_grad=True)
    adam_escape.objective(w, torch.tensor(h, dtype=torch.float64), BETA).sum().backward()
    # w ≤ 1: −1 (the kink w = 1 included), (1, 1+h]: +1, (1+h, 1+2h]: −1, beyond: −β
    np.testing.assert_array_equal(w.grad.numpy(), [-1, -1, 1, 1, -1, -1, -BETA, -BETA])


def test_ramp_steps_are_lr_each_because_v_hat_is_one():
    ramp = adam_escape.ramp(SMALL, torch.float64)
    steps = np.diff(ramp.iterates)
    np.testing.assert_allclose(steps, 1e-2, rtol=1e-12)
    assert ramp.iterates[-2] <= 1.0 < ramp.iterates[-1]
    assert ramp.state["exp_avg_sq"].item() == pytest.approx(1 - 0.999**ramp.entry_step)


def test_ramp_and_continuation_equal_a_plain_torch_adam_run_bit_for_bit():
    h_values = [0.003, 0.024, 0.025, 0.09]
    ramp = adam_escape.ramp(SMALL, torch.float64)
    ours = adam_escape.adam_orbits(ramp, h_values, SMALL)
    reference = plain_adam(h_values, SMALL["adam"], SMALL["adam"]["step_budget"])
    np.testing.assert_array_equal(ours, reference)
    flags = adam_escape.escapes(ramp, h_values, SMALL)
    assert list(flags) == [escaped(orbit, h) for orbit, h in zip(reference.T, h_values)]


def test_overshoot_closed_form_matches_the_sum_and_the_measured_peak():
    lr = 1e-2
    assert adam_escape.overshoot(lr, 0.9, 0.0, 10_000) == pytest.approx(lr * OVERSHOOT_IN_LR,
                                                                       rel=1e-12)
    ramp = adam_escape.ramp(SMALL, torch.float64)
    orbit = adam_escape.adam_orbits(ramp, [1.0], SMALL)[:, 0]  # a bump too wide to leave
    peak_travel = orbit.max() - ramp.iterates[-1]
    assert peak_travel == pytest.approx(
        adam_escape.overshoot(lr, 0.9, 0.0, ramp.entry_step), abs=1e-14)


def test_exact_arithmetic_entry():
    # lr = 1/1000: w_1000 = 1 lands on the kink, f′(1) = −1, so w_1001 = 1.001 is the first past 1
    assert adam_escape.exact_entry(1e-3, 0.0) == (1001, pytest.approx(1e-3, rel=1e-12))
    assert adam_escape.exact_entry(0.3, 0.0) == (4, pytest.approx(0.2, rel=1e-12))


def test_bisection_invariant_against_plain_adam_runs():
    ramp = adam_escape.ramp(SMALL, torch.float64)
    search = adam_escape.bisect_h_max(ramp, SMALL)
    tolerance = SMALL["bisection"]["tolerance"]
    assert 0 < search["h_no_escape"] - search["h_max"] <= tolerance
    assert search["escape_monotone_in_h"]
    h_values = [search["h_max"] - tolerance, search["h_max"] + tolerance]
    below, above = plain_adam(h_values, SMALL["adam"], SMALL["adam"]["step_budget"]).T
    assert escaped(below, h_values[0]) and not escaped(above, h_values[1])
    closed_form = ramp.entry_offset + adam_escape.overshoot(1e-2, 0.9, 0.0, ramp.entry_step)
    assert search["h_max"] <= closed_form <= search["h_no_escape"]


def test_homework_escape_boundary_is_entry_offset_plus_overshoot():
    settings = settings_with(adam=HOMEWORK_ADAM)
    ramp = adam_escape.ramp(settings, torch.float64)
    boundary = ramp.entry_offset + adam_escape.overshoot(1e-3, 0.9, 0.0, ramp.entry_step)
    h_values = [boundary - 1e-9, boundary + 1e-9]
    below, above = plain_adam(h_values, HOMEWORK_ADAM, HOMEWORK_ADAM["step_budget"]).T
    assert escaped(below, h_values[0]) and not escaped(above, h_values[1])


def test_gd_is_caught_iff_the_bump_is_at_least_0_2_wide():
    h_values = [0.5, 0.2, 0.001]
    orbits = adam_escape.gd_orbits(h_values, settings_with(gd={"steps": 1000}))
    for column in (0, 1):  # 0, 0.3, 0.6, 0.9, 1.2, 0.9, 1.2, …
        assert set(np.round(orbits[3:, column], 12)) == {0.9, 1.2}
        lowest = adam_escape.values_of(orbits[:, column], h_values[column], BETA).min()
        assert lowest == pytest.approx(0.1, abs=1e-12)
    # h = 0.001: 1.2 is past 1 + 2h, so GD walks down the β slope by 0.3·β a step
    w_final = 1.2 + 996 * 0.3 * BETA
    assert orbits[-1, 2] == pytest.approx(w_final, rel=1e-12)
    lowest = adam_escape.values_of(orbits[:, 2], 0.001, BETA).min()
    assert lowest == pytest.approx(BETA * (1 + 2 * 0.001 - w_final), rel=1e-12)


def test_run_and_summary_at_small_scale():
    result = adam_escape.run(SMALL)
    summary = adam_escape.summarise([{"metrics": result.metrics}], [result.history], SMALL)
    # entry after ~100 steps: the bias corrections (0.9^100 ≈ 3e-5) still show
    assert summary["overshoot_in_lr"] == pytest.approx(OVERSHOOT_IN_LR, rel=1e-4)
    assert summary["h_no_escape"] - summary["h_max"] <= SMALL["bisection"]["tolerance"]
    assert summary["entry"]["exact"] == {"step": 101, "offset": pytest.approx(1e-2),
                                         "h_max": pytest.approx(1e-2 * (1 + OVERSHOOT_IN_LR),
                                                                rel=1e-4)}
    assert summary["gd_lowest_f"] == pytest.approx(0.1, abs=1e-12)
    assert summary["gd"]["tail_low"] == pytest.approx(0.9) and summary["gd"]["tail_high"] == 1.2
    assert summary["gd_by_h"]["0.2"]["trapped"] and not summary["gd_by_h"]["0.001"]["trapped"]
    adam_rows = result.history[result.history["optimiser"] == "adam"]
    assert sorted(adam_rows["h"].unique()) == [summary["h_max"], summary["h_no_escape"]]


def test_draw_trajectories_shows_gd_per_h_and_adam_at_the_bracket():
    result = adam_escape.run(SMALL)
    summary = adam_escape.summarise([{"metrics": result.metrics}], [result.history], SMALL)
    results = ExperimentResults(summary, [{"params": SMALL}], [result.history])
    fig = figures.draw_trajectories(results)
    left, right = fig.axes
    assert [line.get_label() for line in left.get_lines()][:3] == [
        "h = 0.001 (escapes)", "h = 0.2 (caught)", "h = 0.5 (caught)"]
    assert right.get_title() == "Adam, lr 0.01, ε = 0"
    escapes, turns_back = right.get_lines()[:2]
    assert escapes.get_label() == f"h = {summary['h_max']:.10f}: escapes"
    assert turns_back.get_label() == f"h = {summary['h_no_escape']:.10f}: turns back"
    plt.close(fig)


@pytest.mark.parametrize("sections,name", [
    ({"bisection": {"tolerance": 0.0}}, "bisection.tolerance"),
    ({"bisection": {"tolerance": -1e-9}}, "bisection.tolerance"),
    ({"adam": {"lr": 0.0}}, "adam.lr"),
    ({"gd": {"lr": -0.3}}, "gd.lr"),
    ({"gd": {"steps": 0}}, "gd.steps"),
    ({"gd": {"h_sweep": []}}, "gd.h_sweep"),
    ({"bisection": {"h_upper": 0.0}}, "h_upper"),
    ({"bisection": {"h_upper": 0.02}}, "h_upper"),  # below h_max: it escapes
    ({"adam": {"step_budget": 50}}, "step_budget"),  # ends on the ramp
])
def test_out_of_range_settings_are_named(sections, name):
    with pytest.raises(ValueError, match=name.replace(".", r"\.")):
        adam_escape.run(settings_with(**sections))
