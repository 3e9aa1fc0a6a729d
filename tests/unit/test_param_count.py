import pytest
from torch import nn

from dlrepro.experiments.functions import param_count

SETTINGS = dict(input_size=100, output_size=1, hidden_layers=[[100, 20], [20, 100]])


def closed_form(sizes, bias):
    return sum(n_in * n_out + (n_out if bias else 0) for n_in, n_out in zip(sizes, sizes[1:]))


@pytest.mark.parametrize("output_size", [1, 2])
@pytest.mark.parametrize("hidden", [[100, 20], [20, 100], [7], [3, 5, 11]])
def test_counts_match_the_closed_form(hidden, output_size):
    settings = {**SETTINGS, "output_size": output_size, "hidden_layers": [hidden]}
    metrics = param_count.run(settings).metrics
    sizes = [100, *hidden, output_size]
    name = param_count.architecture_name(hidden)
    assert metrics[f"{name}/with_biases"] == closed_form(sizes, bias=True)
    assert metrics[f"{name}/weights_only"] == closed_form(sizes, bias=False)


def test_the_write_ups_numbers_are_weight_counts_with_one_output():
    record = {"metrics": param_count.run(SETTINGS).metrics}
    summary = param_count.summarise([record], [None], SETTINGS)
    first, second = summary["architectures"]["100-20"], summary["architectures"]["20-100"]
    assert (first["weights_only"], first["with_biases"], first["biases"]) == (12020, 12141, 121)
    assert (second["weights_only"], second["with_biases"], second["biases"]) == (4100, 4221, 121)
    assert first["formula"]["weights"] == "100×100 + 100×20 + 20×1"
    assert first["layer_sizes"] == [100, 100, 20, 1]


def test_classifier_structure():
    model = param_count.classifier([100, 20, 100, 1], bias=True)
    kinds = [type(layer) for layer in model]
    assert kinds == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [layer.out_features for layer in model if isinstance(layer, nn.Linear)] == [20, 100, 1]
    unbiased = param_count.classifier([100, 20, 100, 1], bias=False)
    assert all(layer.bias is None for layer in unbiased if isinstance(layer, nn.Linear))


@pytest.mark.parametrize("change,named", [
    ({"input_size": 0}, "input_size"),
    ({"output_size": 1.5}, "output_size"),
    ({"hidden_layers": []}, "hidden_layers"),
    ({"hidden_layers": [[100, 0]]}, "hidden_layers"),
    ({"hidden_layers": [[]]}, "hidden_layers"),
    ({"hidden_layers": [[20], [20]]}, "hidden_layers"),
])
def test_bad_sizes_are_named(change, named):
    with pytest.raises(ValueError, match=named):
        param_count.run({**SETTINGS, **change})
