"""Build ``reports/<profile>.md`` from the results files alone; nothing is trained."""

import dataclasses
import datetime
from pathlib import Path

import pandas as pd

from labkit import paths
from labkit.profiles import Profile
from labkit.report.records import RunRecords
from labkit.report.sections import SECTIONS, Section, Table
from labkit.results import atomic_write

__all__ = ["Report", "build_report", "write_report", "report_path"]

PROVENANCE = ("dataset", "model_source", "tokenizer", "seed")


def report_path(profile: Profile) -> Path:
    return paths.project_root() / "reports" / f"{profile.name}.md"


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value) -> str:
        if pd.isna(value):
            return ""
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value).replace("|", "\\|")

    header = "| " + " | ".join(str(column) for column in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(cell(value) for value in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def _shape(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Select, filter, summarise or pivot the rows of a results file as ``table`` states."""
    if table.where:
        column, value = table.where
        frame = frame[frame[column].astype(str) == value]
    if table.best_by:
        best = frame.sort_values(["accuracy", "trial"], ascending=[False, True])
        frame = best.drop_duplicates(table.best_by).sort_values(table.best_by)
    if table.pivot:
        rows, columns, values = table.pivot
        return frame.pivot(index=rows, columns=columns, values=values).reset_index()
    present = [column for column in table.columns if column in frame.columns]
    return frame[present]


def _table_block(profile: Profile, table: Table) -> tuple[str, dict]:
    """Return the markdown of one table and the provenance of its first row."""
    path = paths.results_dir(profile.name) / table.file
    if not path.exists():
        return f"**Missing:** `results/{profile.name}/{table.file}` was not found.", {}
    try:
        frame = pd.read_csv(path)
        display = _shape(frame, table)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, KeyError, ValueError) as error:
        return (f"**Unreadable:** `results/{profile.name}/{table.file}` could not be read "
                f"({type(error).__name__}: {error}); delete it and rerun its notebook."), {}
    provenance = {key: frame[key].iloc[0] for key in PROVENANCE if key in frame and len(frame)}
    lines = [f"**{table.title}** (`results/{profile.name}/{table.file}`"]
    if table.best_by or table.where:
        lines[0] += f", {len(frame)} rows in the file"
    lines[0] += ")"
    lines += ["", _markdown_table(display)]
    return "\n".join(lines), provenance


def _settings_line(profile: Profile, section: Section) -> str:
    values = [f"{name} {getattr(profile, name)}" for name in section.settings]
    return "; ".join(values)


def _run_line(records: RunRecords, section: Section) -> str:
    record = records.get(section.notebook)
    if record is None:
        return "no run record"
    minutes, seconds = divmod(round(record["duration_s"]), 60)
    finished = record["finished"][:16].replace("T", " ")
    return (f"finished {finished} UTC after {minutes} min {seconds} s on {record['machine']}")


@dataclasses.dataclass
class _SectionText:
    status: str
    markdown: str


def _section(profile: Profile, records: RunRecords, section: Section) -> _SectionText:
    status = records.status(paths.notebooks_dir() / f"{section.notebook}.ipynb")
    blocks, provenance = [], {}
    for table in section.tables:
        text, found = _table_block(profile, table)
        blocks.append(text)
        provenance = provenance or found
    for figure in section.figures:
        if (paths.attachments_dir(profile.name) / figure).exists():
            blocks.append(f"![{Path(figure).stem}](../attachments/{profile.name}/{figure})")
        else:
            blocks.append(f"**Missing:** figure `attachments/{profile.name}/{figure}` was not found.")
    lines = [f"## {section.title}", "",
             f"- Notebook: `notebooks/{section.notebook}.ipynb`",
             f"- Status: **{status.describe()}**",
             f"- Run: {_run_line(records, section)}"]
    if provenance:
        lines.append("- Data and model: " + "; ".join(f"{key} {value}" for key, value in provenance.items()))
    if section.settings:
        lines.append(f"- Settings: {_settings_line(profile, section)}")
    return _SectionText(status.state, "\n".join(lines + [""] + _join(blocks)))


def _join(blocks: list[str]) -> list[str]:
    lines = []
    for block in blocks:
        lines += [block, ""]
    return lines


def _baseline_line(profile: Profile) -> str:
    """Describe data, tokenizer and model source as the Lab 0 results record them."""
    path = paths.results_dir(profile.name) / "lab0_baseline.csv"
    if not path.exists():
        return "Data and model: not known yet, because the Lab 0 results are missing."
    row = pd.read_csv(path).iloc[0]
    return (f"Data and model (from the Lab 0 results): {row['dataset']}; tokenizer "
            f"{row['tokenizer']}; model {row['model_source']}.")


@dataclasses.dataclass
class Report:
    markdown: str
    statuses: dict[str, str]  # notebook -> "up to date", "stale", "missing" or "not recorded"

    @property
    def not_current(self) -> list[str]:
        return [notebook for notebook, state in self.statuses.items() if state != "up to date"]


def build_report(profile: Profile) -> Report:
    """Build the lab report of ``profile`` as markdown, one section per notebook."""
    records = RunRecords(profile)
    sections = [(section, _section(profile, records, section)) for section in SECTIONS]
    generated = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    lines = [f"# Lab report: profile `{profile.name}`", "",
             f"Built {generated} by `python -m labkit report --profile {profile.name}` from "
             f"`results/{profile.name}/`; it reads result files only.", "",
             f"Profile `{profile.name}`: data {profile.dataset}, max_length {profile.max_length}, "
             f"batch {profile.batch_size}, baseline epochs {profile.epochs}, seed {profile.seed}.", "",
             _baseline_line(profile), "",
             "| section | notebook | status |", "|---|---|---|"]
    lines += [f"| {section.title} | `{section.notebook}` | {text.status} |" for section, text in sections]
    lines.append("")
    lines += [text.markdown for _, text in sections]
    markdown = "\n".join(lines).rstrip() + "\n"
    return Report(markdown, {section.notebook: text.status for section, text in sections})


def write_report(profile: Profile) -> tuple[Path, Report]:
    """Build the report of ``profile`` and write it to ``reports/<profile>.md``."""
    report = build_report(profile)
    path = report_path(profile)
    atomic_write(path, lambda temporary: Path(temporary).write_text(report.markdown))
    return path, report
