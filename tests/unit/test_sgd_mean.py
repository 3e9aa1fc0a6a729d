import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlrepro.experiments.functions import sgd_mean
from dlrepro.figures import sgd_mean as figures
from dlrepro.results import ExperimentResults

SETTINGS = dict(n=100, iterations=400, y0=0.0, early_iteration=20, terminal_window=100)


def test_minimiser_is_the_mean_where_the_gradient_vanishes():
    points = sgd_mean.sample_points(50, seed=1)
    y_star = sgd_mean.minimiser(points)
    assert np.mean(2 * (y_star - points)) == pytest.approx(0.0, abs=1e-12)
    objective = lambda y: np.mean((y - points) ** 2)  # noqa: E731
    assert objective(y_star) < min(objective(y_star - 1e-3), objective(y_star + 1e-3))


def test_single_point_follows_the_closed_form_contraction():
    # With n = 1 every draw is that point: y_k = x + (1 - 2 lr)^k (y0 - x).
    x, lr, y0 = 0.7, 0.05, -1.0
    iterates = sgd_mean.sgd(np.array([x]), lr, 30, np.random.default_rng(0), y0=y0)
    expected = x + (1 - 2 * lr) ** np.arange(31) * (y0 - x)
    np.testing.assert_allclose(iterates, expected, rtol=0, atol=1e-14)


def test_update_uses_the_drawn_index():
    points = np.array([0.0, 1.0])
    lr = 0.25
    draws = np.random.default_rng(5)
    iterates = sgd_mean.sgd(points, lr, 3, draws, y0=0.5)
    indices = np.random.default_rng(5).integers(0, 2, size=3)
    y = 0.5
    for step, i in enumerate(indices, start=1):
        y = y - lr * 2 * (y - points[i])
        assert iterates[step] == y


def test_mean_iterate_and_stationary_error_match_theory():
    points = sgd_mean.sample_points(100, seed=0)
    y_star, lr = sgd_mean.minimiser(points), 0.1
    runs = np.stack([
        sgd_mean.sgd(points, lr, 300, np.random.default_rng(seed), y0=0.0) for seed in range(400)
    ])
    # E[e_k] = (1 - 2 lr)^k e_0
    np.testing.assert_allclose(runs[:, 5].mean() - y_star, (1 - 2 * lr) ** 5 * (0 - y_star),
                               atol=0.01)
    stationary = ((runs[:, 200:] - y_star) ** 2).mean()
    assert stationary == pytest.approx(sgd_mean.stationary_squared_error(points, lr), rel=0.1)


def record(lr: str, seed: int) -> dict:
    """A run as metrics.json holds it: params carry the lr as the run folder writes it."""
    return {"params": {**SETTINGS, "lr": float(lr), "seed": seed}, "seed": seed,
            "metrics": sgd_mean.run(SETTINGS, float(lr), seed).metrics}


def test_run_is_reproducible_and_summary_compares_the_lr_extremes():
    first = sgd_mean.run(SETTINGS, 0.1, seed=3)
    again = sgd_mean.run(SETTINGS, 0.1, seed=3)
    assert first.metrics == again.metrics
    assert first.history.equals(again.history)
    slow = [record("0.01", seed) for seed in range(3)]
    fast = [record("0.1", seed) for seed in range(3)]
    # interleaved, as the rule's inputs need not be: runs are grouped by their params' lr
    records = [run for pair in zip(fast, slow) for run in pair]
    summary = sgd_mean.summarise(records, [None] * len(records), SETTINGS)
    assert summary["smallest_lr"]["lr"] == 0.01 and summary["largest_lr"]["lr"] == 0.1
    assert summary["largest_lr"]["seeds"] == summary["smallest_lr"]["seeds"] == 3
    fast_early = summary["largest_lr"]["early_squared_error"]
    assert fast_early["mean"] < summary["smallest_lr"]["early_squared_error"]["mean"]
    # the per-seed values the claims are judged from, one per seed
    assert fast_early["per_seed"] == {
        str(run["seed"]): run["metrics"]["early_squared_error"] for run in fast}
    assert set(summary["by_lr"]) == {"0.01", "0.1"}
    assert summary["by_lr"]["0.01"] == summary["smallest_lr"]


def test_draw_error_bands_each_lr_over_its_seeds_at_its_mean_theory():
    runs = [(lr, seed) for lr in ("0.01", "0.1") for seed in range(3)]
    results = [sgd_mean.run(SETTINGS, float(lr), seed) for lr, seed in runs]
    records = [{"params": {"lr": float(lr)}, "metrics": result.metrics}
               for (lr, _), result in zip(runs, results)]
    histories = [result.history for result in results]
    fig = figures.draw_error(ExperimentResults({}, records, histories))
    (ax,) = fig.axes
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0] == "lr 0.01: median and range over 3 seeds"
    theory = np.mean([result.metrics["stationary_squared_error_theory"] for result in results[3:]])
    level = ax.get_lines()[3]
    assert level.get_label() == "lr 0.1: stationary level lr·σ²/(1−lr)"
    assert level.get_ydata()[0] == pytest.approx(theory, rel=1e-15)
    median = np.median([history["squared_error"] for history in histories[3:]], axis=0)
    np.testing.assert_array_equal(ax.get_lines()[2].get_ydata(), median)
    plt.close(fig)
