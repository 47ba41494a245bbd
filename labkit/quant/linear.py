"""A Linear layer that quantises its input activations, weight and bias."""

import copy
import threading
import weakref

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize

__all__ = ["QuantizedLinear"]


class QuantizedLinear(nn.Linear):
    """``nn.Linear`` that computes ``F.linear(q_in(x), q_w(W), q_b(b))``.

    Each operand has its own number format (any object with a ``quantize``
    method, such as :class:`~labkit.quant.FixedPointFormat`), or ``None`` to
    keep it in floating point.

    In training mode the weight and bias are fake-quantised on every forward
    pass, so QAT trains through the quantiser. In evaluation mode they are
    quantised once, when the layer is switched to evaluation, and the cached
    copies are reused until the parameters change (PTQ). Input activations
    depend on the data and are quantised on every forward pass. Layers that
    read the same input tensor in a row (an attention block's query, key and
    value) share one quantised copy of it, so it is quantised once.
    """

    # The last input quantised in this thread: (weak reference to the input,
    # its version, format, whether a gradient flows, quantised copy). In training
    # the copy's autograd node keeps the input alive until the next input replaces it.
    _last_input = threading.local()

    def __init__(self, in_features, out_features, bias=True, *, input_format=None,
                 weight_format=None, bias_format=None, device=None, dtype=None):
        super().__init__(in_features, out_features, bias=bias, device=device, dtype=dtype)
        self.input_format = input_format
        self.weight_format = weight_format
        self.bias_format = bias_format
        self._cached_parameters = None
        self._cache_key = None

    @classmethod
    def from_linear(cls, linear: nn.Linear, **formats) -> "QuantizedLinear":
        """Build a quantised copy of ``linear`` with its weight and bias copied.

        A parametrized weight (a pruning mask, for instance) keeps its
        parametrizations: the copy gets the unparametrized weight and copies
        of the parametrization modules.
        """
        layer = cls(linear.in_features, linear.out_features, bias=linear.bias is not None,
                    device=linear.weight.device, dtype=linear.weight.dtype, **formats)
        weight_parametrizations = []
        weight = linear.weight
        if parametrize.is_parametrized(linear, "weight"):
            weight_parametrizations = linear.parametrizations.weight
            weight = weight_parametrizations.original
        with torch.no_grad():
            layer.weight.copy_(weight)
            if linear.bias is not None:
                layer.bias.copy_(linear.bias)
        for parametrization in weight_parametrizations:
            parametrize.register_parametrization(layer, "weight", copy.deepcopy(parametrization))
        layer.train(linear.training)
        return layer

    def _quantize_parameters(self):
        weight = self.weight
        if self.weight_format is not None:
            weight = self.weight_format.quantize(weight)
        bias = self.bias
        if bias is not None and self.bias_format is not None:
            bias = self.bias_format.quantize(bias)
        return weight, bias

    def _source_tensors(self) -> list[torch.Tensor]:
        """Return the tensors that weight and bias are computed from.

        A parametrized weight (a pruning mask, for instance) is a new tensor on
        every access, so the cache follows what it is computed from: the
        original parameter and the parametrization's own parameters and buffers.
        """
        tensors = []
        for name in ("weight", "bias"):
            if parametrize.is_parametrized(self, name):
                parametrizations = self.parametrizations[name]
                tensors += [parametrizations.original, *parametrizations.parameters(),
                            *parametrizations.buffers()]
            elif getattr(self, name) is not None:
                tensors.append(getattr(self, name))
        return tensors

    def _parameter_key(self):
        # _version grows on every in-place update (optimizer steps, copy_),
        # so a changed key means the cached quantised copies are stale.
        return tuple((t.data_ptr(), t._version) for t in self._source_tensors())

    # The cache is Python state keyed by tensor addresses, and a compiled forward
    # never calls this method. The decorator keeps dynamo out of it for any other caller.
    @torch.compiler.disable
    def _evaluation_parameters(self):
        key = self._parameter_key()
        if self._cached_parameters is None or self._cache_key != key:
            with torch.no_grad():
                self._cached_parameters = self._quantize_parameters()
            self._cache_key = key
        return self._cached_parameters

    def train(self, mode: bool = True):
        super().train(mode)
        self._cached_parameters = None
        if not mode:
            self._evaluation_parameters()  # PTQ: quantise the weights once, here
        return self

    def _quantize_input(self, x: torch.Tensor) -> torch.Tensor:
        if torch.compiler.is_compiling():
            # The memo is Python state that would break the compiled graph.
            return self.input_format.quantize(x)
        # Inference tensors have no version counter, and cannot change in place
        # outside inference mode.
        version = None if x.is_inference() else x._version
        # The quantised copy carries a gradient only if it was made with one.
        gradient = torch.is_grad_enabled() and x.requires_grad
        last = getattr(self._last_input, "entry", None)
        if last is not None:
            source, last_version, last_format, last_gradient, quantized = last
            if (source() is x and last_version == version and last_gradient == gradient
                    and last_format == self.input_format):
                return quantized
        quantized = self.input_format.quantize(x)
        self._last_input.entry = (weakref.ref(x), version, self.input_format, gradient, quantized)
        return quantized

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.input_format is not None:
            x = self._quantize_input(x)
        # Fake-quantise on every call whenever a gradient may flow to the weight.
        # A compiled forward also quantises the weights on every call, inside the
        # graph, because compile cannot trace the evaluation cache. The weights are
        # small next to the activations, so this costs little.
        if (self.training or torch.compiler.is_compiling()
                or (torch.is_grad_enabled() and self.weight.requires_grad)):
            weight, bias = self._quantize_parameters()
        else:
            weight, bias = self._evaluation_parameters()
        return F.linear(x, weight, bias)

    def extra_repr(self) -> str:
        formats = f"input={self.input_format}, weight={self.weight_format}, bias={self.bias_format}"
        return f"{super().extra_repr()}, {formats}"
