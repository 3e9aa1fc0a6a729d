# Data sets: each resolved once into resources/<name>/ from a local copy, a verified download
# or a stand-in (config: datasets.<name>.path, .download, and datasets.strict). Rules that use
# one take `**prepared("<name>")` as input.


# One data set resolved into resources/<name>/. Local: it may download, and compute nodes are
# often offline.
rule prepare_data:
    input:
        local=local_data_files,
    output:
        data="resources/{dataset}/data.npz",
        info="resources/{dataset}/info.json",
    params:
        code=lambda wildcards: code_of("prepare_data.py", f"dlrepro.data.{wildcards.dataset}"),
        settings=lookup(dpath="datasets/{dataset}", within=config),
        strict=lookup(dpath="datasets/strict", within=config),
    log:
        "logs/data/{dataset}.log",
    localrule: True
    conda:
        ENVIRONMENT
    wildcard_constraints:
        dataset="|".join(DATA_SETS),
    script:
        "../scripts/prepare_data.py"
