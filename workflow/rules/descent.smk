# Gradient descent and what can go wrong with it (CS 541 HW1 P3): cheap, CPU only, no data set.

GD_PLATEAU_RUNS = gd_plateau_runs()


rule gd_plateau_runs:
    output:
        metrics=[f"results/gd_plateau/{run['name']}/metrics.json" for run in GD_PLATEAU_RUNS],
        history=[f"results/gd_plateau/{run['name']}/history.csv" for run in GD_PLATEAU_RUNS],
    params:
        settings=experiment_settings("gd_plateau"),
        runs=GD_PLATEAU_RUNS,
    log:
        "logs/gd_plateau/runs.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_plateau_runs.py"


rule gd_plateau_summary:
    input:
        metrics=rules.gd_plateau_runs.output.metrics,
    output:
        summary="results/gd_plateau/summary.json",
    params:
        settings=experiment_settings("gd_plateau"),
    log:
        "logs/gd_plateau/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_plateau_summary.py"


rule gd_plateau_figure_trajectories:
    input:
        metrics=rules.gd_plateau_runs.output.metrics,
        histories=rules.gd_plateau_runs.output.history,
        caption="workflow/report/gd_plateau_trajectories.rst",
    output:
        svg=report(
            "results/figures/gd_plateau_trajectories.svg",
            caption="../report/gd_plateau_trajectories.rst",
            category="gd_plateau",
        ),
        meta="results/figures/gd_plateau_trajectories.json",
    log:
        "logs/figures/gd_plateau_trajectories.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_plateau_figures.py"


rule gd_illcond_run:
    input:
        trajectory=lambda wildcards: config["gd_illcond"]["trajectory_file"] or [],
    output:
        metrics="results/gd_illcond/main/metrics.json",
        history="results/gd_illcond/main/history.csv",
        summary="results/gd_illcond/summary.json",
    params:
        settings=experiment_settings("gd_illcond"),
    log:
        "logs/gd_illcond/main.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_illcond_run.py"


rule gd_illcond_figure_contours:
    input:
        history=rules.gd_illcond_run.output.history,
        summary=rules.gd_illcond_run.output.summary,
        caption="workflow/report/gd_illcond_contours.rst",
    output:
        svg=report(
            "results/figures/gd_illcond_contours.svg",
            caption="../report/gd_illcond_contours.rst",
            category="gd_illcond",
        ),
        meta="results/figures/gd_illcond_contours.json",
    log:
        "logs/figures/gd_illcond_contours.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_illcond_figures.py"


GD_ABS32_RUNS = dict(lr=[lr_label(lr) for lr in config["gd_abs32"]["lrs"]])


rule gd_abs32_run:
    output:
        metrics="results/gd_abs32/lr{lr}/metrics.json",
        history="results/gd_abs32/lr{lr}/history.csv",
    params:
        settings=experiment_settings("gd_abs32", grid=("lrs",)),
    log:
        "logs/gd_abs32/lr{lr}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        lr=r"[0-9.e+-]+",
    script:
        "../scripts/gd_abs32_run.py"


rule gd_abs32_summary:
    input:
        metrics=expand(rules.gd_abs32_run.output.metrics, **GD_ABS32_RUNS),
        histories=expand(rules.gd_abs32_run.output.history, **GD_ABS32_RUNS),
    output:
        summary="results/gd_abs32/summary.json",
    params:
        settings=experiment_settings("gd_abs32"),
    log:
        "logs/gd_abs32/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_abs32_summary.py"


rule gd_abs32_figure_trajectories:
    input:
        metrics=rules.gd_abs32_summary.input.metrics,
        histories=rules.gd_abs32_summary.input.histories,
        caption="workflow/report/gd_abs32_trajectories.rst",
    output:
        svg=report(
            "results/figures/gd_abs32_trajectories.svg",
            caption="../report/gd_abs32_trajectories.rst",
            category="gd_abs32",
        ),
        meta="results/figures/gd_abs32_trajectories.json",
    params:
        plot="trajectories",
    log:
        "logs/figures/gd_abs32_trajectories.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_abs32_figures.py"


use rule gd_abs32_figure_trajectories as gd_abs32_figure_cobweb with:
    input:
        metrics=rules.gd_abs32_summary.input.metrics,
        histories=rules.gd_abs32_summary.input.histories,
        caption="workflow/report/gd_abs32_cobweb.rst",
    output:
        svg=report(
            "results/figures/gd_abs32_cobweb.svg",
            caption="../report/gd_abs32_cobweb.rst",
            category="gd_abs32",
        ),
        meta="results/figures/gd_abs32_cobweb.json",
    params:
        plot="cobweb",
    log:
        "logs/figures/gd_abs32_cobweb.log",


rule gd_onestep_max_run:
    output:
        metrics="results/gd_onestep_max/main/metrics.json",
        history="results/gd_onestep_max/main/history.csv",
        summary="results/gd_onestep_max/summary.json",
    params:
        settings=experiment_settings("gd_onestep_max"),
    log:
        "logs/gd_onestep_max/main.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_onestep_max_run.py"


rule gd_onestep_max_figure_step:
    input:
        summary=rules.gd_onestep_max_run.output.summary,
        caption="workflow/report/gd_onestep_max_step.rst",
    output:
        svg=report(
            "results/figures/gd_onestep_max_step.svg",
            caption="../report/gd_onestep_max_step.rst",
            category="gd_onestep_max",
        ),
        meta="results/figures/gd_onestep_max_step.json",
    log:
        "logs/figures/gd_onestep_max_step.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/gd_onestep_max_figures.py"
