"""Unstructured pruning of Linear weights and input activations."""

from labkit.prune.activations import ActivationPruning, prune_activations, remove_activation_pruning
from labkit.prune.masks import METHODS, SCOPES, check_method, check_scope, check_sparsity, keep_mask
from labkit.prune.report import measured_sparsity, quantized_sparsity, sparsity_report
from labkit.prune.weights import WeightMask, prune_weights, weight_mask

__all__ = [
    "METHODS",
    "SCOPES",
    "ActivationPruning",
    "WeightMask",
    "check_method",
    "check_scope",
    "check_sparsity",
    "keep_mask",
    "measured_sparsity",
    "prune_activations",
    "prune_weights",
    "quantized_sparsity",
    "remove_activation_pruning",
    "sparsity_report",
    "weight_mask",
]
