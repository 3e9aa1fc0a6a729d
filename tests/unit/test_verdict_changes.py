from dlrepro.config import shift_seeds
from dlrepro.verdict_changes import verdict_changes


def claims(**verdicts):
    return [{"id": claim_id, "verdict": verdict} for claim_id, verdict in verdicts.items()]


def test_changes_list_differing_verdicts_and_mark_only_reproduced_refuted_as_flips():
    old = claims(a="reproduced", b="refuted", c="inconclusive", d="reproduced", e="reproduced")
    new = claims(a="refuted", b="reproduced", c="reproduced", d="reproduced",
                 e="inconclusive", f="refuted")
    changes = verdict_changes(old, new)
    assert [(c.claim_id, c.old, c.new, c.flip) for c in changes] == [
        ("a", "reproduced", "refuted", True),
        ("b", "refuted", "reproduced", True),
        ("c", "inconclusive", "reproduced", False),
        ("e", "reproduced", "inconclusive", False),
    ]  # d is unchanged, f is only in one of them


def test_seed_offset_shifts_every_experiments_seeds_and_nothing_else():
    config = {"seed_offset": 100, "datasets": {"mnist": {"stand_in": {"seed": 0}}},
              "batchnorm": {"seeds": [0, 1], "lrs": [0.01]}, "opt_f1f2": {"lr": 0.1}}
    shifted = shift_seeds(config)
    assert shifted["batchnorm"] == {"seeds": [100, 101], "lrs": [0.01]}
    assert shifted["datasets"] == config["datasets"] and shifted["opt_f1f2"] == {"lr": 0.1}
    assert config["batchnorm"]["seeds"] == [0, 1]  # the input is left as it was
    assert shift_seeds({"batchnorm": {"seeds": [3]}})["batchnorm"]["seeds"] == [3]
