"""The outputs of each lab notebook, in the order of the lab report.

The runner uses this list to decide whether a notebook's results are up to
date, and the report builder uses it to lay out tables and figures.
"""

import dataclasses

__all__ = ["Table", "Section", "SECTIONS", "LAB_FIELDS", "section_for"]

# Profile fields that only some labs read; every other Profile field counts for every lab.
LAB_FIELDS = ("widths", "heatmap_frac_widths", "sparsities", "variant_sparsities", "search",
              "precision_search", "perf")


@dataclasses.dataclass(frozen=True)
class Table:
    """A results file and how the report shows it."""

    file: str  # name under results/<profile>/
    title: str
    columns: tuple[str, ...]  # shown in this order; the file keeps every column
    best_by: str | None = None  # trial logs: show only the most accurate row per value of this column
    pivot: tuple[str, str, str] | None = None  # (rows, columns, values) for a grid
    where: tuple[str, str] | None = None  # keep rows whose column equals this text


@dataclasses.dataclass(frozen=True)
class Section:
    """One notebook: its place in the report, its outputs and what it reads."""

    notebook: str
    title: str
    tables: tuple[Table, ...]
    figures: tuple[str, ...]  # names under attachments/<profile>/
    settings: tuple[str, ...] = ()  # Profile fields that shape this notebook's results
    after: tuple[str, ...] = ()  # notebooks whose results this one reads

    @property
    def outputs(self) -> list[str]:
        """Return the output paths relative to the project root, with ``{profile}`` unfilled."""
        return ([f"results/{{profile}}/{table.file}" for table in self.tables]
                + [f"attachments/{{profile}}/{figure}" for figure in self.figures])


_TRIAL = ("trial", "accuracy")
_ARCHITECTURE = ("num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size",
                 "identity_layers")

SECTIONS = (
    Section(
        "00_baseline", "Lab 0: baseline",
        tables=(Table("lab0_baseline.csv", "Baseline", ("tokenizer", "train_size", "test_size",
                                                        "max_length", "epochs", "batch_size",
                                                        "learning_rate", "accuracy")),),
        figures=(),
        settings=("epochs", "batch_size", "learning_rate"),
    ),
    Section(
        "11_fixed_point_quantization", "Lab 1 Task 1: fixed-point PTQ vs QAT",
        tables=(Table("lab1_quantization.csv", "PTQ and QAT accuracy per width",
                      ("width", "frac_width", "ptq_accuracy", "qat_accuracy")),
                Table("lab1_ptq_grid.csv", "PTQ accuracy by width (rows) and frac_width (columns)",
                      (), pivot=("width", "frac_width", "ptq_accuracy"))),
        figures=("QAT.png", "ptq_heatmap.png"),
        settings=("widths", "heatmap_frac_widths", "finetune_learning_rate"),
        after=("00_baseline",),
    ),
    Section(
        "12_pruning", "Lab 1 Task 2: unstructured pruning",
        tables=(Table("lab1_pruning.csv", "Random vs L1-norm pruning",
                      ("sparsity", "method", "accuracy_pruned", "accuracy_finetuned",
                       "measured_sparsity", "quantized_sparsity")),
                Table("lab1_pruning_variants.csv", "L1-norm: scope and target",
                      ("sparsity", "scope", "target", "accuracy_pruned", "accuracy_finetuned",
                       "measured_sparsity"))),
        figures=("Pruning_results.png",),
        settings=("sparsities", "variant_sparsities", "finetune_learning_rate"),
        after=("11_fixed_point_quantization",),
    ),
    Section(
        "21_nas_samplers", "Lab 2 Task 1: architecture search samplers",
        tables=(Table("lab2_samplers.csv", "Best trial per sampler",
                      ("sampler",) + _TRIAL + _ARCHITECTURE, best_by="sampler"),),
        figures=("nas_samplers.png",),
        settings=("search",),
    ),
    Section(
        "22_nas_compression", "Lab 2 Task 2: compression-aware search",
        tables=(Table("lab2_compression_aware.csv", "Best trial per variant",
                      ("variant",) + _TRIAL + ("size_bits",) + _ARCHITECTURE, best_by="variant"),
                Table("lab2_pareto.csv", "Pareto front of accuracy vs size after compression",
                      _TRIAL + ("size_bits",) + _ARCHITECTURE[:-1], where=("pareto", "True"))),
        figures=("nas_compression_aware.png", "nas_pareto.png"),
        settings=("search",),
        after=("21_nas_samplers",),
    ),
    Section(
        "31_mixed_precision_integer", "Lab 3 Task 1: mixed precision with fixed point",
        tables=(Table("lab3_integer.csv", "Best trial",
                      ("format",) + _TRIAL + ("mean_bits", "quantized_layers"), best_by="format"),),
        figures=("mixed_precision_integer.png",),
        settings=("precision_search",),
        after=("00_baseline",),
    ),
    Section(
        "32_mixed_precision_formats", "Lab 3 Task 2: mixed precision across formats",
        tables=(Table("lab3_formats.csv", "Best trial per format",
                      ("format",) + _TRIAL + ("mean_bits", "quantized_layers"), best_by="format"),),
        figures=("mixed_precision_formats.png", "mixed_precision_pareto.png"),
        settings=("precision_search",),
        after=("00_baseline",),
    ),
    Section(
        "41_torch_compile", "Lab 4: torch.compile",
        tables=(Table("lab4_compile.csv", "Eager vs compiled inference",
                      ("model", "device", "mode", "first_call_s", "steady_ms", "speedup",
                       "payback_calls")),),
        figures=("compile.png",),
        settings=("perf",),
        after=("00_baseline",),
    ),
    Section(
        "42_fused_attention", "Lab 4: fused attention",
        tables=(Table("lab4_sdpa.csv", "Naive attention vs scaled_dot_product_attention",
                      ("device", "dtype", "seq_len", "naive_ms", "sdpa_ms", "speedup",
                       "max_abs_diff", "naive_peak_mb", "sdpa_peak_mb")),),
        figures=("sdpa.png",),
        settings=("perf",),
    ),
    Section(
        "43_mxint8", "Lab 4: MXINT8",
        tables=(Table("lab4_mxint8.csv", "Memory of FP32 and MXINT8",
                      ("model", "component", "fp32_bytes", "mxint8_bytes", "saving")),),
        figures=(),
        settings=("perf",),
        after=("00_baseline",),
    ),
)


def section_for(notebook: str) -> Section | None:
    """Return the section of ``notebook`` (a stem such as ``12_pruning``), or None."""
    for section in SECTIONS:
        if section.notebook == notebook:
            return section
    return None
