"""Command line for instructors: ``python -m labkit run TARGET --profile P``."""

import argparse
import sys

from nbclient.exceptions import CellExecutionError
from tqdm.auto import tqdm

from labkit import paths
from labkit.profiles import PROFILES, get_profile
from labkit.runner import execute_notebook, select_notebooks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m labkit",
                                     description="Run the labkit notebooks and write their results.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute notebooks top to bottom")
    run.add_argument("target", help="all, a lab (lab0, lab1, ...) or a notebook name "
                                    "such as 11_fixed_point_quantization")
    run.add_argument("--profile", default=None,
                     help=f"one of {', '.join(PROFILES)} (default: $LABKIT_PROFILE or default)")
    run.add_argument("--force", action="store_true",
                     help="recompute results and the baseline instead of reusing saved ones")
    return parser


def run(target: str, profile_name: str | None, force: bool) -> int:
    profile = get_profile(profile_name)
    notebooks = select_notebooks(target)
    for path in tqdm(notebooks, desc=f"labkit run {target} ({profile.name})", unit="notebook"):
        try:
            executed = execute_notebook(path, profile.name, force=force)
        except CellExecutionError as error:
            print(f"{path.name} failed; its executed copy is in "
                  f"{paths.results_dir(profile.name) / 'executed'}\n{error}", file=sys.stderr)
            return 1
        tqdm.write(f"{path.name}: done ({executed.relative_to(paths.project_root())})")
    print(f"results: {paths.results_dir(profile.name)}")
    print(f"figures: {paths.attachments_dir(profile.name)}")
    return 0


def main(argv=None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return run(arguments.target, arguments.profile, arguments.force)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
