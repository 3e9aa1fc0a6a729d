"""profiles/slurm and the Snakefile's localrules agree with the rules the workflow has."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def rule_blocks() -> dict[str, str]:
    """Each rule's name and text, from workflow/rules/*.smk."""
    blocks = {}
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"^(?=rule |use rule )", path.read_text(), flags=re.MULTILINE):
            match = re.match(r"(?:rule (\w+):|use rule \w+ as (\w+) with:)", block)
            if match:
                blocks[match.group(1) or match.group(2)] = block
    return blocks


def local_rules() -> set[str]:
    match = re.search(r"^localrules:\n((?:    \w+,\n)+)", (ROOT / "Snakefile").read_text(),
                      flags=re.MULTILINE)
    assert match, "the Snakefile has no localrules: block"
    return set(re.findall(r"\w+", match.group(1)))


def slurm_profile() -> dict:
    return yaml.safe_load((ROOT / "profiles" / "slurm" / "profile.yaml").read_text())


def test_the_rule_parser_sees_the_workflow():
    blocks = rule_blocks()
    assert {"opt_f1f2_run", "age_mlp_run", "render_html", "render_pdf"} <= set(blocks)
    assert "gpu=TRAINING_GPUS" in blocks["age_mlp_run"]


def test_every_rule_that_asks_for_a_gpu_gets_one_on_the_cluster():
    training = {name for name, block in rule_blocks().items()
                if re.search(r"^\s+gpu=", block, flags=re.MULTILINE)}
    on_cluster = {rule for rule, resources in slurm_profile()["set-resources"].items()
                  if resources.get("gpu", 0) >= 1}
    missing = sorted(training - on_cluster)
    assert not missing, (f"add `{missing[0]}: {{gpu: 1}}` under set-resources in "
                         "profiles/slurm/profile.yaml")
    assert on_cluster <= training, sorted(on_cluster - training)


def test_localrules_name_real_rules_and_leave_the_experiments_to_the_cluster():
    rules = set(rule_blocks()) | {"all"}
    local = local_rules()
    assert local <= rules, f"localrules names unknown rules: {sorted(local - rules)}"
    experiments = {name for name in rules if re.search(r"_runs?$", name)}
    assert not local & experiments
    others = sorted(rules - local - experiments)
    assert not others, (f"{others[0]} would be sent to the cluster: add it to localrules in the "
                        "Snakefile, or name it *_run if it is an experiment")
