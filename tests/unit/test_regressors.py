import json
import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from dlrepro.data.base import DataSet
from dlrepro.experiments import runs
from dlrepro.experiments import training
from dlrepro.experiments.regressors import age_linear_sgd, age_mlp, preparation
from dlrepro.results import STATUS_DIVERGED, STATUS_OK, run_record, to_json_safe

LINEAR = dict(checkpoints=[50, 100, 150], val_fraction=0.2, inputs="scaled",
              targets="standardised")
MLP = dict(hidden=8, lr=1e-2, epochs=5, batch_size=32, val_fraction=0.1, inputs="scaled",
           targets="raw", log_every=2)


def faces(n_train=200, n_test=100, n_features=2304, noise=2.0, seed=0, stand_in=False):
    """Random "images" (0–255) and ages linear in the pixels plus noise."""
    rng = np.random.default_rng(seed)
    X_train = rng.integers(0, 256, size=(n_train, n_features)).astype(np.float32)
    X_test = rng.integers(0, 256, size=(n_test, n_features)).astype(np.float32)
    w = rng.normal(size=n_features) * 10 / math.sqrt(n_features)

    def ages(X):
        return 30 + (X / 255 - 0.5) @ w + rng.normal(scale=noise, size=len(X))

    info = {"name": "test faces", "source": "generated", "stand_in": stand_in}
    if stand_in:
        info["best_mse"] = noise**2
    return DataSet({"X_train": X_train, "y_train": ages(X_train), "X_test": X_test,
                    "y_test": ages(X_test)}, info)


@pytest.fixture(scope="module")
def data():
    return faces()


# --- split and preprocessing ------------------------------------------------------------------

def test_split_is_deterministic_by_seed_and_disjoint():
    train, val = preparation.split_indices(200, 0.2, seed=3)
    again_train, again_val = preparation.split_indices(200, 0.2, seed=3)
    other_train, other_val = preparation.split_indices(200, 0.2, seed=4)
    assert np.array_equal(train, again_train) and np.array_equal(val, again_val)
    assert len(val) == 40 and len(train) == 160
    assert not set(train) & set(val)
    assert sorted([*train, *val]) == list(range(200))
    assert not np.array_equal(val, other_val)


def test_split_train_val_keeps_rows_and_targets_together():
    X = np.arange(50, dtype=np.float32)[:, None].repeat(3, axis=1)
    y = np.arange(50, dtype=np.float64)
    X_tr, y_tr, X_val, y_val = preparation.split_train_val(X, y, 0.1, seed=0)
    assert len(X_val) == 5
    assert np.array_equal(X_tr[:, 0], y_tr) and np.array_equal(X_val[:, 0], y_val)


def test_a_split_with_an_empty_side_is_refused():
    with pytest.raises(ValueError, match="val_fraction"):
        preparation.split_indices(10, 0.01, seed=0)


def test_standardised_targets_convert_back_to_years(data):
    raw = preparation.split_and_scale(data, {**LINEAR, "targets": "raw"}, seed=0, device="cpu")
    std = preparation.split_and_scale(data, LINEAR, seed=0, device="cpu")
    assert float(std.y_train.mean()) == pytest.approx(0.0, abs=1e-5)
    assert float(std.y_train.std(unbiased=False)) == pytest.approx(1.0, abs=1e-5)
    # the error of predicting the training mean on validation, in both modes and both units
    raw_mse = float(((raw.y_val.double() - raw.target_mean) ** 2).mean())
    std_mse = float((std.y_val.double() ** 2).mean())
    assert std.both_units(std_mse)["raw"] == pytest.approx(raw_mse, rel=1e-5)
    assert raw.both_units(raw_mse)["standardised"] == pytest.approx(std_mse, rel=1e-5)
    assert float(raw.X_train.min()) >= 0 and float(raw.X_train.max()) <= 1


# --- linear regression by SGD ------------------------------------------------------------------

def test_checkpoints_of_one_run_equal_separate_shorter_runs(data):
    """Epoch 50 of a 150-epoch run is a 50-epoch run with the same seed, bit for bit."""
    long = age_linear_sgd.run(LINEAR, data, lr=1e-3, batch_size=32, seed=5)
    for epochs in (50, 100):
        short = age_linear_sgd.run({**LINEAR, "checkpoints": [epochs]}, data, lr=1e-3,
                                   batch_size=32, seed=5)
        for part in ("train", "val", "test"):
            key = f"{part}_mse_epoch{epochs}"
            assert long.metrics[key] == short.metrics[key], key
        key = f"last_costs_epoch{epochs}"
        assert long.metrics[key] == short.metrics[key]
        assert long.history.iloc[:epochs].equals(short.history)


def test_same_seed_same_numbers_other_seed_other_numbers(data):
    settings = {**LINEAR, "checkpoints": [3]}
    first = age_linear_sgd.run(settings, data, lr=1e-3, batch_size=64, seed=1)
    again = age_linear_sgd.run(settings, data, lr=1e-3, batch_size=64, seed=1)
    other = age_linear_sgd.run(settings, data, lr=1e-3, batch_size=64, seed=2)
    assert first.metrics == again.metrics
    assert first.metrics["val_mse_epoch3"] != other.metrics["val_mse_epoch3"]


def test_fmse_is_half_the_mse(data):
    prediction, target = torch.randn(37), torch.randn(37)
    assert age_linear_sgd.fmse_loss(prediction, target) == F.mse_loss(prediction, target) / 2
    result = age_linear_sgd.run({**LINEAR, "checkpoints": [2, 4]}, data, lr=1e-3,
                                batch_size=32, seed=0)
    for epoch in (2, 4):
        for part in ("train", "val", "test"):
            mse = result.metrics[f"{part}_mse_epoch{epoch}"]
            assert result.metrics[f"{part}_fmse_epoch{epoch}"] == mse / 2
    assert result.history["train_fmse"].iloc[3] == result.metrics["train_mse_epoch4"] / 2


def test_linear_sgd_approaches_least_squares():
    """Few features, noisy ages: SGD ends next to the closed-form least-squares solution."""
    data = faces(n_train=500, n_test=100, n_features=5, noise=1.0, seed=11)
    settings = {**LINEAR, "targets": "raw", "checkpoints": [400]}
    prepared = preparation.split_and_scale(data, settings, seed=0, device="cpu")
    runs.seed_init(0)
    model = age_linear_sgd.build_model(5)
    trace = age_linear_sgd.train(model, prepared, lr=0.2, batch_size=50, checkpoints=[400],
                                 generator=runs.batch_generator(0))

    X = prepared.X_train.double().numpy()
    design = np.hstack([X, np.ones((len(X), 1))])
    solution, *_ = np.linalg.lstsq(design, prepared.y_train.double().numpy(), rcond=None)
    sgd = np.append(model.weight.detach().double().numpy().ravel(), model.bias.item())
    start = trace.history[0]["train_fmse"]
    least = float(np.mean((design @ solution - prepared.y_train.double().numpy()) ** 2)) / 2
    assert np.abs(sgd - solution).max() < 0.05 * np.abs(solution).max()
    assert trace.history[-1]["train_fmse"] == pytest.approx(least, rel=0.01)
    assert start > 2 * least


def test_a_huge_learning_rate_is_recorded_as_diverged_without_raising(data):
    result = age_linear_sgd.run(LINEAR, data, lr=1e3, batch_size=32, seed=0)
    assert result.status == STATUS_DIVERGED
    assert result.metrics["epochs_completed"] < 150
    record = run_record(experiment="age_linear_sgd", run="lr1000-b32-seed0", params={},
                        seed=0, result=result, provenance={})
    safe = json.loads(json.dumps(to_json_safe(record["metrics"]), allow_nan=False))
    for key, value in safe.items():
        values = value if isinstance(value, list) else [value]
        assert all(v is None or math.isfinite(v) for v in values), key
    assert safe["val_mse_epoch150"] is None


def test_linear_summary_selects_on_validation_among_cells_that_did_not_diverge(data):
    settings = {**LINEAR, "checkpoints": [2, 4], "lrs": [1e-4, 1e-3], "divergence_lrs": [1e3]}
    records, histories = [], []
    for lr in (1e-4, 1e-3, 1e3):
        for batch_size in (32, 64):
            for seed in (0, 1):
                result = age_linear_sgd.run(settings, data, lr, batch_size, seed)
                histories.append(result.history)
                records.append(run_record(
                    experiment="age_linear_sgd", run=f"lr{lr:g}-b{batch_size}-seed{seed}",
                    params={**settings, "lr": lr, "batch_size": batch_size},
                    seed=seed, result=result, provenance={}))
    summary = age_linear_sgd.summarise(json.loads(json.dumps(to_json_safe(records))), histories,
                                       settings)
    json.dumps(to_json_safe(summary), allow_nan=False)

    # the grid selected from, with each cell's validation MSE per seed; lr 1000 is outside it
    assert set(summary["grid"]) == {"0.0001", "0.001"}
    assert set(summary["grid"]["0.001"]["32"]["2"]["per_seed"]) == {"0", "1"}
    assert len(summary["table"]) == 3 * 2 * 2
    grid_rows = [row for row in summary["table"] if row["in_grid"]]
    best = min(grid_rows, key=lambda row: row["val_mse"])
    selected = summary["selected"]
    assert (selected["lr"], selected["batch_size"], selected["epochs"]) == (
        best["lr"], best["batch_size"], best["epochs"])
    assert selected["lr"] in (1e-4, 1e-3)
    assert summary["divergence"]["1000"]["fraction"] == 1.0
    assert summary["divergence"]["0.001"]["fraction"] == 0.0
    assert summary["diverged_lrs"] == [1e3] and summary["grid_diverged_runs"] == 0
    assert selected["standardised"]["test_mse"]["mean"] == selected["test_mse"]
    assert len(summary["last_costs"]) == 2
    assert "best_reachable" not in summary


# --- the MLP ---------------------------------------------------------------------------------

def test_mlp_train_epoch_lowers_the_loss():
    data = faces(n_train=64, n_test=16, n_features=20, noise=0.1, seed=2)
    prepared = preparation.split_and_scale(data, {**MLP, "targets": "standardised"}, seed=0, device="cpu")
    runs.seed_init(0)
    model = age_mlp.build_model(20, hidden=16)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    generator = runs.batch_generator(0)

    def train_mse():
        return training.evaluate(model, prepared.X_train, prepared.y_train,
                                 training.summed_squared_error).loss

    before = train_mse()
    for _ in range(40):
        stats = training.train_epoch(model, optimizer, prepared.X_train, prepared.y_train, 8,
                                     generator, age_mlp.mse_loss)
    assert len(stats.batch_losses) == math.ceil(len(prepared.X_train) / 8)
    assert train_mse() < 0.5 * before


def test_mlp_run_records_every_epoch_and_the_final_errors(data):
    result = age_mlp.run(MLP, data, seed=0)
    assert result.status == STATUS_OK
    assert list(result.history["epoch"]) == [1, 2, 3, 4, 5]
    assert result.metrics["val_mse"] == result.history["val_mse"].iloc[-1]
    assert result.metrics["train_mse"] == result.history["train_mse"].iloc[-1]
    assert len(result.metrics["last_costs"]) == 10
    assert result.metrics["last_cost"] == result.metrics["last_costs"][-1]
    assert math.isfinite(result.metrics["test_mse"])
    assert age_mlp.run(MLP, data, seed=0).metrics == result.metrics


def test_mlp_full_batch_and_divergence(data):
    full = age_mlp.run({**MLP, "batch_size": None, "epochs": 3}, data, seed=0)
    assert len(full.metrics["last_costs"]) == 3  # one step per epoch
    blown = age_mlp.run({**MLP, "lr": 1e4}, data, seed=0)
    assert blown.status == STATUS_DIVERGED and math.isnan(blown.metrics["test_mse"])


def test_mlp_summary_over_seeds_with_curves_and_the_best_reachable_error():
    data = faces(stand_in=True)
    records, histories = [], []
    for seed in (0, 1):
        result = age_mlp.run(MLP, data, seed=seed)
        histories.append(result.history)
        records.append(run_record(experiment="age_mlp", run=f"seed{seed}", params=MLP, seed=seed,
                                  result=result, provenance={}))
    summary = age_mlp.summarise(records, histories, MLP)
    json.dumps(to_json_safe(summary), allow_nan=False)
    tests = [record["metrics"]["test_mse"] for record in records]
    assert summary["raw"]["test_mse"]["mean"] == pytest.approx(np.mean(tests))
    assert summary["raw"]["test_mse"]["std"] == pytest.approx(np.std(tests))
    assert set(summary["log"]) == {"0", "2", "4"}
    assert summary["log"]["0"]["val_mse"] == pytest.approx(
        np.mean([history["val_mse"].iloc[0] for history in histories]))
    assert summary["best_reachable"]["raw"] == 4.0
    assert summary["constants"]["write_up"]["test_mse"] == pytest.approx(230.075, abs=1e-3)
