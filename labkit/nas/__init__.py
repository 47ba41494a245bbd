"""Neural architecture search with optuna: search spaces, model building, studies, objectives."""

from labkit.nas.build import build_classifier, built_architecture
from labkit.nas.objective import Compression, compressed_size_bits, prepare_search_data
from labkit.nas.space import SPACES, SearchSpace, get_space, sample_architecture
from labkit.nas.storage import StorageError, open_storage
from labkit.nas.study import SAMPLERS, best_so_far, make_sampler, run_study, study_name

__all__ = [
    "SAMPLERS",
    "SPACES",
    "Compression",
    "SearchSpace",
    "StorageError",
    "best_so_far",
    "build_classifier",
    "built_architecture",
    "compressed_size_bits",
    "get_space",
    "make_sampler",
    "open_storage",
    "prepare_search_data",
    "run_study",
    "sample_architecture",
    "study_name",
]
