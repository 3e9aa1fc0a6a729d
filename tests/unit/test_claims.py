import json

import numpy as np
import pytest
import yaml
from scipy import stats

from dlrepro.claims import (
    INCONCLUSIVE,
    NOT_COMPARABLE,
    REFUTED,
    REPRODUCED,
    ClaimError,
    combine,
    evaluate,
    evaluate_all,
    groups,
    is_over_seeds,
)
from dlrepro.experiments.seed_stats import over_seeds
from dlrepro.results import flatten, to_json_safe

SUMMARY = {
    "data": {"stand_in": False},
    "final": {"f1": {"gd": 0.05, "momentum": 3e-5, "adam": 5e-4}, "f2": {"gd": 0.05}},
    "error": {"small": 0.12, "large": 0.002},
    "diverged_metric": None,
    "flags": {"alternates": True, "stays": False},
}


def claim(check, **fields):
    return {"id": "demo.claim", "source": "X", "experiment": "demo", "kind": "exact",
            "statement": "s", "measure": "m", "check": check, **fields}


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


def test_claims_on_stand_in_data_are_not_comparable_unless_independent_of_the_data():
    check = {"op": "close", "left": ["error", "small"], "right": 0.12, "rtol": 0.01}
    stand_in = {**SUMMARY, "data": {"name": "digits", "stand_in": True}}
    result = evaluate(claim(check), stand_in)
    assert result["verdict"] == NOT_COMPARABLE
    assert "the digits stand-in" in result["reason"] and "depends on the data" in result["reason"]
    assert result["data"] == "the digits stand-in" and result["on_write_up_data"] is False
    # a claim that says why the data do not matter keeps its verdict, still marked as other data
    independent = evaluate(claim(check, data_independent="counts steps"), stand_in)
    assert independent["verdict"] == REPRODUCED and independent["reason"] == ""
    assert independent["on_write_up_data"] is False and independent["stand_in"] is True


def test_claims_on_another_data_set_than_the_write_ups_are_not_comparable():
    check = {"op": "close", "left": ["error", "small"], "right": 0.12, "rtol": 0.01}
    fashion = {**SUMMARY, "write_up_data": "mnist", "data": {"name": "fashion_mnist"}}
    result = evaluate(claim(check), fashion)
    assert result["verdict"] == NOT_COMPARABLE
    assert "Fashion-MNIST" in result["reason"] and "the write-up used MNIST" in result["reason"]
    same = evaluate(claim(check), {**fashion, "data": {"name": "mnist"}})
    assert same["verdict"] == REPRODUCED
    assert same["on_write_up_data"] is True and same["data"] == "MNIST"


def test_claims_without_data_are_on_the_write_ups_setting_and_of_its_scope_by_default():
    check = {"op": "less", "left": ["error", "large"], "right": 1.0}
    analytic = {**SUMMARY, "data": {"name": "none", "stand_in": False}}
    result = evaluate(claim(check), analytic)
    assert result["on_write_up_data"] is True and result["data"] == ""
    assert result["scope"] == "write-up"
    assert evaluate(claim(check, scope="ours"), analytic)["scope"] == "ours"


def test_missing_path_names_the_claim_and_the_path():
    check = {"op": "less", "left": ["error", "medium"], "right": 1.0}
    with pytest.raises(ClaimError, match=r"demo.claim.*error/medium"):
        evaluate(claim(check), SUMMARY)


def test_unknown_check_is_named():
    with pytest.raises(ClaimError, match="'equals'"):
        evaluate(claim({"op": "equals"}), SUMMARY)


def test_evaluate_all_refuses_unregistered_experiments_missing_summaries_and_repeated_ids():
    check = {"op": "less", "left": ["error", "large"], "right": 1.0}
    registered = {**claim(check), "experiment": "sgd_mean"}
    assert [c["id"] for c in evaluate_all([registered], {"sgd_mean": SUMMARY})] == ["demo.claim"]
    with pytest.raises(ClaimError, match="'demo.typo': experiment 'sgd_maen' is not registered"):
        evaluate_all([registered, {**registered, "id": "demo.typo", "experiment": "sgd_maen"}],
                     {"sgd_mean": SUMMARY})
    with pytest.raises(ClaimError, match="'demo.claim': no summary of experiment 'opt_f1f2'"):
        evaluate_all([{**registered, "experiment": "opt_f1f2"}], {"sgd_mean": SUMMARY})
    with pytest.raises(ClaimError, match="repeated: demo.claim"):
        evaluate_all([registered, registered], {"sgd_mean": SUMMARY})


def test_flatten():
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": 3, "f": {}}) == {
        "a/b": 1, "a/c/d": 2, "e": 3, "f": {}}
    over_seeds = {"mean": 1.0, "per_seed": {"0": 1.0}}
    assert flatten({"x": over_seeds}, leaf=is_over_seeds) == {"x": over_seeds}


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


# ------------------------------------------------------------------------- seeded claims

SEEDS = range(5)


def per_seed(values):
    return over_seeds(dict(zip(SEEDS, values)))


# Five seeds of three variants. "a" beats "b" clearly in every seed; "c" equals "b" plus noise
# whose mean is about zero; "wide" is "b" plus a large, mostly positive offset.
SEEDED = {
    "data": {"stand_in": False},
    "acc": {
        "a": per_seed([0.91, 0.92, 0.90, 0.93, 0.92]),
        "b": per_seed([0.80, 0.81, 0.79, 0.82, 0.80]),
        "c": per_seed([0.81, 0.80, 0.80, 0.81, 0.79]),
        "wide": per_seed([0.95, 0.70, 0.99, 0.86, 0.88]),
    },
    "count": 3,
}


def seeded(check, **fields):
    return claim(check, kind="seeded", **fields)


@pytest.mark.parametrize("check,verdict", [
    # a − b is about +0.11 in every seed: the interval is far above 0
    ({"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}, REPRODUCED),
    ({"op": "less", "left": ["acc", "a"], "right": ["acc", "b"]}, REFUTED),
    # c − b straddles 0
    ({"op": "greater", "left": ["acc", "c"], "right": ["acc", "b"]}, INCONCLUSIVE),
    # a margin larger than the whole interval: the effect is real but smaller than what counts
    ({"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"], "margin": 0.5}, REFUTED),
    # against a number (one-sample), and within a tolerance
    ({"op": "greater", "left": ["acc", "a"], "right": 0.5}, REPRODUCED),
    ({"op": "close", "left": ["acc", "a"], "right": 0.9, "atol": 0.05}, REPRODUCED),
    ({"op": "close", "left": ["acc", "a"], "right": 0.5, "atol": 0.05}, REFUTED),
    ({"op": "close", "left": ["acc", "wide"], "right": 0.87, "atol": 0.05}, INCONCLUSIVE),
])
def test_seeded_checks_give_the_four_verdicts(check, verdict):
    assert evaluate(seeded(check), SEEDED)["verdict"] == verdict


def test_seeded_evidence_names_the_quantity_the_report_shows_it_in():
    accuracy = {**SEEDED, "final_test_accuracy": SEEDED["acc"]}
    check = {"op": "greater", "left": ["final_test_accuracy", "a"],
             "right": ["final_test_accuracy", "b"]}
    assert evaluate(seeded(check), accuracy)["evidence"]["quantity"] == "accuracy"
    unnamed = {"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}
    assert "quantity" not in evaluate(seeded(unnamed), SEEDED)["evidence"]


def test_seeded_claim_on_stand_in_data_is_not_comparable_but_keeps_its_evidence():
    check = {"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}
    stand_in = {**SEEDED, "data": {"name": "digits", "stand_in": True}}
    result = evaluate(seeded(check), stand_in)
    assert result["verdict"] == NOT_COMPARABLE
    assert result["evidence"]["verdict"] == REPRODUCED


def test_seeded_evidence_has_effect_interval_confidence_n_and_method():
    check = {"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}
    evidence = evaluate(seeded(check), SEEDED, confidence=0.9)["evidence"]
    differences = np.array([0.11, 0.11, 0.11, 0.11, 0.12])
    assert evidence["effect"] == pytest.approx(differences.mean())
    low, high = stats.t.interval(0.9, 4, loc=differences.mean(), scale=stats.sem(differences))
    assert evidence["interval"] == pytest.approx([low, high])
    assert evidence["confidence"] == 0.9 and evidence["n"] == 5
    assert evidence["method"] == "paired t"
    assert "seeds_needed" not in evidence  # only an inconclusive comparison says how many


def test_inconclusive_evidence_says_how_many_seeds_would_decide_it():
    straddling = evaluate(seeded({"op": "close", "left": ["acc", "wide"], "right": 0.87,
                                  "atol": 0.05}), SEEDED)["evidence"]
    assert straddling["verdict"] == INCONCLUSIVE and straddling["seeds_needed"] > 5
    null = evaluate(seeded({"op": "greater", "left": ["acc", "c"], "right": ["acc", "b"]}),
                    SEEDED)["evidence"]
    assert null["effect"] == pytest.approx(-0.002)
    assert null["seeds_needed"] is None  # an effect of about zero: no practical number
    assert "effect of about the boundary" in null["undecidable"]
    single = {**SEEDED, "acc": {"a": over_seeds({0: 0.9}), "b": over_seeds({0: 0.8})}}
    one_seed = evaluate(seeded({"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}),
                        single)["evidence"]
    assert one_seed["verdict"] == INCONCLUSIVE and one_seed["seeds_needed"] is None
    assert one_seed["undecidable"].startswith("one seed")


def test_seeded_ranking_is_judged_pair_by_pair():
    best = evaluate(seeded({"op": "argmin", "values": ["acc"], "expected": "b"}), SEEDED)
    # b is below a clearly, but not distinguishable from c: inconclusive, not reproduced
    assert best["verdict"] == INCONCLUSIVE
    assert len(best["evidence"]["parts"]) == 3
    worst = evaluate(seeded({"op": "argmin", "values": ["acc"], "expected": "a"}), SEEDED)
    assert worst["verdict"] == REFUTED
    tiers = {"op": "tiers", "values": ["acc"], "expected": [["b", "c"], ["a"]]}
    assert evaluate(seeded(tiers), SEEDED)["verdict"] == REPRODUCED
    swapped = {**tiers, "expected": [["a"], ["b", "c"]]}
    assert evaluate(seeded(swapped), SEEDED)["verdict"] == REFUTED


def test_composite_verdicts_combine_every_part():
    assert combine([REPRODUCED, REPRODUCED]) == REPRODUCED
    assert combine([REPRODUCED, INCONCLUSIVE]) == INCONCLUSIVE
    assert combine([INCONCLUSIVE, REFUTED]) == REFUTED
    clear = {"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}
    null = {"op": "greater", "left": ["acc", "c"], "right": ["acc", "b"]}
    count = {"op": "close", "left": ["count"], "right": 3, "atol": 0}
    result = evaluate(seeded({"op": "all_of", "checks": [clear, null, count]}), SEEDED)
    assert result["verdict"] == INCONCLUSIVE
    assert result["evidence"]["label"] == "acc/(c − b)"  # the part that decides it


def test_a_seeded_claim_written_as_a_comparison_of_means_is_refused_with_its_id():
    means = {"op": "greater", "left": ["acc", "a", "mean"], "right": ["acc", "b", "mean"]}
    with pytest.raises(ClaimError, match=r"'demo.claim'.*acc/a/mean.*compares seed means"):
        evaluate(seeded(means), SEEDED)
    with pytest.raises(ClaimError, match=r"'demo.claim'.*compares seed means"):
        evaluate(claim(means), SEEDED)  # as an exact claim too


def test_values_over_seeds_in_an_exact_claim_are_refused():
    check = {"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}
    with pytest.raises(ClaimError, match=r"'demo.claim'.*kind: seeded"):
        evaluate(claim(check), SEEDED)


def test_a_seeded_claim_without_per_seed_values_and_an_unknown_kind_are_refused():
    count = {"op": "close", "left": ["count"], "right": 3, "atol": 0}
    with pytest.raises(ClaimError, match="compares no per-seed values"):
        evaluate(seeded(count), SEEDED)
    with pytest.raises(ClaimError, match="kind must be one of"):
        evaluate(claim(count, kind="averaged"), SEEDED)


def test_seeds_whose_run_diverged_are_left_out_and_counted():
    summary = {**SEEDED, "acc": {"a": per_seed([0.9, 0.92, None, 0.93, 0.91]),
                                 "b": per_seed([0.8, 0.81, 0.79, 0.82, 0.80])}}
    result = evaluate(seeded({"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}),
                      json.loads(json.dumps(to_json_safe(summary))))
    assert result["evidence"]["n"] == 4 and result["verdict"] == REPRODUCED


def test_exact_comparisons_keep_their_numbers():
    check = {"op": "all_of", "checks": [
        {"op": "close", "left": ["error", "small"], "right": 0.1, "rtol": 0.5},
        {"op": "less", "left": ["error", "large"], "right": ["error", "small"]}]}
    values = evaluate(claim(check), SUMMARY)["values"]
    assert values == [
        {"label": "error/small − 0.1", "left": 0.12, "right": 0.1, "tolerance": 0.05},
        {"label": "error/(large − small)", "left": 0.002, "right": 0.12, "tolerance": 0.0}]


def test_a_comparison_every_seed_agrees_on_says_the_seeds_do_not_change_it():
    same = {**SEEDED, "acc": {**SEEDED["acc"], "copy": SEEDED["acc"]["b"],
                              "shifted": per_seed([0.90, 0.91, 0.89, 0.92, 0.90])}}
    result = evaluate(seeded({"op": "greater", "left": ["acc", "shifted"],
                              "right": ["acc", "b"]}), same)
    assert result["evidence"]["seeds_vary"] is False
    assert "the seeds do not change this" in result["measured"]
    varied = evaluate(seeded({"op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}),
                      SEEDED)
    assert varied["evidence"]["seeds_vary"] is True and "[" in varied["measured"]


def test_groups_keep_the_write_ups_data_each_other_data_set_and_our_checks_apart():
    check = {"op": "less", "left": ["error", "large"], "right": 1.0}
    digits = {**SUMMARY, "data": {"name": "digits", "stand_in": True}}
    fashion = {**SUMMARY, "write_up_data": "mnist", "data": {"name": "fashion_mnist"}}
    claims = [evaluate(claim(check), SUMMARY),
              evaluate({**claim(check), "id": "demo.b"}, digits),
              evaluate({**claim(check, data_independent="any data"), "id": "demo.c"}, digits),
              evaluate({**claim(check), "id": "demo.d"}, fashion),
              evaluate({**claim(check, scope="ours"), "id": "demo.e"}, SUMMARY)]
    listed = {group["key"]: group for group in groups(claims)}
    assert [c["id"] for c in listed["write-up"]["claims"]] == ["demo.claim"]
    assert listed["other-data-1"]["title"].endswith("on the digits stand-in instead")
    assert listed["other-data-1"]["counts"][NOT_COMPARABLE] == 1
    assert listed["other-data-1"]["counts"][REPRODUCED] == 1
    assert listed["other-data-2"]["title"].endswith("on Fashion-MNIST instead")
    assert [c["id"] for c in listed["ours"]["claims"]] == ["demo.e"]
    assert sum(len(group["claims"]) for group in listed.values()) == len(claims)
