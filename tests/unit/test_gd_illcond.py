import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlrepro.experiments.functions import gd_illcond
from dlrepro.figures import gd_illcond as figures
from dlrepro.results import ExperimentResults

HOMEWORK = dict(a1=100.0, a2=1.0, c1=0.4, c2=4.0)
SETTINGS = dict(
    lr=0.0095,
    trajectory_file=None,
    lr_divisor=100,
    generate=dict(parameters=HOMEWORK, start=[1.0, -3.0], steps=200),
)


def summary_of(result, settings=SETTINGS):
    """summarise as the run job calls it: on the in-memory record and history."""
    return gd_illcond.summarise([{"metrics": result.metrics}], [result.history], settings)


def write_rows(path, rows, separator=" "):
    path.write_text("\n".join(separator.join(repr(float(v)) for v in row) for row in rows) + "\n")
    return path


def test_generated_trajectory_follows_the_closed_form():
    lr, steps = 0.0095, 60
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, lr, (1.0, -3.0), steps)
    k = np.arange(steps + 1)
    for index, (a, c, x0) in enumerate([(100.0, 0.4, 1.0), (1.0, 4.0, -3.0)]):
        expected = c + (1 - 2 * lr * a) ** k * (x0 - c)
        np.testing.assert_allclose(trajectory[:, index], expected, rtol=0, atol=1e-13)


def test_inference_recovers_the_homework_parameters():
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, -3.0), 200)
    inferred = gd_illcond.infer_parameters(trajectory, 0.0095)
    for name, value in HOMEWORK.items():
        assert inferred[name] == pytest.approx(value, abs=1e-8), name


def test_inference_recovers_random_parameters_of_either_sign_of_contraction():
    rng = np.random.default_rng(7)
    lr = 0.01
    for _ in range(20):
        # a in (0.5, 95): r = 1 − 2 lr a in (−0.9, 0.99), both the zig-zag and the creep
        params = dict(zip(("a1", "a2"), rng.uniform(0.5, 95.0, 2)))
        params.update(zip(("c1", "c2"), rng.uniform(-5.0, 5.0, 2)))
        start = rng.uniform(-5.0, 5.0, 2)
        trajectory = gd_illcond.generate_trajectory(params, lr, start, 40)
        inferred = gd_illcond.infer_parameters(trajectory, lr)
        for name in gd_illcond.PARAMETERS:
            assert inferred[name] == pytest.approx(params[name], abs=1e-8), (name, params)


def test_a_wrong_lr_scales_a_and_leaves_c():
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, -3.0), 50)
    inferred = gd_illcond.infer_parameters(trajectory.tolist(), 2 * 0.0095)
    assert inferred["a1"] == pytest.approx(50.0) and inferred["a2"] == pytest.approx(0.5)
    assert inferred["c1"] == pytest.approx(0.4) and inferred["c2"] == pytest.approx(4.0)


def test_a_coordinate_that_never_moves_cannot_be_inferred():
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, 4.0), 20)
    with pytest.raises(ValueError, match="coordinate x2"):
        gd_illcond.infer_parameters(trajectory, 0.0095)


def test_contraction_factor_explains_the_zigzag():
    assert gd_illcond.contraction_factor(100.0, 0.0095) == pytest.approx(-0.9)
    assert gd_illcond.contraction_factor(1.0, 0.0095) == pytest.approx(0.981)
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, -3.0), 30)
    assert gd_illcond.sign_changes(trajectory[:, 0], 0.4) == 30
    assert gd_illcond.sign_changes(trajectory[:, 1], 4.0) == 0


@pytest.mark.parametrize("separator", [" ", "\t", ",", ", "])
def test_read_trajectory_round_trips(tmp_path, separator):
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, -3.0), 25)
    path = write_rows(tmp_path / "gradient_descent_sequence.txt", trajectory, separator)
    np.testing.assert_array_equal(gd_illcond.read_trajectory(path), trajectory)


def test_read_trajectory_skips_blank_and_comment_lines(tmp_path):
    path = tmp_path / "seq.txt"
    path.write_text("# x1 x2\n1 2\n\n3 4\n  5e-1   -6\n")
    np.testing.assert_array_equal(gd_illcond.read_trajectory(path), [[1, 2], [3, 4], [0.5, -6]])


@pytest.mark.parametrize("text,line,problem", [
    ("1 2\n3 4\n5\n6 7\n", 3, "one column"),
    ("1 2\n3 abc\n5 6\n", 2, "'abc' is not a number"),
    ("1 2 3\n4 5 6\n7 8 9\n", 1, "3 fields"),
    ("x1 x2\n1 2\n3 4\n5 6\n", 1, "'x1' is not a number"),
    ("1 2\n3 4\n5 nan\n", 3, "not a finite number"),
])
def test_bad_rows_name_the_file_and_the_line(tmp_path, text, line, problem):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"bad.txt, line {line}: .*{problem}"):
        gd_illcond.read_trajectory(path)


def test_a_one_column_file_is_refused(tmp_path):
    path = tmp_path / "one_column.txt"
    path.write_text("1.0\n0.5\n0.25\n")
    with pytest.raises(ValueError, match="one_column.txt, line 1: one column"):
        gd_illcond.read_trajectory(path)


def test_too_few_rows_are_refused(tmp_path):
    path = write_rows(tmp_path / "short.txt", [[1.0, -3.0], [-0.14, -2.867]])
    with pytest.raises(ValueError, match="short.txt: 2 iterates"):
        gd_illcond.read_trajectory(path)


def test_generated_run_and_summary():
    result = gd_illcond.run(SETTINGS)
    summary = summary_of(result)
    assert result.data["stand_in"] is True and result.status == "ok"
    assert summary["source"] == "generated" and summary["true"] == HOMEWORK
    assert summary["inference_error"] < 1e-8
    assert summary["contraction"]["x1"] == pytest.approx(-0.9)
    assert summary["contraction"]["x2"] == pytest.approx(0.981)
    assert summary["sign_changes"] == {"x1": 200, "x2": 0}
    assert summary["zigzag_coordinates"] == ["x1"]
    assert summary["constants"]["zigzag_threshold_a"] == pytest.approx(1 / 0.019)
    assert summary["replay_error"] < 1e-12
    # mean of 4 + 0.981^k (−7), k = 0 … 200: a geometric sum, far from c2 = 4
    assert summary["iterate_mean"]["x2"] == pytest.approx(
        4 - 7 * (1 - 0.981**201) / (201 * 0.019), rel=1e-12
    )
    small = summary["small_lr"]
    assert small["lr"] == pytest.approx(0.0095 / 100)
    assert small["contraction"]["x1"] == pytest.approx(0.981)
    assert small["sign_changes"] == {"x1": 0, "x2": 0}
    # x2 − 4 shrinks by 0.99981 a step: after 200 steps it is still about −7 · 0.963
    assert small["final_distance_to_minimum"] == pytest.approx(
        np.hypot(0.6 * 0.981**200, 7 * 0.99981**200), rel=1e-9
    )
    assert small["final_distance_to_minimum"] > summary["final_distance_to_minimum"]
    history = result.history
    assert set(history["trajectory"]) == {"lr", "small_lr"}
    assert len(history) == 2 * 201


def test_run_from_a_file_infers_without_knowing_the_truth(tmp_path):
    trajectory = gd_illcond.generate_trajectory(HOMEWORK, 0.0095, (1.0, -3.0), 200)
    path = write_rows(tmp_path / "gradient_descent_sequence.txt", trajectory)
    settings = {**SETTINGS, "trajectory_file": str(path)}
    result = gd_illcond.run(settings)
    summary = summary_of(result, settings)
    assert summary["source"] == "file" and summary["trajectory_file"] == str(path)
    assert summary["true"] is None and summary["inference_error"] is None
    for name, value in HOMEWORK.items():
        assert summary["inferred"][name] == pytest.approx(value, abs=1e-8)
    assert result.data["stand_in"] is False
    assert result.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("change,setting", [
    (dict(lr=0.0), "lr"),
    (dict(lr=-0.01), "lr"),
    (dict(lr_divisor=0), "lr_divisor"),
    (dict(generate={**SETTINGS["generate"], "steps": 1}), "generate.steps"),
    (dict(generate={**SETTINGS["generate"], "start": [1.0]}), "generate.start"),
    (dict(generate={**SETTINGS["generate"], "parameters": {"a1": 1.0}}), "generate.parameters"),
])
def test_bad_settings_are_named(change, setting):
    with pytest.raises(ValueError, match=setting):
        gd_illcond.run({**SETTINGS, **change})


@pytest.mark.parametrize("draw", [
    lambda history, summary: figures.contours(history, summary),
    lambda history, summary: figures.draw_contours(
        ExperimentResults(summary, [{"params": SETTINGS}], [history])),
])
def test_figure_draws_both_trajectories(draw):
    result = gd_illcond.run(SETTINGS)
    fig = draw(result.history, summary_of(result))
    path_ax, time_ax = fig.axes
    labels = [line.get_label() for line in path_ax.get_lines()]
    assert "lr 0.0095" in labels and any(label.endswith("(lr/100)") for label in labels)
    zigzag = next(line for line in time_ax.get_lines() if line.get_label() == "lr 0.0095")
    np.testing.assert_allclose(zigzag.get_ydata()[:3], [0.6, -0.54, 0.486])
    plt.close(fig)
