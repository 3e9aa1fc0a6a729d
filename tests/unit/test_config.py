"""The configuration is refused before any job when a key is unknown, mistyped or out of range."""
import copy

import pytest
import yaml
from snakemake.utils import update_config, validate
from snakemake_interface_common.exceptions import WorkflowError

from dlrepro.config import ConfigError, check_consistency


@pytest.fixture(scope="module")
def schema(project_root):
    return str(project_root / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture(scope="module")
def homework(project_root):
    return yaml.safe_load((project_root / "config" / "config.yaml").read_text())


@pytest.mark.parametrize("overlays", [[], ["quick.yaml"], ["fashion-mnist.yaml"],
                                      ["quick.yaml", "fashion-mnist.yaml"]])
def test_shipped_configs_are_valid(project_root, schema, overlays):
    """config.yaml, and each overlay merged into it as Snakemake does for --configfile."""
    config = yaml.safe_load((project_root / "config" / "config.yaml").read_text())
    for name in overlays:
        update_config(config, yaml.safe_load((project_root / "config" / name).read_text()))
    validate(config, schema)
    check_consistency(config)


def test_quick_overlay_states_only_what_differs(project_root, homework):
    quick = yaml.safe_load((project_root / "config" / "quick.yaml").read_text())

    def repeated(overlay, base, path=()):
        for key, value in overlay.items():
            if isinstance(value, dict):
                yield from repeated(value, base[key], (*path, key))
            elif value == base[key]:
                yield "/".join((*path, key))

    assert not list(repeated(quick, homework))


def refused(config, schema):
    with pytest.raises(WorkflowError) as error:
        validate(config, schema)
    return str(error.value)


def with_change(config, section, key, value):
    changed = copy.deepcopy(config)
    if section is None:
        changed[key] = value
    else:
        changed[section][key] = value
    return changed


def test_unknown_top_level_key_is_named(homework, schema):
    message = refused(with_change(homework, None, "opt_f1f3", {}), schema)
    assert "'opt_f1f3' was unexpected" in message


def test_unknown_nested_key_is_named(homework, schema):
    message = refused(with_change(homework, "sgd_mean", "learning_rate", 0.1), schema)
    assert "'learning_rate' was unexpected" in message


def test_wrong_type_is_named(homework, schema):
    message = refused(with_change(homework, "opt_f1f2", "iterations", "many"), schema)
    assert "['opt_f1f2']['iterations']" in message and "not of type 'integer'" in message


@pytest.mark.parametrize("value", [0, -1e-3])
def test_non_positive_learning_rate_is_named(homework, schema, value):
    message = refused(with_change(homework, "opt_f1f2", "lr", value), schema)
    assert "['opt_f1f2']['lr']" in message


def test_non_positive_learning_rate_in_a_list_is_named(homework, schema):
    message = refused(with_change(homework, "sgd_mean", "lrs", [0.01, 0.0]), schema)
    assert "['sgd_mean']['lrs'][1]" in message


@pytest.mark.parametrize("section", ["opt_f1f2", "sgd_mean"])
def test_non_positive_iteration_count_is_named(homework, schema, section):
    message = refused(with_change(homework, section, "iterations", 0), schema)
    assert f"['{section}']['iterations']" in message


def test_relations_between_keys_are_checked(homework):
    config = with_change(homework, "sgd_mean", "terminal_window", 5000)
    with pytest.raises(ConfigError, match=r"sgd_mean.terminal_window = 5000 must not exceed sgd_mean.iterations = 1000"):
        check_consistency(config)


def test_nested_relations_are_checked(homework):
    config = copy.deepcopy(homework)
    config["adam_escape"]["bisection"]["h_lower"] = 0.5
    with pytest.raises(ConfigError, match=r"adam_escape.bisection.h_lower = 0.5 must be less than"):
        check_consistency(config)


@pytest.mark.parametrize("section,key,value,where", [
    ("gd_plateau", "lrs", [], "['gd_plateau']['lrs']"),
    ("gd_plateau", "tolerance", -1e-3, "['gd_plateau']['tolerance']"),
    ("gd_abs32", "zero_tolerance", -1.0, "['gd_abs32']['zero_tolerance']"),
    ("gd_abs32", "lrs", [], "['gd_abs32']['lrs']"),
    ("gd_onestep_max", "starts", [1.0], "['gd_onestep_max']['starts'][0]"),
])
def test_out_of_range_function_settings_are_named(homework, schema, section, key, value, where):
    assert where in refused(with_change(homework, section, key, value), schema)


@pytest.mark.parametrize("section,keys,value", [
    ("gd_plateau", ("schedule", "tolerance"), 0.0),
    ("gd_plateau", ("schedule", "iterations"), 0),
    ("lr_schedule", ("high_lr", "lr"), -10.0),
    ("lr_schedule", ("high_lr", "epochs"), 0),
])
def test_out_of_range_write_up_settings_are_named(homework, schema, section, keys, value):
    config = copy.deepcopy(homework)
    *parents, key = keys
    node = config[section]
    for parent in parents:
        node = node[parent]
    node[key] = value
    where = "".join(f"['{part}']" for part in (section, *keys))
    assert where in refused(config, schema)


def test_negative_bisection_tolerance_is_named(homework, schema):
    config = copy.deepcopy(homework)
    config["adam_escape"]["bisection"]["tolerance"] = -1e-9
    assert "['adam_escape']['bisection']['tolerance']" in refused(config, schema)


def test_a_registered_experiment_without_a_section_is_named(homework, schema):
    config = copy.deepcopy(homework)
    del config["ist_quadratic"]
    validate(config, schema)  # the schema leaves it to the registry
    with pytest.raises(ConfigError, match=r"ist_quadratic: no section for this experiment"):
        check_consistency(config)


def test_allow_stale_is_a_switch_off_by_default(homework, schema):
    validated = {**homework, "report": {"title": "t"}}
    validate(validated, schema)
    assert validated["report"]["allow_stale"] is False
    with pytest.raises(WorkflowError, match="allow_stale"):
        validate({**homework, "report": {"title": "t", "allow_stale": "yes"}}, schema)


def test_training_gpus_is_auto_or_a_count(homework, schema):
    for value in ("auto", 0, 1):
        validate({**homework, "training_gpus": value}, schema)
    for value in ("all", 2, -1):
        with pytest.raises(WorkflowError, match="training_gpus"):
            validate({**homework, "training_gpus": value}, schema)
