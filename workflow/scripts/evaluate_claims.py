"""Every claim of config/claims.yaml with its measured value and verdict: claims.json, with the
commit and the code that judged them."""
import yaml

from dlrepro.claims import evaluate_all
from dlrepro.provenance import git_commit
from dlrepro.results import read_json, write_json
from dlrepro.workflow import job_code, start_job

log = start_job(snakemake)
with open(snakemake.input.claims, encoding="utf-8") as handle:
    claims = yaml.safe_load(handle)
summaries = {
    name: read_json(path) for name, path in snakemake.input.items() if name != "claims"
}
evaluated = evaluate_all(claims, summaries, snakemake.params.confidence)
for claim in evaluated:
    log.info("%s: %s (%s)", claim["id"], claim["verdict"], claim["measured"])
write_json(
    snakemake.output.claims,
    {"commit": git_commit(), "code": job_code(snakemake), "claims": evaluated},
)
