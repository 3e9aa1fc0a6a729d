"""The torch classifiers: the MLP, one epoch of minibatch SGD, evaluation, ``fit``, one run, and
the summaries of the ``batchnorm`` and ``lr_schedule`` experiments on hand-made runs."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers import batchnorm, lr_schedule, mlp, training
from dlrepro.experiments.seed_stats import over_seeds
from dlrepro.results import STATUS_DIVERGED, STATUS_OK, run_record, to_json_safe

COLUMNS = ["epoch", "lr", "train_loss", "train_accuracy", "max_batch_loss", "test_loss",
           "test_accuracy"]
SETTINGS = {"hidden": [5], "momentum": 0.9, "batch_size": 8}


def tiny_model(batchnorm_layers=False, seed=0, n_inputs=4, hidden=(5,), classes=3):
    torch.manual_seed(seed)
    return mlp.build_mlp(n_inputs, list(hidden), classes, batchnorm_layers)


def toy_tensors(n=10, features=4, classes=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.rand(n, features, generator=generator)
    y = torch.arange(n) % classes
    return X, y


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


def toy_data(seed=0, n_train=40, n_test=12, classes=3, info=None):
    rng = np.random.default_rng(seed)
    return DataSet(
        {"X_train": rng.integers(0, 256, size=(n_train, 4, 4), dtype=np.uint8),
         "y_train": np.arange(n_train) % classes,
         "X_test": rng.integers(0, 256, size=(n_test, 4, 4), dtype=np.uint8),
         "y_test": np.arange(n_test) % classes},
        {"classes": classes, "stand_in": True, "name": "toy"} if info is None else info,
    )


@pytest.fixture(scope="module")
def toy():
    return toy_data()


# ------------------------------------------------------------------------------- build_mlp


def test_build_mlp_layers_with_and_without_batchnorm():
    plain = mlp.build_mlp(16, [7, 5], 3, batchnorm=False)
    bn = mlp.build_mlp(16, [7, 5], 3, batchnorm=True)
    assert [type(layer) for layer in plain] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [type(layer) for layer in bn] == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Linear,
                                             nn.BatchNorm1d, nn.ReLU, nn.Linear]
    linears = [layer for layer in plain if isinstance(layer, nn.Linear)]
    assert [(layer.in_features, layer.out_features) for layer in linears] == [(16, 7), (7, 5),
                                                                              (5, 3)]
    assert [layer.num_features for layer in bn if isinstance(layer, nn.BatchNorm1d)] == [7, 5]


def test_one_seed_gives_both_networks_the_same_linear_weights():
    plain, bn = tiny_model(False, seed=3), tiny_model(True, seed=3)
    other = tiny_model(False, seed=4)
    pairs = list(zip([m for m in plain if isinstance(m, nn.Linear)],
                     [m for m in bn if isinstance(m, nn.Linear)], strict=True))
    assert len(pairs) == 2
    for a, b in pairs:
        assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    assert not torch.equal(plain[0].weight, other[0].weight)
    norm = bn[1]
    assert torch.equal(norm.weight, torch.ones(5)) and torch.equal(norm.bias, torch.zeros(5))


@pytest.mark.parametrize("with_bn", [False, True])
def test_build_mlp_outputs_one_logit_per_class(with_bn):
    model = mlp.build_mlp(12, [6, 4], 5, batchnorm=with_bn)
    assert model(torch.rand(7, 12)).shape == (7, 5)


# ------------------------------------------------------------------------------- tensors


def test_as_inputs_scales_pixels_to_0_1_and_flattens():
    images = np.zeros((3, 2, 2), dtype=np.uint8)
    images[0] = 255
    images[1, 0, 1] = 51
    X = training.as_inputs(images, "cpu")
    assert X.dtype == torch.float32 and X.shape == (3, 4)
    assert torch.equal(X[0], torch.ones(4)) and torch.equal(X[2], torch.zeros(4))
    assert X[1].tolist() == pytest.approx([0.0, 0.2, 0.0, 0.0])
    assert images[0, 0, 0] == 255  # the array given is left as it was


def test_as_inputs_flattens_row_major_and_accepts_non_contiguous_arrays():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    transposed = images.transpose(0, 2, 1)  # not contiguous
    np.testing.assert_allclose(training.as_inputs(transposed, "cpu").numpy(),
                               transposed.reshape(2, -1) / 255.0, rtol=1e-6)


def test_as_labels_gives_int64():
    for labels in (np.array([0, 2, 1], dtype=np.uint8), np.array([0, 2, 1], dtype=np.int32),
                   [0, 2, 1]):
        y = training.as_labels(labels, "cpu")
        assert y.dtype == torch.int64 and y.tolist() == [0, 2, 1]


# ------------------------------------------------------------------------------- train_epoch


@pytest.mark.parametrize("batch_size", [10, 64])
def test_train_epoch_with_one_batch_is_exactly_one_sgd_step(batch_size):
    X, y = toy_tensors(n=10)
    model = tiny_model()
    reference = copy.deepcopy(model)
    before = [p.detach().clone() for p in model.parameters()]
    with torch.no_grad():
        logits = model(X)
        loss = float(F.cross_entropy(logits, y))
        accuracy = float((logits.argmax(dim=1) == y).double().mean())
    lr = 0.5
    stats = training.train_epoch(model, torch.optim.SGD(model.parameters(), lr=lr), X, y,
                                 batch_size, generator())
    F.cross_entropy(reference(X), y).backward()
    with torch.no_grad():
        for p in reference.parameters():
            p -= lr * p.grad
    for after, manual, old in zip(model.parameters(), reference.parameters(), before,
                                  strict=True):
        torch.testing.assert_close(after, manual, rtol=1e-5, atol=1e-6)
    assert any(not torch.equal(after, old) for after, old in zip(model.parameters(), before))
    assert stats.loss == pytest.approx(loss, rel=1e-6)
    assert stats.max_loss == pytest.approx(loss, rel=1e-6)
    assert stats.accuracy == pytest.approx(accuracy)


class Recorder:
    """A loss function that records each batch: its rows, its loss, its correct predictions."""

    def __init__(self):
        self.inputs, self.losses, self.sizes, self.correct = [], [], [], []

    def __call__(self, logits, targets):
        loss = F.cross_entropy(logits, targets)
        self.losses.append(float(loss.detach()))
        self.sizes.append(len(targets))
        self.correct.append(int((logits.argmax(dim=1) == targets).sum()))
        return loss


def counted(optimizer):
    steps = []
    step = optimizer.step

    def counting_step(*args, **kwargs):
        steps.append(1)
        return step(*args, **kwargs)

    optimizer.step = counting_step
    return steps


def test_train_epoch_takes_one_step_per_batch_and_averages_over_rows():
    X, y = toy_tensors(n=10)
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
    steps = counted(optimizer)
    recorder = Recorder()
    seen = []
    model[0].register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].clone()))
    stats = training.train_epoch(model, optimizer, X, y, 3, generator(), loss_fn=recorder)
    assert len(steps) == math.ceil(10 / 3) == 4
    assert recorder.sizes == [3, 3, 3, 1]
    # every row once, in some order
    rows = torch.cat(seen)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, X.tolist()))
    assert not torch.equal(rows, X)
    weighted = sum(loss * size for loss, size in zip(recorder.losses, recorder.sizes)) / 10
    assert stats.loss == pytest.approx(weighted, rel=1e-6)
    assert stats.loss != pytest.approx(np.mean(recorder.losses), rel=1e-6)
    assert stats.max_loss == pytest.approx(max(recorder.losses), rel=1e-6)
    assert stats.max_loss >= stats.loss
    assert stats.accuracy == sum(recorder.correct) / 10


def test_train_epoch_order_follows_the_generator():
    X, y = toy_tensors(n=10)

    def trained(seed):
        model = tiny_model()
        training.train_epoch(model, torch.optim.SGD(model.parameters(), lr=0.3), X, y, 3,
                             generator(seed))
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    assert torch.equal(trained(1), trained(1))
    assert not torch.equal(trained(1), trained(2))


# ------------------------------------------------------------------------------- evaluate


def test_evaluate_is_cross_entropy_and_argmax_accuracy(monkeypatch):
    monkeypatch.setattr(training, "EVAL_BATCH", 3)  # several evaluation batches
    X, y = toy_tensors(n=10, seed=1)
    model = tiny_model()
    stats = training.evaluate(model, X, y)
    with torch.no_grad():
        logits = model(X)
    assert stats.loss == pytest.approx(float(F.cross_entropy(logits, y)), rel=1e-6)
    assert stats.accuracy == float((logits.argmax(dim=1) == y).double().mean())
    assert math.isnan(stats.max_loss)
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_uses_batchnorm_running_statistics(monkeypatch):
    monkeypatch.setattr(training, "EVAL_BATCH", 4)
    X, y = toy_tensors(n=12, seed=2)
    X_test, y_test = toy_tensors(n=10, seed=3)
    model = tiny_model(batchnorm_layers=True)
    training.train_epoch(model, torch.optim.SGD(model.parameters(), lr=0.1), X, y, 4,
                         generator())
    running = model[1].running_mean.clone()
    model.train()
    stats = training.evaluate(model, X_test, y_test)
    assert model.training is False
    assert torch.equal(model[1].running_mean, running)  # evaluation does not update them
    with torch.no_grad():
        eval_logits = model(X_test)
    assert stats.loss == pytest.approx(float(F.cross_entropy(eval_logits, y_test)), rel=1e-5)
    assert stats.accuracy == float((eval_logits.argmax(dim=1) == y_test).double().mean())
    # batch statistics would have given another loss
    with torch.no_grad():
        model.train()
        train_mode = float(F.cross_entropy(model(X_test), y_test))
    assert stats.loss != pytest.approx(train_mode, rel=1e-3)


# ------------------------------------------------------------------------------- fit


def test_fit_records_the_lr_each_epoch_trained_at():
    train, test = toy_tensors(n=8), toy_tensors(n=6, seed=5)
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    rows, finished = training.fit(model, optimizer, train, test, epochs=4, batch_size=4,
                                  generator=generator(), scheduler=scheduler)
    assert finished is True
    assert [list(row) for row in rows] == [COLUMNS] * 4
    assert [row["epoch"] for row in rows] == [1, 2, 3, 4]
    assert [row["lr"] for row in rows] == pytest.approx([0.1, 0.1, 0.01, 0.01])
    last = training.evaluate(model, *test)
    assert rows[-1]["test_accuracy"] == pytest.approx(100.0 * last.accuracy)
    assert rows[-1]["test_loss"] == pytest.approx(last.loss)
    for row in rows:
        assert 0.0 <= row["train_accuracy"] <= 100.0
        assert row["train_accuracy"] * 8 / 100 == pytest.approx(round(row["train_accuracy"] * 8
                                                                      / 100))
        assert row["max_batch_loss"] >= row["train_loss"]


def test_fit_without_a_scheduler_keeps_the_lr():
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    rows, finished = training.fit(model, optimizer, toy_tensors(n=6), toy_tensors(n=4, seed=1),
                                  epochs=2, batch_size=6, generator=generator())
    assert finished and [row["lr"] for row in rows] == [0.05, 0.05]


class BlowUp:
    """A scheduler that sets an infinite rate after the first epoch."""

    def __init__(self, optimizer):
        self.optimizer, self.calls = optimizer, 0

    def step(self):
        self.calls += 1
        for group in self.optimizer.param_groups:
            group["lr"] = math.inf


def test_fit_stops_at_the_first_epoch_whose_loss_is_not_finite():
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = BlowUp(optimizer)
    rows, finished = training.fit(model, optimizer, toy_tensors(n=8), toy_tensors(n=4, seed=1),
                                  epochs=5, batch_size=4, generator=generator(),
                                  scheduler=scheduler)
    assert finished is False
    assert len(rows) == 2 and scheduler.calls == 1
    assert math.isfinite(rows[0]["train_loss"]) and math.isfinite(rows[0]["test_loss"])
    assert rows[1]["lr"] == math.inf
    assert not math.isfinite(rows[1]["train_loss"])


def test_fit_stops_when_only_the_test_loss_is_not_finite():
    X_test, y_test = toy_tensors(n=4, seed=1)
    X_test[0, 0] = math.inf
    model = tiny_model()
    rows, finished = training.fit(model, torch.optim.SGD(model.parameters(), lr=0.1),
                                  toy_tensors(n=8), (X_test, y_test), epochs=3, batch_size=8,
                                  generator=generator())
    assert finished is False and len(rows) == 1
    assert math.isfinite(rows[0]["train_loss"]) and not math.isfinite(rows[0]["test_loss"])


# ------------------------------------------------------------------------------- train_run


def test_train_run_history_and_metrics(toy):
    result = mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=0.1, epochs=3)
    history = result.history
    assert list(history.columns) == COLUMNS
    assert history["epoch"].tolist() == [1, 2, 3]
    assert history["lr"].tolist() == [0.1, 0.1, 0.1]
    for column, n in (("train_accuracy", 40), ("test_accuracy", 12)):
        values = history[column].to_numpy()
        assert ((values >= 0) & (values <= 100)).all()
        np.testing.assert_allclose(values * n / 100, np.round(values * n / 100), atol=1e-9)
    metrics = result.metrics
    last = history.iloc[-1]
    for column in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert metrics[f"final_{column}"] == last[column]
    assert metrics["epochs_run"] == 3
    assert metrics["mean_test_accuracy"] == pytest.approx(history["test_accuracy"].mean())
    assert metrics["mean_train_accuracy"] == pytest.approx(history["train_accuracy"].mean())
    assert metrics["first_epoch_max_batch_loss"] == history["max_batch_loss"].iloc[0]
    assert metrics["initial_loss_chance"] == pytest.approx(math.log(3))
    assert result.status == STATUS_OK
    assert result.data["stand_in"] is True and result.data["name"] == "toy"


def test_train_run_is_reproducible_by_seed(toy):
    def run(seed):
        return mlp.train_run(SETTINGS, toy, seed, "cpu", batchnorm=False, lr=0.1,
                             epochs=2).history

    first = run(5)
    pd.testing.assert_frame_equal(first, run(5))
    assert not first[["train_loss", "test_loss"]].equals(run(6)[["train_loss", "test_loss"]])


def test_train_run_with_batchnorm_and_a_step_schedule(toy):
    result = mlp.train_run(SETTINGS, toy, 1, "cpu", batchnorm=True, lr=0.1, epochs=3,
                           step_size=1, gamma=0.5)
    assert result.history["lr"].tolist() == pytest.approx([0.1, 0.05, 0.025])
    assert result.status == STATUS_OK and result.metrics["epochs_run"] == 3


def test_train_run_reads_the_class_count_from_the_labels_without_info():
    data = toy_data(n_train=16, n_test=4, classes=4, info={"stand_in": False, "name": "toy4"})
    result = mlp.train_run({**SETTINGS, "batch_size": 16}, data, 0, "cpu", batchnorm=False,
                           lr=0.1, epochs=1)
    assert result.metrics["initial_loss_chance"] == pytest.approx(math.log(4))


def test_a_run_that_stops_on_a_non_finite_loss_is_diverged(toy):
    result = mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=math.inf, epochs=3)
    metrics = result.metrics
    assert result.status == STATUS_DIVERGED
    assert metrics["epochs_run"] == len(result.history) < 3
    for key in ("final_train_loss", "final_train_accuracy", "final_test_loss",
                "final_test_accuracy", "mean_test_accuracy", "mean_train_accuracy"):
        assert math.isnan(metrics[key]), key
    assert metrics["initial_loss_chance"] == pytest.approx(math.log(3))
    record = run_record(experiment="batchnorm", run="plain-lrinf-seed0", params={}, seed=0,
                        result=result, provenance={})
    assert record["status"] == STATUS_DIVERGED
    assert to_json_safe(record["metrics"])["final_test_accuracy"] is None


@pytest.mark.parametrize("epochs", [0, -1])
def test_train_run_refuses_fewer_than_one_epoch(toy, epochs):
    with pytest.raises(ValueError, match="epochs"):
        mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=0.1, epochs=epochs)


# ------------------------------------------------------------------------------- seed stats


def test_over_seeds_is_the_population_std_keeps_each_seed_and_propagates_missing_values():
    assert over_seeds({3: 1.0, 0: 3.0}) == {"mean": 2.0, "std": 1.0, "n": 2,
                                           "per_seed": {"0": 3.0, "3": 1.0}}
    missing = over_seeds({0: 1.0, 1: None})
    assert math.isnan(missing["mean"]) and math.isnan(missing["per_seed"]["1"])


# ------------------------------------------------------------------------------- batchnorm


def test_lr_key():
    assert batchnorm.lr_key(0.01) == "0.01" and batchnorm.lr_key("0.5") == "0.5"
    assert batchnorm.lr_key(1e-5) == "1e-05" and batchnorm.lr_key(1) == "1"


def test_epochs_to_reach():
    assert batchnorm.epochs_to_reach([50, 60, 70], 60) == 2
    assert batchnorm.epochs_to_reach([50, 60, 70], 10) == 1
    assert batchnorm.epochs_to_reach([50, 60, 70], 59.5) == 2
    # never reached: one past the last epoch, the slowest possible, not a missing value
    assert batchnorm.epochs_to_reach([50, 60, 70], 70.5) == 4


def history(test_accuracy, train_loss=None, lr=0.01):
    """A run's curve with every history column; train_loss defaults to falling from 1."""
    epochs = len(test_accuracy)
    train_loss = [1.0 / (k + 1) for k in range(epochs)] if train_loss is None else train_loss
    return pd.DataFrame({
        "epoch": list(range(1, epochs + 1)), "lr": [lr] * epochs,
        "train_loss": train_loss, "train_accuracy": [a + 1.0 for a in test_accuracy],
        "max_batch_loss": [2.0 * loss for loss in train_loss],
        "test_loss": train_loss, "test_accuracy": test_accuracy,
    })


def test_curves_are_seed_statistics_up_to_the_shortest_run():
    out = batchnorm.curves([history([10.0, 20.0, 30.0]), history([20.0, 40.0])])
    assert out["epoch"] == [1, 2]
    assert out["test_accuracy"] == {"mean": [15.0, 30.0], "std": [5.0, 10.0],
                                    "min": [10.0, 20.0], "max": [20.0, 40.0]}
    assert set(out) == {"epoch", *batchnorm.CURVES}


def bn_record(model, lr, seed, status="ok", **metrics):
    return {"seed": seed, "status": status, "params": {"model": model, "lr": lr, "seed": str(seed)},
            "metrics": metrics}


def finals(test, train, train_loss, max_batch=2.0):
    return {"final_test_accuracy": test, "final_train_accuracy": train,
            "final_train_loss": train_loss, "mean_test_accuracy": test - 5,
            "mean_train_accuracy": train - 5, "first_epoch_max_batch_loss": max_batch}


def batchnorm_runs():
    """2 models × 2 lrs × 2 seeds, interleaved (summarise must match by params, not position)."""
    runs = [
        (bn_record("plain", "0.01", 0, **finals(90.0, 95.0, 0.2)),
         history([80.0, 85.0, 90.0], [1.0, 0.5, 0.2])),
        (bn_record("batchnorm", "0.5", 0, **finals(95.0, 99.0, 0.05)),
         history([90.0, 94.0, 95.0], lr=0.5)),
        (bn_record("batchnorm", "0.01", 0, **finals(94.0, 97.0, 0.1)),
         history([88.0, 93.0, 94.0], [0.5, 0.2, 0.1])),
        (bn_record("plain", "0.5", 1, **finals(12.0, 11.0, 2.3)),
         history([11.0, 12.0, 12.0], lr=0.5)),
        (bn_record("plain", "0.01", 1, **finals(92.0, 96.0, 0.15)),
         history([82.0, 89.0, 92.0], [0.8, 0.4, 0.15])),
        (bn_record("plain", "0.5", 0, **finals(10.0, 10.0, 2.3)),
         history([10.0, 10.0, 10.0], lr=0.5)),
        (bn_record("batchnorm", "0.01", 1, **finals(97.0, 99.0, 0.05)),
         history([90.0, 95.0, 97.0], [0.3, 0.1, 0.05])),
        (bn_record("batchnorm", "0.5", 1, **finals(93.0, 98.0, 0.06)),
         history([89.0, 92.0, 93.0], lr=0.5)),
    ]
    return [record for record, _ in runs], [curve for _, curve in runs]


def test_batchnorm_summarise_on_hand_made_runs():
    records, histories = batchnorm_runs()
    summary = batchnorm.summarise(records, histories, {"lrs": [0.5, 0.01], "epochs": 3})
    assert summary["small_lr"] == "0.01" and summary["large_lr"] == "0.5"
    assert summary["epochs"] == 3
    plain_small = summary["models"]["plain"]["0.01"]
    assert plain_small["runs"] == 2 and plain_small["diverged_runs"] == 0
    assert plain_small["final_test_accuracy"] == {"mean": 91.0, "std": 1.0, "n": 2,
                                                  "per_seed": {"0": 90.0, "1": 92.0}}
    assert plain_small["final_train_loss"]["mean"] == pytest.approx(0.175)
    assert plain_small["curves"]["test_accuracy"]["mean"] == [81.0, 87.0, 91.0]
    # (a) convergence: each seed's target is its plain network's final accuracy at the small
    # lr (90 and 92), reached by plain at epoch 3 in both seeds and by BatchNorm at epoch 2
    convergence = summary["convergence"]
    assert convergence["target_test_accuracy"]["per_seed"] == {"0": 90.0, "1": 92.0}
    assert convergence["epochs_to_target"]["plain"]["per_seed"] == {"0": 3.0, "1": 3.0}
    assert convergence["epochs_to_target"]["batchnorm"]["per_seed"] == {"0": 2.0, "1": 2.0}
    assert convergence["first_epoch_train_loss"]["plain"]["per_seed"] == {"0": 1.0, "1": 0.8}
    assert convergence["first_epoch_train_loss"]["batchnorm"]["mean"] == pytest.approx(0.4)
    # (b) the large lr, below each seed's plain small-lr accuracy: 90 − 10, 92 − 12 for plain,
    # 90 − 95, 92 − 93 for BatchNorm
    assert summary["large_lr_test_accuracy"]["plain"]["mean"] == 11.0
    assert summary["large_lr_test_accuracy"]["batchnorm"]["mean"] == 94.0
    assert summary["large_lr_shortfall"]["plain"]["per_seed"] == {"0": 80.0, "1": 80.0}
    assert summary["large_lr_shortfall"]["batchnorm"]["per_seed"] == {"0": -5.0, "1": -1.0}
    # (c) is judged from the per-seed final accuracies at the small lr (the claims' business)
    assert summary["small"]["batchnorm"]["final_test_accuracy"]["per_seed"] == {"0": 94.0,
                                                                               "1": 97.0}
    # the small / large views are the model entries without their curves
    for model in batchnorm.MODELS:
        for view, lr in (("small", "0.01"), ("large", "0.5")):
            entry = summary["models"][model][lr]
            assert summary[view][model] == {k: v for k, v in entry.items() if k != "curves"}
            assert "curves" not in summary[view][model]


def test_batchnorm_summarise_keeps_diverged_runs_out_of_the_curves():
    records, histories = batchnorm_runs()
    index = next(i for i, r in enumerate(records)
                 if r["params"]["model"] == "plain" and r["params"]["lr"] == "0.5"
                 and r["seed"] == 1)
    records[index] = bn_record("plain", "0.5", 1, "diverged", final_test_accuracy=None,
                               final_train_accuracy=None, final_train_loss=None,
                               mean_test_accuracy=None, mean_train_accuracy=None,
                               first_epoch_max_batch_loss=None)
    histories[index] = history([10.0], [math.inf], lr=0.5)
    summary = batchnorm.summarise(records, histories, {"lrs": [0.01, 0.5], "epochs": 3})
    large = summary["models"]["plain"]["0.5"]
    assert large["runs"] == 2 and large["diverged_runs"] == 1
    assert math.isnan(large["final_test_accuracy"]["mean"])
    assert large["curves"]["test_accuracy"]["mean"] == [10.0, 10.0, 10.0]  # seed 0 only
    assert math.isnan(summary["large_lr_shortfall"]["plain"]["per_seed"]["1"])
    assert summary["large_lr_shortfall"]["plain"]["per_seed"]["0"] == 80.0
    assert summary["large_lr_shortfall"]["batchnorm"]["mean"] == -3.0


# ------------------------------------------------------------------------------- lr_schedule


@pytest.mark.parametrize("epochs, last", [(45, "0.001"), (46, "0.0001"), (15, "0.1"),
                                          (16, "0.01"), (1, "0.1")])
def test_schedule_runs(epochs, last):
    settings = {"lr": 0.1, "gamma": 0.1, "step_size": 15, "epochs": epochs}
    assert lr_schedule.schedule_runs(settings) == {
        "step": {"schedule": "step", "lr": "0.1"},
        "constant_first": {"schedule": "constant", "lr": "0.1"},
        "constant_last": {"schedule": "constant", "lr": last},
    }
    # the rate StepLR trains the last epoch at
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.1)
    for _ in range(epochs - 1):
        optimizer.step()
        scheduler.step()
    assert batchnorm.lr_key(optimizer.param_groups[0]["lr"]) == last


def sched_record(schedule, lr, seed, test, train, train_loss, status="ok"):
    return {"seed": seed, "status": status,
            "params": {"schedule": schedule, "lr": lr, "seed": str(seed)},
            "metrics": {"final_test_accuracy": test, "final_train_accuracy": train,
                        "final_train_loss": train_loss}}


CHANCE = math.log(10)


def div_record(lr, seed, final_train_loss, max_batch, model="plain", status="ok"):
    return {"seed": seed, "status": status, "params": {"model": model, "lr": lr},
            "metrics": {"final_train_loss": final_train_loss, "final_test_accuracy": 50.0,
                        "final_train_accuracy": 55.0,
                        "first_epoch_max_batch_loss": max_batch,
                        "initial_loss_chance": CHANCE}}


def lr_schedule_inputs():
    failed_at_boundary = lr_schedule.FAILED * CHANCE
    divergence = [
        (div_record("0.01", 0, 0.1, 2.0), history([50.0, 60.0], [1.5, 0.1])),
        (div_record("0.01", 1, 0.2, 3.0), history([50.0, 60.0], [1.7, 0.2])),
        (div_record("0.5", 0, failed_at_boundary, 20.0), history([10.0, 10.0], [3.0, 2.1])),
        (div_record("0.5", 1, None, 30.0, status="diverged"), history([10.0], [math.nan])),
        (div_record("0.5", 2, 1.5, 40.0), history([30.0, 40.0], [2.5, 1.5])),
        (div_record("0.5", 3, 0.5, 50.0), history([60.0, 70.0], [2.0, 0.5])),
        # not a plain run: left out
        (div_record("0.5", 0, 5.0, 900.0, model="batchnorm"), history([10.0, 10.0], [5.0, 5.0])),
    ]
    def curve(train_loss):
        return history([80.0] * len(train_loss), train_loss)

    schedule = [
        (sched_record("step", "0.1", 0, 90.0, 95.0, 0.2), curve([1.0, 0.5, 0.3, 0.2])),
        (sched_record("constant", "0.1", 0, 85.0, 99.0, 0.3), curve([1.2, 0.7, 0.5, 0.3])),
        (sched_record("constant", "0.01", 0, 70.0, 72.0, 1.0), curve([2.0, 1.8, 1.4, 1.0])),
        (sched_record("step", "0.1", 1, 94.0, 96.0, 0.1), curve([0.9, 0.4, 0.2, 0.1])),
        (sched_record("constant", "0.1", 1, 88.0, 98.0, 0.2), curve([1.0, 0.9, 0.4, 0.2])),
        (sched_record("constant", "0.01", 1, 71.0, 75.0, 1.1), curve([2.1, 1.9, 1.5, 1.1])),
        # a constant rate that is no role's: left out
        (sched_record("constant", "0.5", 0, 10.0, 10.0, 2.3), curve([2.3] * 4)),
    ]
    return ([r for r, _ in schedule], [h for _, h in schedule],
            [r for r, _ in divergence], [h for _, h in divergence])


def test_lr_schedule_summarise_on_hand_made_runs():
    records, histories, div_records, div_histories = lr_schedule_inputs()
    settings = {"lr": 0.1, "gamma": 0.1, "step_size": 2, "epochs": 4, "early_epoch": 2}
    summary = lr_schedule.summarise(records, histories, div_records, div_histories, settings,
                                    [0.01, 0.5])
    divergence = summary["divergence"]
    assert divergence["chance_loss"] == pytest.approx(CHANCE)
    small, large = divergence["small"], divergence["large"]
    assert small["lr"] == 0.01 and large["lr"] == 0.5
    assert small["runs"] == 2 and large["runs"] == 4 and large["diverged_runs"] == 1
    assert small["failed_fraction"] == 0.0 and small["trained_fraction"] == 1.0
    # large: at the FAILED boundary (failed), diverged (failed), 1.5 (neither), 0.5 (trained)
    assert large["failed_fraction"] == 0.5
    assert large["trained_fraction"] == 0.25
    assert large["first_epoch_max_batch_loss"]["mean"] == 35.0
    assert large["blow_up"]["mean"] == pytest.approx(35.0 / CHANCE)
    assert small["early_train_loss"]["mean"] == pytest.approx(1.6)  # epoch 1
    assert summary["early_epoch"] == 2 and summary["epochs"] == 4 and summary["step_size"] == 2

    step, first, last = summary["step"], summary["constant_first"], summary["constant_last"]
    assert (step["schedule"], step["lr"]) == ("step", "0.1")
    assert (first["schedule"], first["lr"]) == ("constant", "0.1")
    assert (last["schedule"], last["lr"]) == ("constant", "0.01")
    assert step["runs"] == first["runs"] == last["runs"] == 2
    assert step["final_test_accuracy"]["mean"] == 92.0
    assert step["final_test_accuracy"]["std"] == 2.0
    assert step["early_train_loss"]["mean"] == pytest.approx(0.45)
    assert first["early_train_loss"]["mean"] == pytest.approx(0.8)
    assert last["early_train_loss"]["mean"] == pytest.approx(1.85)
    assert (step["generalisation_gap"]["mean"], step["generalisation_gap"]["std"]) == (3.5, 1.5)
    assert step["curves"]["train_loss"]["mean"] == pytest.approx([0.95, 0.45, 0.25, 0.15])
    # the schedule's gains are judged seed by seed from these (the claims' business)
    assert set(step["final_test_accuracy"]["per_seed"]) == {"0", "1"}
    assert first["final_test_accuracy"]["mean"] == 92.0 - 5.5
    assert last["final_test_accuracy"]["mean"] == 92.0 - 21.5


def test_lr_schedule_early_loss_of_a_run_that_stopped_before_it_is_missing():
    records, histories, div_records, div_histories = lr_schedule_inputs()
    index = next(i for i, r in enumerate(records)
                 if r["params"]["schedule"] == "constant" and r["params"]["lr"] == "0.01"
                 and r["seed"] == 1)
    records[index] = sched_record("constant", "0.01", 1, None, None, None, status="diverged")
    histories[index] = history([60.0], [math.nan])
    settings = {"lr": 0.1, "gamma": 0.1, "step_size": 2, "epochs": 4, "early_epoch": 2}
    summary = lr_schedule.summarise(records, histories, div_records, div_histories, settings,
                                    [0.01, 0.5])
    last = summary["constant_last"]
    assert last["diverged_runs"] == 1
    assert math.isnan(last["early_train_loss"]["mean"])
    assert last["curves"]["train_loss"]["mean"] == [2.0, 1.8, 1.4, 1.0]  # seed 0 only
    assert math.isnan(last["early_train_loss"]["per_seed"]["1"])
    assert last["early_train_loss"]["per_seed"]["0"] == pytest.approx(1.8)
