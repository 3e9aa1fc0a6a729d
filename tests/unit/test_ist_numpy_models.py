"""The from-scratch models of IST DL HW1 Q1, each against an independent computation: torch
autograd and torch SGD on the same numbers, closed forms, the textbook per-example loops."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from dlrepro.experiments.ist import numpy_models as nm
from dlrepro.experiments.ist import reference
from dlrepro.experiments.ist.per_example import per_example_pass


def toy(n=40, d=9, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, d)), rng.integers(0, classes, n)


def logistic_with_random_weights(classes, d, lr, l2, seed=1):
    model = nm.LogisticRegression(classes, d, lr=lr, l2=l2, dtype=np.float64)
    rng = np.random.default_rng(seed)
    model.W[:] = rng.normal(size=model.W.shape)
    model.b[:] = rng.normal(size=model.b.shape)
    return model


# --- logistic regression -------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_logistic_step_is_minus_lr_times_the_autograd_gradient(l2):
    X, y = toy()
    lr = 0.05
    model = logistic_with_random_weights(4, 9, lr, l2)
    W = torch.tensor(model.W, requires_grad=True)
    b = torch.tensor(model.b, requires_grad=True)
    x, label = torch.tensor(X[7]), torch.tensor([y[7]])
    penalty = l2 / 2 * (W.square().sum() + b.square().sum())
    loss = F.cross_entropy((W @ x + b)[None], label) + penalty
    loss.backward()
    before_W, before_b = model.W.copy(), model.b.copy()

    stats = model.train_epoch(X, y, np.array([7]))

    np.testing.assert_allclose((before_W - model.W) / lr, W.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose((before_b - model.b) / lr, b.grad.numpy(), rtol=1e-10, atol=1e-12)
    cross_entropy = F.cross_entropy((W @ x + b)[None], label).item()
    assert stats["train_loss"] == pytest.approx(cross_entropy, rel=1e-12)


@pytest.mark.parametrize("l2, block", [(0.0, 8), (0.2, 8), (0.2, 7), (0.2, 1)])
def test_blocked_logistic_epochs_equal_the_textbook_loop(l2, block):
    X, y = toy(n=53)
    model = nm.LogisticRegression(4, 9, lr=0.1, l2=l2, dtype=np.float64)
    W, b = np.zeros((4, 9)), np.zeros(4)
    rng = np.random.default_rng(5)
    for _ in range(3):
        order = rng.permutation(len(X))
        model.train_epoch(X, y, order, block=block)
        reference.logistic_epoch(W, b, X, y, order, lr=0.1, l2=l2)
    assert np.abs(W).max() > 0.1  # it learnt something
    np.testing.assert_allclose(model.W, W, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.b, b, rtol=0, atol=1e-12)


def test_logistic_loss_matches_the_closed_form_on_a_separable_set():
    """Two classes separated by w: with W = t·[−w; w]/2 the loss of an example at margin
    m = ±w·x is log(1 + e^(−t·m)) exactly, which goes to 0 as t grows."""
    rng = np.random.default_rng(2)
    w = np.array([1.0, -2.0, 0.5])
    X = rng.normal(size=(60, 3))
    X = X[np.abs(X @ w) > 0.2]  # a margin
    y = (X @ w > 0).astype(int)
    margins = np.where(y == 1, 1, -1) * (X @ w)
    assert (margins > 0).all()
    model = nm.LogisticRegression(2, 3, lr=1.0)
    model.W = np.stack([-w / 2, w / 2])
    model.b = np.zeros(2)
    assert model.loss(X, y) == pytest.approx(np.mean(np.log1p(np.exp(-margins))), rel=1e-12)
    losses = []
    for t in (0.5, 2.0, 8.0, 40.0):
        model.W = t * np.stack([-w / 2, w / 2])
        losses.append(model.loss(X, y))
        assert losses[-1] == pytest.approx(np.mean(np.log1p(np.exp(-t * margins))), rel=1e-9)
    assert losses == sorted(losses, reverse=True) and losses[-1] < 1e-3
    model.W = np.zeros((2, 3))
    assert model.loss(X, y) == pytest.approx(np.log(2), rel=1e-15)


def test_mean_cross_entropy_equals_torch_and_survives_huge_scores():
    rng = np.random.default_rng(3)
    scores, labels = rng.normal(size=(30, 6)) * 5, rng.integers(0, 6, 30)
    expected = F.cross_entropy(torch.tensor(scores), torch.tensor(labels)).item()
    assert nm.mean_cross_entropy(scores, labels) == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(nm.mean_cross_entropy(scores * 1e4, labels))


# --- perceptron ----------------------------------------------------------------------------------


def test_perceptron_update_is_the_textbook_rule():
    X, y = toy(n=12, d=6, classes=3)
    model = nm.Perceptron(3, 6, dtype=np.float64)
    rng = np.random.default_rng(4)
    model.W[:], model.b[:] = rng.normal(size=(3, 6)), rng.normal(size=3)
    predicted = (X @ model.W.T + model.b).argmax(axis=1)
    wrong, right = np.flatnonzero(predicted != y)[0], np.flatnonzero(predicted == y)[0]
    W, b = model.W.copy(), model.b.copy()
    assert model.train_epoch(X, y, np.array([right])) == {"mistakes": 0}
    np.testing.assert_array_equal(model.W, W)  # a correct prediction changes nothing
    np.testing.assert_array_equal(model.b, b)
    assert model.train_epoch(X, y, np.array([wrong])) == {"mistakes": 1}
    W[y[wrong]] += X[wrong]
    W[predicted[wrong]] -= X[wrong]
    b[y[wrong]] += 1
    b[predicted[wrong]] -= 1
    np.testing.assert_array_equal(model.W, W)
    np.testing.assert_array_equal(model.b, b)


def test_perceptron_makes_no_mistakes_on_a_separable_set_once_converged():
    rng = np.random.default_rng(6)
    truth = rng.normal(size=(3, 5))
    X = rng.normal(size=(300, 5))
    scores = np.sort(X @ truth.T, axis=1)
    X = X[scores[:, -1] - scores[:, -2] > 0.3]  # separable with a margin
    y = (X @ truth.T).argmax(axis=1)
    model = nm.Perceptron(3, 5, dtype=np.float64)
    mistakes = [model.train_epoch(X, y, rng.permutation(len(X)))["mistakes"]
                for _ in range(100)]
    assert mistakes[0] > 0 and mistakes[-1] == 0
    assert model.accuracy(X, y) == 1.0
    W = model.W.copy()
    assert model.train_epoch(X, y, rng.permutation(len(X))) == {"mistakes": 0}
    np.testing.assert_array_equal(model.W, W)


def test_weight_norm_includes_the_bias_column():
    model = nm.Perceptron(2, 2, dtype=np.float64)
    model.W[:] = [[3.0, 0.0], [0.0, 0.0]]
    model.b[:] = [0.0, 4.0]
    assert model.weight_norm() == 5.0


# --- MLP -----------------------------------------------------------------------------------------


def torch_twin(model: nm.MLP) -> torch.nn.Sequential:
    twin = torch.nn.Sequential(torch.nn.Linear(*model.W1.shape[::-1]), torch.nn.ReLU(),
                               torch.nn.Linear(*model.W2.shape[::-1])).double()
    with torch.no_grad():
        for layer, W, b in ((twin[0], model.W1, model.b1), (twin[2], model.W2, model.b2)):
            layer.weight.copy_(torch.tensor(W))
            layer.bias.copy_(torch.tensor(b))
    return twin


def test_mlp_step_equals_one_sgd_step_of_the_same_torch_network():
    X, y = toy(n=10, d=8, classes=3)
    model = nm.MLP(3, 8, hidden=5, lr=0.03, rng=np.random.default_rng(0), init_mean=0.0,
                   init_std=0.5, dtype=np.float64)
    model.b1[:] = np.random.default_rng(1).normal(size=5) * 0.3  # some units off, some on
    twin = torch_twin(model)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.03)
    loss = F.cross_entropy(twin(torch.tensor(X[4:5])), torch.tensor(y[4:5]))
    loss.backward()
    optimizer.step()

    stats = model.train_epoch(X, y, np.array([4]))

    assert stats["train_loss"] == pytest.approx(loss.item(), rel=1e-12)
    for ours, theirs in ((model.W1, twin[0].weight), (model.b1, twin[0].bias),
                         (model.W2, twin[2].weight), (model.b2, twin[2].bias)):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=1e-13)


def test_blocked_mlp_epochs_equal_the_textbook_loop():
    X, y = toy(n=70, d=12, classes=3)
    model = nm.MLP(3, 12, hidden=6, lr=0.05, rng=np.random.default_rng(2), dtype=np.float64)
    W1, b1, W2, b2 = (array.copy() for array in (model.W1, model.b1, model.W2, model.b2))
    rng = np.random.default_rng(3)
    losses = []
    for _ in range(3):
        order = rng.permutation(len(X))
        losses.append(model.train_epoch(X, y, order, block=16)["train_loss"])
        reference.mlp_epoch(W1, b1, W2, b2, X, y, order, lr=0.05)
    assert losses[-1] < losses[0]
    for ours, textbook in ((model.W1, W1), (model.b1, b1), (model.W2, W2), (model.b2, b2)):
        np.testing.assert_allclose(ours, textbook, rtol=0, atol=1e-12)


def test_mlp_initialisation_follows_the_settings():
    model = nm.MLP(6, 400, hidden=100, lr=1e-3, rng=np.random.default_rng(0))
    assert model.W1.dtype == np.float32 and model.b1.dtype == np.float32
    assert model.W1.mean() == pytest.approx(0.1, abs=2e-3)
    assert model.W1.std() == pytest.approx(0.1, abs=2e-3)
    assert not model.b1.any() and not model.b2.any()


def test_per_example_pass_refuses_an_empty_block():
    with pytest.raises(ValueError, match="block"):
        per_example_pass(np.zeros((3, 2)), np.arange(3), np.zeros((1, 2)),
                         lambda k, z: z, block=0)
