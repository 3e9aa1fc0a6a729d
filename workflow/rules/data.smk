# Data sets: each resolved once into resources/<name>/ from a local copy, a verified download
# or a stand-in (config: datasets.<name>.path, .download, and datasets.strict).


rule prepare_age_regression:
    input:
        local=local_files("age_regression", AGE_REGRESSION_FILES),
    output:
        data="resources/age_regression/data.npz",
        info="resources/age_regression/info.json",
    params:
        settings=lookup(dpath="datasets/age_regression", within=config),
        strict=lookup(dpath="datasets/strict", within=config),
    log:
        "logs/data/age_regression.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/prepare_age_regression.py"
