import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlrepro.experiments.functions import gd_plateau
from dlrepro.figures import gd_plateau as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(
    starts=[-3.0, 10.0],
    lrs=[1e-2, 1e-1, 1.0],
    iterations=1000,
    tolerance=1e-3,
    divergence_threshold=1e6,
    schedule=dict(start=-3.0, initial_lrs=[0.22, 0.245], decay=0.9, every=10, iterations=1000,
                  tolerance=1e-6),
)


def all_runs(settings=SETTINGS):
    keys = [(start, lr, "constant") for start in settings["starts"] for lr in settings["lrs"]]
    schedule = settings["schedule"]
    keys += [(schedule["start"], lr, kind) for lr in schedule["initial_lrs"]
             for kind in ("held", "decayed")]
    return {key: gd_plateau.run(settings, *key) for key in keys}


def as_records(runs):
    """Records and histories as the workflow reads them: params as gd_plateau_runs writes them."""
    records = [
        {"params": {"start": start, "lr": lr, "kind": kind}, "metrics": result.metrics}
        for (start, lr, kind), result in runs.items()
    ]
    return records, [result.history for result in runs.values()]


def autograd_derivative(x: float) -> float:
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    gd_plateau.objective(point).backward()
    return point.grad.item()


def test_hand_written_gradient_matches_autograd():
    points = np.concatenate([np.linspace(-4.0, 12.0, 1601), gd_plateau.BREAKPOINTS, [3.1, 6.0]])
    for x in points:
        assert gd_plateau.gradient(float(x)) == pytest.approx(
            autograd_derivative(float(x)), rel=1e-12, abs=1e-12
        ), x


@pytest.mark.parametrize("breakpoint_", [-0.1, 5.0])
def test_objective_is_continuous_where_the_homework_made_it_so(breakpoint_):
    step = 1e-9
    left = gd_plateau.objective(breakpoint_ - step)
    assert left == pytest.approx(gd_plateau.objective(breakpoint_), abs=1e-7)


def test_objective_jumps_up_by_one_thousandth_at_three():
    # −0.03·3 − 1/500 = −0.092 from the left; −(3 − 3.1)³ − 23/250 = −0.091 at 3.
    assert gd_plateau.objective(3.0) == pytest.approx(-0.091, abs=1e-15)
    left = gd_plateau.objective(3.0 - 1e-12)
    assert gd_plateau.objective(3.0) - left == pytest.approx(1e-3, abs=1e-9)


@pytest.mark.parametrize("breakpoint_", gd_plateau.BREAKPOINTS)
def test_gradient_is_continuous_at_every_breakpoint(breakpoint_):
    assert gd_plateau.gradient(breakpoint_ - 1e-12) == pytest.approx(
        gd_plateau.gradient(breakpoint_), abs=1e-9
    )


def test_global_minimum_at_six_and_flat_inflection_at_three_point_one():
    assert gd_plateau.gradient(6.0) == 0.0
    assert gd_plateau.objective(6.0) == pytest.approx(-6183 / 500, abs=1e-15)
    grid = np.linspace(-5.0, 20.0, 5001)
    assert min(gd_plateau.objective(float(x)) for x in grid) >= gd_plateau.objective(6.0)
    assert gd_plateau.gradient(3.1) == pytest.approx(0.0, abs=1e-15)
    # f′ ≤ 0 on both sides: an inflection, not an extremum
    assert gd_plateau.gradient(3.05) < 0 and gd_plateau.gradient(3.15) < 0


def test_plateau_steps_are_constant_and_the_bowl_contracts_geometrically():
    lr = 0.5
    plateau = gd_plateau.descend(0.0, gd_plateau.step_decay(lr, 20))
    np.testing.assert_allclose(plateau, 0.03 * lr * np.arange(21), rtol=0, atol=1e-13)
    lr = 0.01
    bowl = gd_plateau.descend(10.0, gd_plateau.step_decay(lr, 30))
    factor = 1 - gd_plateau.CURVATURE_AT_MINIMUM * lr
    np.testing.assert_allclose(bowl - 6.0, 4.0 * factor ** np.arange(31), rtol=1e-12)


def test_stability_bound_at_the_minimum():
    bound = gd_plateau.stable_lr_at_minimum()
    assert bound == pytest.approx(200 / 1083)
    for scale, shrinks in ((0.99, True), (1.01, False)):
        iterates = gd_plateau.descend(6.01, gd_plateau.step_decay(scale * bound, 100))
        assert bool(abs(iterates[-1] - 6.0) < 0.01) == shrinks


def test_first_step_from_minus_three_crosses_the_inflection_only_above_the_bound():
    bound = gd_plateau.one_step_jump_lr(-3.0)
    assert bound == pytest.approx(6.1 / 27)
    assert gd_plateau.one_step_jump_lr(0.0) is None
    below = gd_plateau.descend(-3.0, gd_plateau.step_decay(0.999 * bound, 3000))
    assert below.max() < gd_plateau.INFLECTION
    above = gd_plateau.descend(-3.0, gd_plateau.step_decay(1.001 * bound, 1))
    assert above[1] > gd_plateau.INFLECTION


def test_plateau_crossing_iterations():
    assert gd_plateau.plateau_crossing_iterations(0.01) == pytest.approx(3.1 / 0.0003)


def test_step_decay_schedule_by_hand():
    np.testing.assert_allclose(gd_plateau.step_decay(0.2, 5, decay=0.5, every=2),
                               [0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
    np.testing.assert_array_equal(gd_plateau.step_decay(0.3, 3), [0.3] * 4)


@pytest.mark.parametrize("x,expected", [
    (math.inf, "diverged"), (math.nan, "diverged"), (-2e6, "diverged"),
    (6.0005, "minimum"), (3.0995, "inflection"), (3.1005, "inflection"),
    (-0.1, "plateau"), (2.99, "plateau"), (3.05, "other"), (-0.2, "other"), (6.01, "other"),
])
def test_classify(x, expected):
    assert gd_plateau.classify(x, tolerance=1e-3, divergence_threshold=1e6) == expected


def test_crossings_and_settling():
    iterates = np.array([10.0, 5.0, 7.0, 5.9995, 6.0002, 6.0])
    assert gd_plateau.minimum_crossings(iterates) == 4  # landing exactly on 6 is no crossing
    assert gd_plateau.settled_iteration(iterates, 1e-3) == 3
    assert gd_plateau.settled_iteration(np.array([6.0, 7.0]), 1e-3) is None
    assert gd_plateau.settled_iteration(np.array([6.0, 6.0]), 1e-3) == 0


def test_large_lr_diverges_and_the_run_is_marked_diverged():
    result = gd_plateau.run(SETTINGS, -3.0, 1.0)
    x = result.history["x"].to_numpy()
    assert x[1] == 24.0  # −3 − 1·(−27)
    assert x[2] == pytest.approx(24.0 - 10.83 * 18.0)
    assert result.metrics["outcome"] == "diverged"
    assert result.status == "diverged"
    first = result.metrics["diverged_at_iteration"]
    assert abs(x[first]) > 1e6 and np.all(np.abs(x[:first]) <= 1e6)


def test_runs_end_where_the_closed_forms_say():
    from_ten = gd_plateau.run(SETTINGS, 10.0, 0.1).metrics
    assert from_ten["outcome"] == "minimum" and from_ten["distance_to_minimum"] < 1e-12
    # 1000 steps of 0.03 · 0.01 cover 0.3 of the 3.1-wide plateau
    stalled = gd_plateau.run(SETTINGS, -3.0, 0.01).metrics
    assert stalled["outcome"] == "plateau"
    # lr 0.22 lands on the plateau at −3 + 27·0.22 = 2.94 and creeps to the inflection,
    # 3.1 − x_k ≈ 1 / (3 · 0.22 · k): within 1e-3 after about 1500 steps
    creeping = gd_plateau.run({**SETTINGS, "iterations": 3000}, -3.0, 0.22).metrics
    assert creeping["outcome"] == "inflection" and creeping["minimum_crossings"] == 0


def test_decay_reaches_the_minimum_where_the_constant_lr_cannot():
    constant = gd_plateau.run(SETTINGS, -3.0, 0.245).metrics
    decayed = gd_plateau.run(SETTINGS, -3.0, 0.245, "decayed")
    assert constant["outcome"] != "minimum" and constant["minimum_crossings"] > 10
    assert decayed.metrics["outcome"] == "minimum"
    assert decayed.metrics["settled_lr"] < gd_plateau.stable_lr_at_minimum()
    lr = decayed.history["lr"].to_numpy()
    assert lr[9] == 0.245 and lr[10] == pytest.approx(0.245 * 0.9)


@pytest.mark.parametrize("change,setting", [
    (dict(lrs=[]), "lrs"),
    (dict(lrs=[0.1, 0.0]), "lrs"),
    (dict(lrs=[-1e-3]), "lrs"),
    (dict(iterations=0), "iterations"),
    (dict(iterations=-5), "iterations"),
    (dict(tolerance=0.0), "tolerance"),
    (dict(schedule={**SETTINGS["schedule"], "decay": 1.5}), "schedule.decay"),
    (dict(schedule={**SETTINGS["schedule"], "every": 0}), "schedule.every"),
    (dict(schedule={**SETTINGS["schedule"], "initial_lrs": []}), "schedule.initial_lrs"),
])
def test_bad_settings_are_named(change, setting):
    with pytest.raises(ValueError, match=setting):
        gd_plateau.run({**SETTINGS, **change}, -3.0, 0.1)


def test_non_positive_run_lr_is_named():
    with pytest.raises(ValueError, match="lr must be a positive number"):
        gd_plateau.run(SETTINGS, -3.0, 0.0)


def test_summary_tables():
    runs = all_runs()
    summary = gd_plateau.summarise(*as_records(runs), SETTINGS)
    assert set(summary["final"]) == {"-3", "10"}
    assert set(summary["final"]["10"]) == {"0.01", "0.1", "1"}
    assert summary["final"]["10"]["0.01"]["x"] == runs[(10.0, 0.01, "constant")].metrics["final_x"]
    assert summary["final"]["10"]["0.1"]["outcome"] == "minimum"
    for start, counts in summary["outcome_counts"].items():
        assert sum(counts.values()) == summary["constants"]["runs_per_start"] == 3
        assert counts["diverged"] == 1  # lr 1 from either start
    assert summary["schedule"]["decayed"]["0.245"]["outcome"] == "minimum"
    assert summary["schedule"]["constant"]["0.22"]["distance_to_inflection"] < 0.01
    bounds = summary["constants"]["lr_bounds"]
    assert bounds["stable_at_minimum"] < bounds["one_step_jump_from_schedule_start"]
    missing = {key: r for key, r in runs.items() if key != (10.0, 0.1, "constant")}
    with pytest.raises(ValueError, match="start 10 at lr 0.1"):
        gd_plateau.summarise(*as_records(missing), SETTINGS)


def test_figure_has_a_panel_per_start_with_the_chosen_runs():
    settings = {**SETTINGS, "iterations": 200}
    histories = {key: r.history for key, r in all_runs(settings).items()}
    fig = figures.trajectories(histories, shown_lrs=(1e-2, 1e-1))
    left, right = fig.axes
    left_labels = [line.get_label() for line in left.get_lines()]
    assert any(label.startswith("lr 0.245 decayed") for label in left_labels)
    assert not any("decayed" in line.get_label() for line in right.get_lines())
    assert any(label.startswith("lr 0.1: ends at 6") for label in
               (line.get_label() for line in right.get_lines()))
    with pytest.raises(ValueError, match="shown_lrs: no constant-lr run at lr 0.5"):
        figures.trajectories(histories, shown_lrs=(0.5,))
    plt.close(fig)


def test_draw_trajectories_keys_each_history_by_its_run():
    runs = all_runs({**SETTINGS, "iterations": 200})
    fig = figures.draw_trajectories(ExperimentResults({}, *as_records(runs)))
    direct = figures.trajectories({key: r.history for key, r in runs.items()})
    for drawn, expected in zip(fig.axes, direct.axes, strict=True):
        assert drawn.get_title() == expected.get_title()
        assert [line.get_label() for line in drawn.get_lines()] == [
            line.get_label() for line in expected.get_lines()]
        for line, reference in zip(drawn.get_lines(), expected.get_lines()):
            np.testing.assert_array_equal(line.get_xydata(), reference.get_xydata())
    plt.close(fig)
    plt.close(direct)
