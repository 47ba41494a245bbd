"""Time the main job: ``python -m labkit run all`` forced from the start, then rerun.

Run from the repository root:

    .venv/bin/python benchmarks/main_job.py --profile default --clear-cache

The first run uses ``--force``, so every notebook executes and recomputes its
results, studies and checkpoints. ``--clear-cache`` also deletes the profile's
cache folder (tokenizer and checkpoints) first, as on a fresh clone. The second
run is a plain rerun, which should skip every notebook. Per-notebook times come
from the run records in ``results/<profile>/runs.json``. The page is written to
``benchmarks/results/main_job_<profile>.md``; the results of the run are the
profile's usual results and figures.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from labkit import paths
from labkit.profiles import get_profile
from labkit.report.records import RunRecords, machine_summary
from labkit.results import atomic_write
from labkit.runner import RUN_LOG, list_notebooks

RESULTS = Path(__file__).resolve().parent / "results"
# Targets for 2 CPU cores: the whole job, and a rerun that finds everything up to date.
TARGET_S = {"smoke": 5 * 60, "default": 20 * 60}
RERUN_TARGET_S = 60


def run_all(profile_name: str, force: bool) -> tuple[float, str]:
    """Run ``labkit run all`` in a fresh process; return its wall time and its run id."""
    command = [sys.executable, "-m", "labkit", "run", "all", "--profile", profile_name]
    if force:
        command.append("--force")
    start = time.perf_counter()
    subprocess.run(command, check=True)
    elapsed = time.perf_counter() - start
    log = (paths.results_dir(profile_name) / RUN_LOG).read_text().splitlines()
    return elapsed, json.loads(log[-1])["run"]


def actions(profile_name: str, run_id: str) -> dict[str, str]:
    lines = (paths.results_dir(profile_name) / RUN_LOG).read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    return {entry["notebook"]: entry["action"] for entry in entries if entry["run"] == run_id}


def verdict(seconds: float, target: float | None) -> str:
    if target is None:
        return "no target"
    return f"met (target {target / 60:.0f} min)" if seconds <= target else f"**not met** (target {target / 60:.0f} min)"


def render(profile_name: str, first: float, rerun: float, rerun_actions: dict, cleared: bool) -> str:
    records = RunRecords(get_profile(profile_name))
    lines = [f"# Main job timing: profile `{profile_name}`", "",
             f"Machine: {machine_summary()}.", "",
             f"Command: `.venv/bin/python benchmarks/main_job.py --profile {profile_name}"
             + (" --clear-cache`" if cleared else "`")
             + (" (cache folder deleted first)." if cleared else " (cache folder kept)."), "",
             "| notebook | seconds |", "|---|---|"]
    for path in list_notebooks():
        record = records.get(path.stem)
        lines.append(f"| {path.stem} | {record['duration_s']:.0f} |" if record else f"| {path.stem} | not recorded |")
    skipped = sum(action == "skipped" for action in rerun_actions.values())
    lines += ["", "| measurement | time | result |", "|---|---|---|",
              f"| `run all --force` | {first / 60:.1f} min | {verdict(first, TARGET_S.get(profile_name))} |",
              f"| rerun of `run all` | {rerun:.0f} s, {skipped} of {len(rerun_actions)} notebooks skipped "
              f"| {verdict(rerun, RERUN_TARGET_S)} |", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default", help="profile to time (smoke, default or imdb)")
    parser.add_argument("--clear-cache", action="store_true",
                        help="delete results/<profile>/cache (tokenizer and checkpoints) first")
    arguments = parser.parse_args()
    profile = get_profile(arguments.profile)
    if arguments.clear_cache:
        shutil.rmtree(paths.cache_dir(profile.name))
    first, _ = run_all(profile.name, force=True)
    rerun, rerun_id = run_all(profile.name, force=False)
    page = render(profile.name, first, rerun, actions(profile.name, rerun_id), arguments.clear_cache)
    path = RESULTS / f"main_job_{profile.name}.md"
    atomic_write(path, lambda temporary: Path(temporary).write_text(page))
    print(page)


if __name__ == "__main__":
    main()
