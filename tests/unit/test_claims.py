import pytest
import yaml

from dlrepro.claims import (
    NOT_COMPARABLE,
    REFUTED,
    REPRODUCED,
    ClaimError,
    evaluate,
    evaluate_all,
    flatten,
)

SUMMARY = {
    "data": {"stand_in": False},
    "final": {"f1": {"gd": 0.05, "momentum": 3e-5, "adam": 5e-4}, "f2": {"gd": 0.05}},
    "error": {"small": 0.12, "large": 0.002},
    "diverged_metric": None,
    "flags": {"alternates": True, "stays": False},
}


def claim(check, **fields):
    return {"id": "demo.claim", "source": "X", "experiment": "demo", "statement": "s",
            "measure": "m", "check": check, **fields}


@pytest.mark.parametrize("check,verdict", [
    ({"op": "less", "left": ["error", "large"], "right": ["error", "small"]}, REPRODUCED),
    ({"op": "greater", "left": ["error", "large"], "right": ["error", "small"]}, REFUTED),
    ({"op": "less", "left": ["error", "large"], "right": 0.001}, REFUTED),
    ({"op": "close", "left": ["error", "small"], "right": 0.1, "rtol": 0.25}, REPRODUCED),
    ({"op": "close", "left": ["error", "small"], "right": 0.1, "rtol": 0.1}, REFUTED),
    ({"op": "close", "left": ["error", "small"], "right": 0.1, "atol": 0.05}, REPRODUCED),
    ({"op": "argmin", "values": ["final", "f1"], "expected": "momentum"}, REPRODUCED),
    ({"op": "argmin", "values": ["final", "f1"], "expected": "gd"}, REFUTED),
    ({"op": "is_true", "value": ["flags", "alternates"]}, REPRODUCED),
    ({"op": "is_true", "value": ["flags", "stays"]}, REFUTED),
])
def test_checks_give_the_verdict(check, verdict):
    assert evaluate(claim(check), SUMMARY)["verdict"] == verdict


def test_tiers_hold_only_when_every_earlier_value_is_smaller():
    ordered = {"op": "tiers", "values": ["final"],
               "expected": [["f1/momentum"], ["f1/adam"], ["f1/gd", "f2/gd"]]}
    swapped = {**ordered, "expected": [["f1/adam"], ["f1/momentum"], ["f1/gd", "f2/gd"]]}
    assert evaluate(claim(ordered), SUMMARY)["verdict"] == REPRODUCED
    result = evaluate(claim(swapped), SUMMARY)
    assert result["verdict"] == REFUTED
    assert result["measured"].startswith("f1/momentum")


def test_all_of_needs_every_part():
    good = {"op": "less", "left": ["error", "large"], "right": ["error", "small"]}
    bad = {"op": "greater", "left": ["error", "large"], "right": ["error", "small"]}
    assert evaluate(claim({"op": "all_of", "checks": [good, good]}), SUMMARY)["verdict"] == REPRODUCED
    assert evaluate(claim({"op": "all_of", "checks": [good, bad]}), SUMMARY)["verdict"] == REFUTED


def test_a_diverged_value_never_satisfies_a_comparison():
    check = {"op": "less", "left": ["diverged_metric"], "right": 1.0}
    assert evaluate(claim(check), SUMMARY)["verdict"] == REFUTED


def test_absolute_claims_on_stand_in_data_are_not_comparable():
    check = {"op": "close", "left": ["error", "small"], "right": 0.12, "rtol": 0.01}
    stand_in = {**SUMMARY, "data": {"stand_in": True}}
    result = evaluate(claim(check, absolute=True), stand_in)
    assert result["verdict"] == NOT_COMPARABLE and "stand-in" in result["reason"]
    # a comparison between our own runs stays meaningful on stand-in data
    assert evaluate(claim(check), stand_in)["verdict"] == REPRODUCED


def test_absolute_claims_on_another_data_set_than_the_write_ups_are_not_comparable():
    check = {"op": "close", "left": ["error", "small"], "right": 0.12, "rtol": 0.01}
    fashion = {**SUMMARY, "write_up_data": "mnist", "data": {"name": "fashion_mnist"}}
    result = evaluate(claim(check, absolute=True), fashion)
    assert result["verdict"] == NOT_COMPARABLE
    assert "fashion_mnist" in result["reason"] and "mnist" in result["reason"]
    same = {**fashion, "data": {"name": "mnist"}}
    assert evaluate(claim(check, absolute=True), same)["verdict"] == REPRODUCED


def test_missing_path_names_the_claim_and_the_path():
    check = {"op": "less", "left": ["error", "medium"], "right": 1.0}
    with pytest.raises(ClaimError, match=r"demo.claim.*error/medium"):
        evaluate(claim(check), SUMMARY)


def test_unknown_check_is_named():
    with pytest.raises(ClaimError, match="'equals'"):
        evaluate(claim({"op": "equals"}), SUMMARY)


def test_evaluate_all_skips_experiments_that_did_not_run_and_refuses_duplicate_ids():
    check = {"op": "less", "left": ["error", "large"], "right": 1.0}
    claims = [claim(check), {**claim(check), "id": "other.claim", "experiment": "other"}]
    assert [c["id"] for c in evaluate_all(claims, {"demo": SUMMARY})] == ["demo.claim"]
    with pytest.raises(ClaimError, match="repeated: demo.claim"):
        evaluate_all([claim(check), claim(check)], {"demo": SUMMARY})


def test_flatten():
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": 3}) == {"a/b": 1, "a/c/d": 2, "e": 3}


def test_shipped_claims_file_is_valid(project_root):
    from snakemake.utils import validate

    claims = yaml.safe_load((project_root / "config" / "claims.yaml").read_text())
    validate(claims, str(project_root / "workflow" / "schemas" / "claims.schema.yaml"))
    assert len({c["id"] for c in claims}) == len(claims)


def test_true_check_refuses_a_number():
    with pytest.raises(ClaimError, match="expected true or false"):
        evaluate(claim({"op": "is_true", "value": ["error", "small"]}), SUMMARY)


def test_measured_text_states_the_relation_found():
    failed = evaluate(claim({"op": "less", "left": ["error", "small"], "right": 0.01}), SUMMARY)
    assert failed["measured"] == "0.12 ≥ 0.01"
    far = {"op": "close", "left": ["error", "small"], "right": 0.1, "rtol": 0.1}
    assert evaluate(claim(far), SUMMARY)["measured"] == "|0.12 − 0.1| > 0.01"
