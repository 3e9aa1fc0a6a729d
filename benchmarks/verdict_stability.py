"""Do the verdicts survive a change of seeds? The graph twice, on two disjoint seed sets.

Runs the claims of the workflow (``results/claims/claims.json``) in two temporary copies of the
project: once with the seeds as configured, once with every experiment's seeds shifted by
``--offset`` (config ``seed_offset``). Prints every claim whose verdict differs and every
inconclusive claim with the seeds that would likely decide it, and exits 1 when a claim went
from reproduced to refuted or back: a verdict that flips with the seeds is not a finding.

    python benchmarks/verdict_stability.py                          # homework scale, digits
    python benchmarks/verdict_stability.py --configfile config/config.yaml config/fashion-mnist.yaml
    python benchmarks/verdict_stability.py --configfile config/config.yaml config/quick.yaml
    python benchmarks/verdict_stability.py --compare A/claims.json B/claims.json   # no runs
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from dlrepro.sandbox import copy_project, run_snakemake
from dlrepro.verdict_changes import verdict_changes

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = "results/claims/claims.json"


def run_claims(workdir: Path, configfiles: list[str], offset: int, cores: int) -> list[dict]:
    copy_project(ROOT, workdir)
    started = time.perf_counter()
    run_snakemake(workdir, CLAIMS, "--cores", str(cores), "--configfile", *configfiles,
                  "--config", f"seed_offset={offset}")
    print(f"  seed_offset={offset}: {time.perf_counter() - started:.0f} s in {workdir}")
    return json.loads((workdir / CLAIMS).read_text())["claims"]


def inconclusive(claims: list[dict]) -> list[str]:
    lines = []
    for claim in claims:
        if claim["verdict"] == "inconclusive":
            evidence = claim["evidence"]
            needed = evidence["seeds_needed"]
            lines.append(f"    {claim['id']}: seeds_needed {needed} (n = {evidence['n']})"
                         if needed is not None else
                         f"    {claim['id']}: {evidence['undecidable']} (n = {evidence['n']})")
    return lines


def report(first: list[dict], second: list[dict], labels: tuple[str, str]) -> int:
    changes = verdict_changes(first, second)
    flips = [change for change in changes if change.flip]
    tally = {label: {} for label in labels}
    for label, claims in zip(labels, (first, second)):
        for claim in claims:
            tally[label][claim["verdict"]] = tally[label].get(claim["verdict"], 0) + 1
    for label, claims in zip(labels, (first, second)):
        counts = ", ".join(f"{count} {verdict}" for verdict, count in sorted(tally[label].items()))
        print(f"{label}: {len(claims)} claims: {counts}")
        print("\n".join(inconclusive(claims)) or "    no inconclusive claim")
    print(f"\nverdicts that differ: {len(changes)} ({len(flips)} reproduced <-> refuted)")
    for change in changes:
        marker = "FLIP" if change.flip else "    "
        print(f"  {marker} {change.claim_id}: {change.old} -> {change.new}")
    return 1 if flips else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configfile", nargs="+", default=["config/config.yaml"])
    parser.add_argument("--offset", type=int, default=1000,
                        help="seed_offset of the second run (default 1000: disjoint seeds)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the two runs here (default: a "
                        "temporary folder, removed afterwards)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("FIRST", "SECOND"),
                        help="compare two claims.json files instead of running the graph")
    args = parser.parse_args()

    if args.compare:
        first, second = (json.loads(path.read_text())["claims"] for path in args.compare)
        return report(first, second, tuple(str(path) for path in args.compare))

    print(f"claims of {' + '.join(args.configfile)}, seeds as configured and shifted by "
          f"{args.offset}, --cores {args.cores}")
    with tempfile.TemporaryDirectory(prefix="verdict-stability-") as scratch:
        base = args.workdir or Path(scratch)
        first = run_claims(base / "seeds", args.configfile, 0, args.cores)
        second = run_claims(base / f"seeds+{args.offset}", args.configfile, args.offset,
                            args.cores)
        return report(first, second, ("seeds as configured", f"seeds + {args.offset}"))


if __name__ == "__main__":
    sys.exit(main())
