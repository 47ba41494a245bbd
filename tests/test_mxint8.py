"""MXINT8 packing: the encoding by hand, exact round trips, the packed layer and its memory."""

import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertForSequenceClassification

from labkit.model import BERT_TINY
from labkit.perf import MXINT8Linear, module_bytes, mxint8_dequantize, mxint8_quantize, tensor_bytes, to_mxint8
from labkit.quant.formats import BlockFPFormat


def test_group_encoding_by_hand():
    group = torch.zeros(1, 32)
    group[0, :5] = torch.tensor([1.0, 0.5, -0.015625, 0.01, 1.99])
    mantissas, exponents = mxint8_quantize(group)
    assert exponents.tolist() == [[127]]  # E = floor(log2 1.99) = 0, stored as 0 + 127
    assert mantissas[0, :5].tolist() == [64, 32, -1, 1, 127]  # x / 2^-6, rounded, clamped
    values = mxint8_dequantize(mantissas, exponents, 32)[0, :5].tolist()
    assert values == [1.0, 0.5, -0.015625, 0.015625, 1.984375]


def test_representable_values_round_trip():
    torch.manual_seed(0)
    mantissas = torch.randint(-127, 128, (6, 64)).float()
    mantissas[:, 0] = 127  # every group's maximum has exponent E
    mantissas[:, 32] = -100
    exponents = torch.tensor([-20, -3, 0, 2, 9, 30]).float().view(6, 1)
    values = mantissas * torch.exp2(exponents - 6)
    packed = mxint8_quantize(values)
    assert torch.equal(mxint8_dequantize(*packed, 64), values)
    assert packed[0].dtype == torch.int8
    assert packed[1].dtype == torch.uint8


def test_zero_group_and_padding():
    weight = torch.zeros(2, 40)
    weight[1, 35] = 3.0
    mantissas, exponents = mxint8_quantize(weight)
    assert mantissas.shape == (2, 64)
    assert exponents.shape == (2, 2)
    assert exponents[0].tolist() == [0, 0]  # an all-zero group stores exponent byte 0
    restored = mxint8_dequantize(mantissas, exponents, 40)
    assert restored.shape == (2, 40)
    assert torch.equal(restored, weight)


def test_matches_block_fp_format():
    torch.manual_seed(1)
    weight = torch.randn(16, 100) * torch.logspace(-3, 2, 100)
    assert torch.equal(mxint8_dequantize(*mxint8_quantize(weight), 100), BlockFPFormat(8, 32).quantize(weight))


def test_packed_linear_forward():
    torch.manual_seed(2)
    linear = nn.Linear(70, 5)
    packed = MXINT8Linear(linear)
    x = torch.randn(3, 4, 70)
    expected = F.linear(x, packed.dequantized_weight(), linear.bias)
    assert torch.equal(packed(x), expected)
    assert torch.allclose(packed(x), linear(x), atol=0.05)
    assert not any(name == "weight" for name, _ in packed.named_parameters())


def test_packed_weight_saving_is_ideal():
    linear = nn.Linear(768, 768)
    packed = MXINT8Linear(linear)
    fp32_bytes = linear.weight.numel() * 4
    packed_bytes = packed.mantissas.numel() + packed.exponents.numel()
    assert packed_bytes == 768 * 768 + 768 * 24
    assert 1 - packed_bytes / fp32_bytes == (32 - (8 + 8 / 32)) / 32


def test_swap_into_bert_and_count_bytes():
    torch.manual_seed(3)
    model = BertForSequenceClassification(BertConfig(vocab_size=200, num_labels=2, **BERT_TINY)).eval()
    x = torch.randint(0, 200, (2, 12))
    with torch.no_grad():
        reference = model(input_ids=x).logits
        before = tensor_bytes(model)
        names = to_mxint8(model)
        after = tensor_bytes(model)
        output = model(input_ids=x).logits
    assert len(names) == 14
    assert all(isinstance(model.get_submodule(name), MXINT8Linear) for name in names)
    assert torch.allclose(output, reference, atol=0.05)
    assert after < before
    assert module_bytes(model)["bytes"].sum() == after


def test_outlier_negative_and_subnormal_groups():
    group = torch.zeros(3, 32)
    group[0, :3] = torch.tensor([1000.0, 1.0, -3.0])  # one outlier: E = 9, step 2^3
    group[1, :3] = torch.tensor([-0.75, 0.375, -0.001])  # negative maximum: E = -1, step 2^-7
    group[2, :2] = torch.tensor([2.0**-140, -(2.0**-141)])  # float32 subnormals
    mantissas, exponents = mxint8_quantize(group)
    assert exponents[:, 0].tolist() == [9 + 127, -1 + 127, 0]  # E = -140 clamps to -127
    assert mantissas[0, :3].tolist() == [125, 0, 0]  # 1000 / 8 = 125; 1 and -3 round to 0
    assert mantissas[1, :3].tolist() == [-96, 48, 0]
    assert mantissas[2, :2].tolist() == [0, 0]  # 2^-140 / 2^-133 = 2^-7 rounds to 0
    restored = mxint8_dequantize(mantissas, exponents, 32)
    assert restored[0, :3].tolist() == [1000.0, 0.0, 0.0]
    assert restored[1, :3].tolist() == [-0.75, 0.375, 0.0]
