"""``param_count`` (CS5242 HW3 Q4): parameters of two binary classifiers on 100 inputs.

A fully connected network with layer sizes n_0 (inputs), n_1 … n_k (hidden), n_{k+1}
(outputs) has Σ_i n_i·n_{i+1} weights and Σ_i n_{i+1} biases. The write-up used one output unit
(a sigmoid output for the binary label) and counted weights only:

    hidden 100 then 20:  100·100 + 100·20 + 20·1 = 12,020 weights, + 100 + 20 + 1 = 12,141 in all
    hidden 20 then 100:  100·20 + 20·100 + 100·1 =  4,100 weights, + 20 + 100 + 1 =  4,221 in all

Here the counts come from real torch modules (Linear + ReLU per hidden layer, then a Linear
output layer), built once with biases and once with ``bias=False``. The output size is a
setting: 2 (softmax over two classes) adds n_k weights and one bias.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from dlrepro.results import RunResult


def check_sizes(settings: dict[str, Any]) -> None:
    """Every layer size a positive integer; at least one architecture, none listed twice."""
    for name in ("input_size", "output_size"):
        if not (isinstance(settings[name], int) and settings[name] >= 1):
            raise ValueError(f"{name} ({settings[name]!r}) must be a positive integer")
    if not settings["hidden_layers"]:
        raise ValueError("hidden_layers must list at least one architecture")
    for hidden in settings["hidden_layers"]:
        if not hidden or not all(isinstance(size, int) and size >= 1 for size in hidden):
            raise ValueError(f"hidden_layers entry {hidden!r} must be positive integers")
    names = [architecture_name(hidden) for hidden in settings["hidden_layers"]]
    if len(set(names)) < len(names):
        raise ValueError(f"hidden_layers lists an architecture twice: {names}")


def architecture_name(hidden: list[int]) -> str:
    """[100, 20] -> '100-20'."""
    return "-".join(str(size) for size in hidden)


def layer_sizes(settings: dict[str, Any], hidden: list[int]) -> list[int]:
    return [settings["input_size"], *hidden, settings["output_size"]]


def classifier(sizes: list[int], bias: bool) -> nn.Sequential:
    """Linear + ReLU between consecutive sizes, the last Linear (the output layer) bare."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(n_in, n_out, bias=bias), nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1], bias=bias))
    return nn.Sequential(*layers)


def count_parameters(module: nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


def formula(sizes: list[int]) -> dict[str, str]:
    """The sums the counts come from, written out for the report's table."""
    pairs = zip(sizes[:-1], sizes[1:])
    return {
        "weights": " + ".join(f"{n_in}×{n_out}" for n_in, n_out in pairs),
        "biases": " + ".join(str(n_out) for n_out in sizes[1:]),
    }


def run(settings: dict[str, Any]) -> RunResult:
    """Counts per architecture, keyed '<name>/with_biases' and '<name>/weights_only'."""
    check_sizes(settings)
    metrics = {}
    for hidden in settings["hidden_layers"]:
        sizes, name = layer_sizes(settings, hidden), architecture_name(hidden)
        metrics[f"{name}/with_biases"] = count_parameters(classifier(sizes, bias=True))
        metrics[f"{name}/weights_only"] = count_parameters(classifier(sizes, bias=False))
    return RunResult(metrics=metrics)


def summarise(records: list[dict[str, Any]], histories: list[None],
              settings: dict[str, Any]) -> dict[str, Any]:
    """summary.json of the one run (which has no history): per architecture, the layer sizes,
    the sums and both counts."""
    [record] = records
    metrics = record["metrics"]
    architectures = {}
    for hidden in settings["hidden_layers"]:
        sizes, name = layer_sizes(settings, hidden), architecture_name(hidden)
        with_biases = metrics[f"{name}/with_biases"]
        weights_only = metrics[f"{name}/weights_only"]
        architectures[name] = {
            "hidden": list(hidden),
            "layer_sizes": sizes,
            "formula": formula(sizes),
            "with_biases": with_biases,
            "weights_only": weights_only,
            "biases": with_biases - weights_only,
        }
    return {
        "input_size": settings["input_size"],
        "output_size": settings["output_size"],
        "architectures": architectures,
    }
