"""The lr_schedule figure named by the rule's ``plot`` param: divergence or schedules."""
from dlrepro.figures import lr_schedule as plots
from dlrepro.results import read_json
from dlrepro.workflow import record_figure

summary = read_json(snakemake.input.summary)
draw = {"divergence": plots.divergence, "schedules": plots.schedules}[snakemake.params.plot]
record_figure(snakemake, __file__, lambda: draw(summary), stand_in=summary["data"]["stand_in"])
