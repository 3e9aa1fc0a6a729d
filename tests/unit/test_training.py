"""The one training loop (dlrepro.experiments.training): the network, an epoch, evaluation, fit."""

import copy
import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlrepro.experiments import training

def tiny_model(batchnorm_layers=False, seed=0, n_inputs=4, hidden=(5,), classes=3):
    torch.manual_seed(seed)
    return training.mlp(n_inputs, list(hidden), classes, batchnorm=batchnorm_layers)


def toy_tensors(n=10, features=4, classes=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.rand(n, features, generator=generator)
    y = torch.arange(n) % classes
    return X, y


def generator(seed=0):
    return torch.Generator().manual_seed(seed)

# ------------------------------------------------------------------------------- mlp


def test_mlp_layers_with_and_without_batchnorm():
    plain = training.mlp(16, [7, 5], 3)
    bn = training.mlp(16, [7, 5], 3, batchnorm=True)
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
def test_mlp_outputs_one_logit_per_class(with_bn):
    model = training.mlp(12, [6, 4], 5, batchnorm=with_bn)
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


# ------------------------------------------------------------------------------- regression


def test_a_float_target_is_regression_no_accuracy_and_the_batch_losses_in_order():
    X, _ = toy_tensors(n=10)
    y = torch.linspace(-1.0, 1.0, 10)
    model = training.mlp(4, [3], 1)

    def mse(outputs, targets):
        return F.mse_loss(outputs.view(-1), targets)

    stats = training.train_epoch(model, torch.optim.SGD(model.parameters(), lr=0.1), X, y, 4,
                                 generator(), mse)
    assert math.isnan(stats.accuracy)
    assert stats.batch_losses.dtype == torch.float64 and len(stats.batch_losses) == 3
    assert stats.max_loss == pytest.approx(float(stats.batch_losses.max()), rel=1e-6)
    weighted = float((stats.batch_losses * torch.tensor([4.0, 4.0, 2.0])).sum()) / 10
    assert stats.loss == pytest.approx(weighted, rel=1e-6)
    evaluated = training.evaluate(model, X, y, training.summed_squared_error)
    with torch.no_grad():
        expected = float(((model(X).view(-1) - y) ** 2).mean())
    assert evaluated.loss == pytest.approx(expected, rel=1e-6) and math.isnan(evaluated.accuracy)


def test_a_full_batch_draws_no_permutation_and_trains_on_the_rows_as_given():
    X, y = toy_tensors(n=6)
    model = tiny_model()
    seen = []
    model[0].register_forward_hook(lambda module, inputs, output: seen.append(inputs[0]))
    batches = generator(5)
    training.train_epoch(model, torch.optim.SGD(model.parameters(), lr=0.1), X, y, 6, batches)
    assert len(seen) == 1 and seen[0] is X
    assert torch.equal(batches.get_state(), generator(5).get_state())


def test_mlp_dropout_layers_follow_each_relu_and_keep_the_initial_weights():
    torch.manual_seed(1)
    with_dropout = training.mlp(6, [5, 4], 2, dropout=0.3)
    torch.manual_seed(1)
    without = training.mlp(6, [5, 4], 2)
    assert [type(layer) for layer in with_dropout] == [nn.Linear, nn.ReLU, nn.Dropout, nn.Linear,
                                                       nn.ReLU, nn.Dropout, nn.Linear]
    assert with_dropout[2].p == 0.3
    weights = [p for p in with_dropout.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(weights, without.parameters(), strict=True))


# ------------------------------------------------------------------------------- fit


class Recording:
    """An ``end_epoch`` that keeps what it is given and stops on a loss that is not finite."""

    def __init__(self, optimizer):
        self.optimizer, self.rows = optimizer, []

    def __call__(self, epoch, trained, evaluated):
        self.rows.append({"epoch": epoch, "lr": self.optimizer.param_groups[0]["lr"],
                          "train": trained, **evaluated})
        return all(math.isfinite(stats.loss) for stats in (trained, *evaluated.values()))


def test_fit_evaluates_every_split_after_every_epoch_and_steps_the_scheduler():
    train, val, test = toy_tensors(n=8), toy_tensors(n=6, seed=5), toy_tensors(n=5, seed=6)
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    record = Recording(optimizer)
    epochs = training.fit(model, optimizer, train, {"val": val, "test": test}, epochs=4,
                          batch_size=4, generator=generator(), end_epoch=record,
                          scheduler=scheduler)
    assert epochs == 4
    assert [row["epoch"] for row in record.rows] == [1, 2, 3, 4]
    assert [row["lr"] for row in record.rows] == pytest.approx([0.1, 0.1, 0.01, 0.01])
    for split, (X, y) in (("val", val), ("test", test)):
        last = training.evaluate(model, X, y)
        assert record.rows[-1][split].loss == pytest.approx(last.loss)
        assert record.rows[-1][split].accuracy == pytest.approx(last.accuracy)
    for row in record.rows:
        assert 0.0 <= row["train"].accuracy <= 1.0
        assert row["train"].max_loss >= row["train"].loss


def test_fit_is_the_same_as_its_epochs_by_hand():
    train, val = toy_tensors(n=9), toy_tensors(n=5, seed=2)
    fitted, by_hand = tiny_model(seed=4), tiny_model(seed=4)
    training.fit(fitted, torch.optim.SGD(fitted.parameters(), lr=0.2, momentum=0.9), train,
                 {"val": val}, epochs=3, batch_size=4, generator=generator(7),
                 end_epoch=lambda *args: True)
    optimizer, batches = torch.optim.SGD(by_hand.parameters(), lr=0.2, momentum=0.9), generator(7)
    for _ in range(3):
        training.train_epoch(by_hand, optimizer, *train, 4, batches)
    for a, b in zip(fitted.parameters(), by_hand.parameters(), strict=True):
        assert torch.equal(a, b)


class BlowUp:
    """A scheduler that sets an infinite rate after the first epoch."""

    def __init__(self, optimizer):
        self.optimizer, self.calls = optimizer, 0

    def step(self):
        self.calls += 1
        for group in self.optimizer.param_groups:
            group["lr"] = math.inf


def test_fit_stops_at_the_first_epoch_end_epoch_refuses():
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = BlowUp(optimizer)
    record = Recording(optimizer)
    epochs = training.fit(model, optimizer, toy_tensors(n=8), {"test": toy_tensors(n=4, seed=1)},
                          epochs=5, batch_size=4, generator=generator(), end_epoch=record,
                          scheduler=scheduler)
    assert epochs == 2 and len(record.rows) == 2 and scheduler.calls == 1
    assert math.isfinite(record.rows[0]["train"].loss)
    assert record.rows[1]["lr"] == math.inf
    assert not math.isfinite(record.rows[1]["train"].loss)


def test_fit_stops_when_only_an_evaluation_loss_is_not_finite():
    X_test, y_test = toy_tensors(n=4, seed=1)
    X_test[0, 0] = math.inf
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    record = Recording(optimizer)
    epochs = training.fit(model, optimizer, toy_tensors(n=8), {"test": (X_test, y_test)},
                          epochs=3, batch_size=8, generator=generator(), end_epoch=record)
    assert epochs == 1 and len(record.rows) == 1
    assert math.isfinite(record.rows[0]["train"].loss)
    assert not math.isfinite(record.rows[0]["test"].loss)


@pytest.mark.parametrize("flush", [True, False])
def test_start_run_sets_every_runs_set_up_whatever_ran_before(flush):
    """Deterministic kernels, the subnormal setting made explicitly (so a run never inherits
    another's), the initial weights seeded, and the batch order's generator, from the seed."""
    from dlrepro.experiments import runs

    torch.set_flush_denormal(not flush)  # what an earlier run in the process may have left
    generator = runs.start_run(3, "cpu", flush_subnormals=flush)
    tiny = torch.tensor([1e-39], dtype=torch.float32) * 1.0  # a subnormal float32
    assert (float(tiny) == 0.0) is flush
    assert torch.are_deterministic_algorithms_enabled()
    weights = torch.nn.Linear(4, 2).weight.detach().clone()
    runs.seed_init(3)
    assert torch.equal(weights, torch.nn.Linear(4, 2).weight)
    assert torch.equal(torch.randperm(10, generator=generator),
                       torch.randperm(10, generator=runs.batch_generator(3)))
    torch.set_flush_denormal(False)
