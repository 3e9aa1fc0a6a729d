"""The workflow on a real SLURM cluster: one node on this machine, driven by profiles/slurm.

Needs root and Debian's slurmctld, slurmd, slurm-client and munge (.ci/run installs them);
elsewhere every test here is skipped with what is missing. The cluster's key, state, spool and
logs live in a temporary folder. Only its slurm.conf is also copied to /etc/slurm/slurm.conf:
the plugin's job step starts `srun` without SLURM_CONF, so srun reads that path. A file that was
there before is put back afterwards, and every daemon is stopped by its pid, even on failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from quick_graph import SNAKEMAKE, copy_project, metrics_without_provenance

from dlrepro.experiments.registry import EXPERIMENTS

SLURM_PACKAGES = "slurmctld slurmd slurm-client munge"
COMMANDS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "srun", "squeue", "sinfo",
            "scontrol", "scancel")
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
PARTITION = "dlrepro"
FAKE_GPUS = ("/dev/null", "/dev/zero")  # GRES needs device files; nothing opens them
QUICK_CONFIG = ("--configfile", "config/quick.yaml")
# --verbose logs each sbatch call. The plugin checks job states first after 40 s, then after
# --seconds-between-status-checks plus 10 s more for every check in which no job finished;
# these jobs take seconds.
SLURM_ARGS = ("--workflow-profile", "profiles/slurm", "--verbose",
              "--slurm-init-seconds-before-status-checks", "2",
              "--seconds-between-status-checks", "0")
# Volatile parts of the report: how long things took and where they ran.
VOLATILE_KEYS = {"runtime_seconds", "job_id", "job_started", "finished", "slurm_job_id",
                 "slurm_nodes"}


def missing_requirement() -> str | None:
    if os.geteuid() != 0:
        return "not root (the test starts munged, slurmctld and slurmd)"
    missing = [name for name in COMMANDS if shutil.which(name, path=SEARCH_PATH) is None]
    if missing:
        return f"missing {', '.join(missing)} (Debian packages: {SLURM_PACKAGES})"
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed"
    return None


MISSING = missing_requirement()
pytestmark = [
    pytest.mark.workflow,
    pytest.mark.slow,
    pytest.mark.skipif(MISSING is not None, reason=f"no SLURM test cluster here: {MISSING}"),
]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for(what: str, ready, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Cluster:
    """munged, slurmctld and slurmd for one node (this machine, with two stand-in GPUs)."""

    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf), "PATH": SEARCH_PATH}
        self.daemons: list[tuple[str, subprocess.Popen]] = []
        self.previous_conf: bytes | None = None
        self.wrote_system_conf = False
        self.made_system_conf_dir = False
        self.node = ""

    def command(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self) -> None:
        munge = self.root / "munge"
        munge.mkdir(mode=0o755)
        for folder in ("state", "spool"):
            (self.root / folder).mkdir()
        self.command("mungekey", "--create", f"--keyfile={munge / 'munge.key'}")
        self.daemon("munged", "munged", "--foreground", "--force", f"--socket={munge / 'socket'}",
                    f"--key-file={munge / 'munge.key'}", f"--log-file={munge / 'munged.log'}",
                    f"--pid-file={munge / 'munged.pid'}", f"--seed-file={munge / 'seed'}")
        wait_for("munged's socket", (munge / "socket").exists, timeout=20)

        # slurmd -C describes this machine as slurm.conf needs it (CPUs, cores, memory).
        hardware = self.command("slurmd", "-C").splitlines()[0]
        self.node = re.match(r"NodeName=(\S+)", hardware).group(1)
        controller_port, node_port = free_ports(2)
        gres = [f"NodeName={self.node} Name=gpu File={device}" for device in FAKE_GPUS]
        (self.root / "gres.conf").write_text("\n".join(gres) + "\n")
        self.conf.write_text("\n".join([
            "ClusterName=dlreprotest",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={controller_port}",
            f"SlurmdPort={node_port}",
            "SlurmUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={munge / 'socket'}",
            f"StateSaveLocation={self.root / 'state'}",
            f"SlurmdSpoolDir={self.root / 'spool'}",
            f"SlurmctldPidFile={self.root / 'slurmctld.pid'}",
            f"SlurmdPidFile={self.root / 'slurmd.pid'}",
            f"SlurmctldLogFile={self.root / 'slurmctld.log'}",
            f"SlurmdLogFile={self.root / 'slurmd.log'}",
            "MailProg=/bin/true",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "GresTypes=gpu",
            "MinJobAge=3600",  # finished jobs stay visible to squeue and scontrol
            "ReturnToService=2",
            f"{hardware} NodeAddr=127.0.0.1 Gres=gpu:{len(FAKE_GPUS)} State=UNKNOWN",
            f"PartitionName={PARTITION} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP",
        ]) + "\n")
        self.install_system_conf()

        self.daemon("slurmctld", "slurmctld", "-D", "-f", str(self.conf))
        wait_for("slurmctld", lambda: "UP" in self.command("scontrol", "ping", check=False))
        self.daemon("slurmd", "slurmd", "-D", "-f", str(self.conf))
        wait_for(f"node {self.node} to be idle",
                 lambda: self.command("sinfo", "-h", "-n", self.node, "-o", "%T").strip() == "idle")

    def install_system_conf(self) -> None:
        if SYSTEM_CONF.exists():
            self.previous_conf = SYSTEM_CONF.read_bytes()
        if not SYSTEM_CONF.parent.is_dir():
            SYSTEM_CONF.parent.mkdir(parents=True)
            self.made_system_conf_dir = True
        self.wrote_system_conf = True
        shutil.copyfile(self.conf, SYSTEM_CONF)

    def daemon(self, name: str, *args: str) -> None:
        with open(self.root / f"{name}.out", "w") as output:
            process = subprocess.Popen(args, env=self.env, stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.daemons.append((name, process))
        time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at once:\n{self.daemon_output(name)}")

    def daemon_output(self, name: str) -> str:
        texts = [path.read_text(errors="replace")[-3000:]
                 for path in (self.root / f"{name}.out", self.root / f"{name}.log")
                 if path.exists()]
        return "\n".join(texts)

    def stop(self) -> None:
        try:
            if any(name == "slurmctld" for name, _ in self.daemons):
                self.cancel_every_job()
        finally:
            for _name, process in reversed(self.daemons):
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            if self.wrote_system_conf:
                if self.previous_conf is None:
                    SYSTEM_CONF.unlink(missing_ok=True)
                else:
                    SYSTEM_CONF.write_bytes(self.previous_conf)
            if self.made_system_conf_dir:
                SYSTEM_CONF.parent.rmdir()

    def cancel_every_job(self) -> None:
        active = self.command("squeue", "-h", "-o", "%i", check=False).split()
        if active:
            self.command("scancel", *active, check=False)
            wait_for("cancelled jobs to end", lambda: not self.command(
                "squeue", "-h", "-o", "%i", check=False).split(), timeout=60)

    def queue(self) -> list[dict[str, str]]:
        """Every job SLURM still knows (finished ones too, for MinJobAge)."""
        lines = self.command("squeue", "-h", "--states=all", "-o", "%i|%T|%k").splitlines()
        return [dict(zip(("id", "state", "comment"), line.split("|"))) for line in lines]

    def job(self, job_id: str) -> dict[str, str]:
        """The job's fields as `scontrol show job` gives them (JobState, Comment, TresPerJob)."""
        return dict(re.findall(r"(\w+)=(\S*)", self.command("scontrol", "show", "job", "-o",
                                                            job_id)))


def interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("slurm"))
    # A terminated test run (a CI time limit) unwinds too, so the daemons are still stopped.
    previous_handler = signal.signal(signal.SIGTERM, interrupt)
    try:
        try:
            cluster.start()
        except (RuntimeError, TimeoutError) as error:
            logs = "\n".join(f"--- {name}\n{cluster.daemon_output(name)}"
                             for name in ("munged", "slurmctld", "slurmd"))
            raise RuntimeError(f"the test cluster did not start: {error}\n{logs}") from error
        yield cluster
    finally:
        cluster.stop()
        signal.signal(signal.SIGTERM, previous_handler)


def slurm_snakemake(cluster: Cluster, workdir: Path, *targets: str) -> subprocess.CompletedProcess:
    result = subprocess.run([SNAKEMAKE, *SLURM_ARGS, *targets, *QUICK_CONFIG], cwd=workdir,
                            env=cluster.env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=1800)
    if result.returncode != 0:
        raise AssertionError(f"snakemake through SLURM failed:\n{result.stderr[-6000:]}")
    return result


def sbatch_calls(log: str) -> dict[str, list[str]]:
    """The sbatch command lines of a run's --verbose log, by rule."""
    calls: dict[str, list[str]] = {}
    for line in re.findall(r"^sbatch call: (.*)$", log, flags=re.MULTILINE):
        rule = re.search(r"--comment rule_(\w+?)(?:_wildcards_\S*)?\s", line).group(1)
        calls.setdefault(rule, []).append(line)
    return calls


def run_records(workdir: Path) -> dict[str, dict]:
    return {str(path.relative_to(workdir)): json.loads(path.read_text())
            for path in sorted((workdir / "results").glob("*/*/metrics.json"))}


def without_volatile(value):
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items()
                if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value


def experiment_of(rule: str) -> str:
    """The experiment of a run rule: ``<id>_run`` (one run a job) or ``<id>_runs``."""
    return re.sub(r"_runs?$", "", rule)


def training_rules(calls: dict[str, list[str]]) -> set[str]:
    """The submitted run rules of the experiments that train with torch."""
    torch = {experiment.id for experiment in EXPERIMENTS if experiment.asks_for_gpu}
    return {rule for rule in calls if experiment_of(rule) in torch}


@pytest.fixture(scope="module")
def slurm_run(cluster, tmp_path_factory, project_root):
    workdir = copy_project(project_root, tmp_path_factory.mktemp("on-slurm"))
    started = time.monotonic()
    result = slurm_snakemake(cluster, workdir)
    calls = sbatch_calls(result.stderr)
    print(f"\nthe quick graph through SLURM took {time.monotonic() - started:.0f} s; sbatch calls:")
    for rule_calls in calls.values():
        print(*(call.split(" --wrap=")[0] for call in rule_calls), sep="\n")
    return workdir, result.stderr, calls


def test_every_experiment_job_went_through_sbatch(cluster, slurm_run):
    workdir, log, calls = slurm_run
    records = run_records(workdir)
    assert records
    job_ids = set()
    for path, record in records.items():
        provenance = record["provenance"]
        assert "slurm_job_id" in provenance, f"{path} was not made in a SLURM job"
        assert provenance["slurm_nodes"] == cluster.node
        job = cluster.job(provenance["slurm_job_id"])
        assert job["JobState"] == "COMPLETED"
        assert job["Comment"].startswith(f"rule_{provenance['rule']}")
        job_ids.add(provenance["slurm_job_id"])
    # One sbatch per experiment job; the cheap rules ran on the submitting host instead.
    assert sum(len(rule_calls) for rule_calls in calls.values()) == len(job_ids)
    assert set(calls) == {record["provenance"]["rule"] for record in records.values()}
    local = set(re.findall(r"^localrule (\w+):", log, flags=re.MULTILINE))
    assert {"prepare_data", "evaluate_claims", "render_pdf"} <= local
    assert not local & set(calls)


def timing_claims(project_root: Path) -> set[str]:
    """Ids of the claims whose check reads a run time."""
    claims = yaml.safe_load((project_root / "config" / "claims.yaml").read_text())
    return {claim["id"] for claim in claims if "runtime_seconds" in json.dumps(claim["check"])}


def test_the_report_equals_a_local_run(slurm_run, quick_run, project_root):
    workdir = slurm_run[0]
    assert metrics_without_provenance(workdir) == metrics_without_provenance(quick_run)
    on_slurm, local = (json.loads((path / "results" / "report" / "report-data.json").read_text())
                       for path in (workdir, quick_run))
    for key in ("experiments", "figures"):
        assert without_volatile(on_slurm[key]) == without_volatile(local[key]), key
    # A claim about run times (which batch size trains longer) is measured anew in every run.
    timed = timing_claims(project_root)
    assert timed  # the exclusion below must name real claims
    for side in (on_slurm, local):
        side["claims"] = [claim for claim in side["claims"] if claim["id"] not in timed]
    assert on_slurm["claims"] == local["claims"]
    assert on_slurm["run"]["config"] == local["run"]["config"]
    assert local["run"]["cluster_jobs"] == []


def test_the_report_shows_where_each_job_ran(cluster, slurm_run):
    workdir = slurm_run[0]
    data = json.loads((workdir / "results" / "report" / "report-data.json").read_text())
    assert data["run"]["run_time"]["efficiency"] is None  # no fixed set of cores on a cluster
    jobs = data["run"]["cluster_jobs"]
    assert len(jobs) == len(run_records(workdir))  # every run, with its job id and node
    html = (workdir / "results" / "report" / "report.html").read_text()
    assert "<h3>Cluster jobs</h3>" in html
    for job in jobs:
        assert job["slurm_nodes"] == cluster.node
        assert (f"<td><code>{job['run']}</code></td><td>{job['slurm_job_id']}</td>"
                f"<td>{cluster.node}</td>") in html


def test_training_rules_ask_slurm_for_a_gpu(cluster, slurm_run):
    workdir, _log, calls = slurm_run
    gpus = {rule: 1 for rule in training_rules(calls)}
    assert {experiment_of(rule) for rule in gpus} == {
        e.id for e in EXPERIMENTS if e.asks_for_gpu}
    records = run_records(workdir).values()
    for rule, count in gpus.items():
        assert calls[rule], f"{rule} was not submitted"
        for call in calls[rule]:
            assert f" --gpus={count}" in call and "--ntasks" not in call, call
        for record in records:
            if record["provenance"]["rule"] == rule:
                job = cluster.job(record["provenance"]["slurm_job_id"])
                assert job["TresPerJob"] == f"gres:gpu:{count}"
    for call in calls["opt_f1f2_runs"]:
        assert "--gpus" not in call and " --ntasks=1 --cpus-per-task=1" in call, call


def test_a_cancelled_job_is_reported_and_a_rerun_finishes_it(cluster, quick_run, project_root,
                                                             tmp_path):
    workdir = copy_project(project_root, tmp_path / "cancelled")
    target = "results/age_mlp/summary.json"
    run_dir = workdir / "results" / "age_mlp" / "seed0"
    experiment_log = workdir / "logs" / "age_mlp" / "seed0.log"
    comment = "rule_age_mlp_run_wildcards_0"
    stderr_path = tmp_path / "cancelled.err"
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen([SNAKEMAKE, *SLURM_ARGS, target, *QUICK_CONFIG], cwd=workdir,
                                   env=cluster.env, stdout=subprocess.DEVNULL, stderr=stderr,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    cancelled: list[str] = []

    def running_job():
        assert process.poll() is None, "snakemake ended before its job could be cancelled"
        return next((job["id"] for job in cluster.queue() if job["comment"] == comment
                     and job["state"] == "RUNNING" and job["id"] not in cancelled), None)

    try:
        # The first attempt is cancelled while it computes (its experiment log is open), the
        # profile's retry as soon as it runs; then the workflow has no retry left.
        first = wait_for("the training job to run", running_job, timeout=300, interval=0.05)
        wait_for("the training job to start computing", experiment_log.exists, timeout=120,
                 interval=0.02)
        cluster.command("scancel", first)
        cancelled.append(first)
        second = wait_for("the retried training job", running_job, timeout=300, interval=0.05)
        cluster.command("scancel", second)
        cancelled.append(second)
        returncode = process.wait(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log = stderr_path.read_text()
    assert returncode != 0
    assert "Error in rule age_mlp_run" in log
    for job_id in cancelled:
        assert cluster.job(job_id)["JobState"] == "CANCELLED"
        assert f"SLURM-job '{job_id}' failed, SLURM status is: 'CANCELLED'" in log
        # The job's sbatch output is kept for a failed job, under the profile's slurm-logdir.
        assert (workdir / "logs" / "slurm" / "rule_age_mlp_run" / "0" / f"{job_id}.log").is_file()
    # Nothing of the killed job is left to be taken for a result, not even a temporary file.
    assert not run_dir.exists() or not any(run_dir.iterdir())
    assert not (workdir / target).exists()

    # The README's way to resume: the same command again.
    slurm_snakemake(cluster, workdir, target)
    record = json.loads((run_dir / "metrics.json").read_text())
    assert record["provenance"]["slurm_job_id"] not in cancelled
    finished = metrics_without_provenance(workdir)
    clean = metrics_without_provenance(quick_run)
    assert finished == {path: clean[path] for path in finished}
    assert "results/age_mlp/seed0/metrics.json" in finished
