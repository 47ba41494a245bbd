"""Command line for instructors: ``python -m labkit run TARGET`` and ``python -m labkit report``."""

import argparse
import sys

from nbclient.exceptions import CellExecutionError

from labkit import paths
from labkit.profiles import PROFILES, get_profile
from labkit.report.builder import write_report
from labkit.runner import RUN_LOG, run_notebooks, select_notebooks

PROFILE_HELP = f"one of {', '.join(PROFILES)} (default: $LABKIT_PROFILE or default)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m labkit",
                                     description="Run the labkit notebooks, write their results "
                                                 "and build the lab report.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="execute notebooks top to bottom, then rebuild the report",
        description="Execute the notebooks of TARGET in order, skipping those whose results are "
                    "up to date, then rebuild reports/<profile>.md.")
    run.add_argument("target", help="all, a lab (lab0, lab1, ...) or a notebook name "
                                    "such as 11_fixed_point_quantization")
    run.add_argument("--profile", default=None, help=PROFILE_HELP)
    run.add_argument("--force", action="store_true",
                     help="execute every selected notebook and recompute the results saved "
                          "before this run, the baseline included")
    report = commands.add_parser(
        "report", help="build reports/<profile>.md from the results files (no training)",
        description="Build reports/<profile>.md from results/<profile>/ and "
                    "attachments/<profile>/, marking missing and stale results.")
    report.add_argument("--profile", default=None, help=PROFILE_HELP)
    return parser


def _report(profile) -> int:
    path, report = write_report(profile)
    print(f"report: {path}")
    for notebook in report.not_current:
        print(f"  {notebook}: {report.statuses[notebook]}; rerun with "
              f"`python -m labkit run {notebook} --profile {profile.name}`")
    return 0


def run(target: str, profile_name: str | None, force: bool) -> int:
    profile = get_profile(profile_name)
    notebooks = select_notebooks(target)
    try:
        run_notebooks(notebooks, profile, force=force)
    except CellExecutionError as error:
        print(f"a notebook failed; its executed copy is in "
              f"{paths.results_dir(profile.name) / 'executed'}\n{error}", file=sys.stderr)
        return 1
    print(f"results: {paths.results_dir(profile.name)}")
    print(f"figures: {paths.attachments_dir(profile.name)}")
    print(f"run log: {paths.results_dir(profile.name) / RUN_LOG}")
    return _report(profile)


def main(argv=None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "report":
            return _report(get_profile(arguments.profile))
        return run(arguments.target, arguments.profile, arguments.force)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
