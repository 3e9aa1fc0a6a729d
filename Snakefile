# dlrepro: every experiment of the five write-ups, one dependency graph, one report.
#   snakemake --cores N                                  the report at homework scale
#   snakemake --cores N --configfile config/quick.yaml   the same graph at tiny scale
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/functions.smk"
include: "workflow/rules/descent.smk"
include: "workflow/rules/autograd.smk"
include: "workflow/rules/regressors.smk"
include: "workflow/rules/classifiers.smk"
include: "workflow/rules/ist.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/report.smk"


# Rules that run on the submitting host even with a cluster executor (profiles/slurm): data
# preparation (it may download, and compute nodes are often offline), summaries, figures, claims
# and the report. They take seconds; the cluster gets the experiments (rules *_run, *_runs).
localrules:
    all,
    prepare_data,
    activations_figure_derivatives,
    adam_escape_figure_trajectories,
    age_linear_sgd_figure_curves,
    age_linear_sgd_figure_grid,
    age_linear_sgd_summary,
    age_mlp_figure_curves,
    age_mlp_summary,
    batchnorm_figure_curves,
    batchnorm_summary,
    gd_abs32_figure_cobweb,
    gd_abs32_figure_trajectories,
    gd_abs32_summary,
    gd_illcond_figure_contours,
    gd_onestep_max_figure_step,
    gd_plateau_figure_trajectories,
    gd_plateau_summary,
    ist_linear_figure_accuracy,
    ist_linear_figure_norm,
    ist_linear_summary,
    ist_mlp_numpy_figure_curves,
    ist_mlp_numpy_summary,
    ist_quadratic_figure_fit,
    ist_quadratic_summary,
    ist_torch_figure_batch,
    ist_torch_figure_dropout,
    ist_torch_figure_lr,
    ist_torch_figure_momentum,
    ist_torch_summary,
    lr_schedule_figure_divergence,
    lr_schedule_figure_schedules,
    lr_schedule_summary,
    opt_f1f2_figure_objective,
    opt_f1f2_figure_trajectories,
    opt_f1f2_summary,
    sgd_mean_figure_error,
    sgd_mean_summary,
    evaluate_claims,
    report_data,
    render_html,
    render_pdf,


rule all:
    default_target: True
    input:
        rules.render_html.output.html,
        rules.render_pdf.output.pdf,
