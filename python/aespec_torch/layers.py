"""Layers with TF.js semantics and TF.js weight layouts.

Weights are stored exactly as the TF.js module stores them, so one weights.bin serves
both engines: dense kernels [in, out], conv kernels [k, k, in, out], transposed conv
kernels [k, k, out, in], images NHWC. Convolutions permute to torch's NCHW around the
call and back, and 'same' padding is TF's (the extra row and column go bottom-right).
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .noise import Noise

# Keras's default slope, as the TS runtime uses.
LEAKY_RELU_ALPHA = 0.2

ACTIVATIONS = ("linear", "relu", "leakyRelu", "elu", "sigmoid", "tanh", "softplus")


def activate(x: Tensor, activation: str) -> Tensor:
    if activation == "linear":
        return x
    if activation == "relu":
        return torch.relu(x)
    if activation == "leakyRelu":
        return F.leaky_relu(x, LEAKY_RELU_ALPHA)
    if activation == "elu":
        return F.elu(x)
    if activation == "sigmoid":
        return torch.sigmoid(x)
    if activation == "tanh":
        return torch.tanh(x)
    if activation == "softplus":
        return F.softplus(x)
    raise ValueError(f"unknown activation {activation!r}")


def activation_derivative(pre: Tensor, activation: str) -> Tensor:
    """The activation's derivative at the pre-activation, for Jacobians (as the TS runtime writes it)."""
    if activation == "linear":
        return torch.ones_like(pre)
    if activation == "relu":
        return (pre > 0).to(pre.dtype)
    if activation == "leakyRelu":
        return (pre > 0).to(pre.dtype) * (1 - LEAKY_RELU_ALPHA) + LEAKY_RELU_ALPHA
    if activation == "elu":
        return torch.exp(-torch.relu(-pre))
    if activation == "sigmoid":
        h = torch.sigmoid(pre)
        return h * (1 - h)
    if activation == "tanh":
        return 1 - torch.square(torch.tanh(pre))
    if activation == "softplus":
        return torch.sigmoid(pre)
    raise ValueError(f"unknown activation {activation!r}")


def glorot_uniform(shape: Sequence[int], generator: torch.Generator) -> Tensor:
    """Keras's default kernel initialiser, with TF.js's fans (conv kernels count their receptive field)."""
    shape = list(shape)
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in = shape[-2] * receptive
    fan_out = shape[-1] * receptive
    limit = math.sqrt(6 / (fan_in + fan_out))
    return torch.rand(shape, generator=generator) * (2 * limit) - limit


def flatten(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
    return x.reshape(x.shape[0], *shape)


def concat_inputs(inputs: Sequence[Tensor]) -> Tensor:
    """A network's conditioning variables, flattened, joined along the feature axis."""
    if len(inputs) == 1:
        return inputs[0]
    return torch.cat([flatten(t) for t in inputs], 1)


class Layer(nn.Module):
    """A layer whose weights carry their TF.js names (``network/layer/kind``)."""

    def __init__(self) -> None:
        super().__init__()
        self.weight_names: Dict[str, str] = {}

    def add_weight(self, attribute: str, name: str, shape: Sequence[int], trainable: bool = True) -> None:
        self.weight_names[attribute] = name
        value = torch.zeros(list(shape))
        if trainable:
            self.register_parameter(attribute, nn.Parameter(value))
        else:
            self.register_buffer(attribute, value)

    def named_weights(self) -> List[Tuple[str, Tensor]]:
        return [(name, getattr(self, attribute)) for attribute, name in self.weight_names.items()]


class Dense(Layer):
    def __init__(self, units_in: int, units: int, activation: str, names: Sequence[str]) -> None:
        super().__init__()
        self.activation = activation
        self.add_weight("kernel", names[0], [units_in, units])
        self.add_weight("bias", names[1], [units])

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 2:
            x = flatten(x)
        return activate(torch.addmm(self.bias, x, self.kernel), self.activation)


def same_padding(size: int, kernel: int, stride: int) -> Tuple[int, int]:
    """TF's 'same' padding along one axis: (before, after), the odd row after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Conv2d(Layer):
    def __init__(self, channels_in: int, filters: int, kernel: int, stride: int, padding: str, activation: str, names: Sequence[str]) -> None:
        super().__init__()
        self.stride, self.padding, self.activation, self.size = stride, padding, activation, kernel
        self.add_weight("kernel", names[0], [kernel, kernel, channels_in, filters])
        self.add_weight("bias", names[1], [filters])

    def forward(self, x: Tensor) -> Tensor:
        nchw = x.permute(0, 3, 1, 2)
        if self.padding == "same":
            top, bottom = same_padding(x.shape[1], self.size, self.stride)
            left, right = same_padding(x.shape[2], self.size, self.stride)
            nchw = F.pad(nchw, (left, right, top, bottom))
        y = F.conv2d(nchw, self.kernel.permute(3, 2, 0, 1), stride=self.stride)
        return activate(y.permute(0, 2, 3, 1) + self.bias, self.activation)


class Conv2dTranspose(Layer):
    """The adjoint of a TF conv2d from ``output_shape`` to the input's shape, as tf.conv2dTranspose."""

    def __init__(self, channels_in: int, filters: int, kernel: int, stride: int, padding: str, output_shape: Sequence[int], activation: str, names: Sequence[str]) -> None:
        super().__init__()
        self.stride, self.padding, self.activation, self.size = stride, padding, activation, kernel
        self.output_shape = list(output_shape)
        self.add_weight("kernel", names[0], [kernel, kernel, filters, channels_in])
        self.add_weight("bias", names[1], [filters])

    def forward(self, x: Tensor) -> Tensor:
        # The full transposed convolution, then the rows and columns the forward conv's padding covered.
        y = F.conv_transpose2d(x.permute(0, 3, 1, 2), self.kernel.permute(3, 2, 0, 1), stride=self.stride)
        height, width = self.output_shape[0], self.output_shape[1]
        top = left = 0
        if self.padding == "same":
            top = same_padding(height, self.size, self.stride)[0]
            left = same_padding(width, self.size, self.stride)[0]
        extra_h = max(top + height - y.shape[2], 0)
        extra_w = max(left + width - y.shape[3], 0)
        if extra_h or extra_w:
            y = F.pad(y, (0, extra_w, 0, extra_h))
        y = y[:, :, top:top + height, left:left + width]
        return activate(y.permute(0, 2, 3, 1) + self.bias, self.activation)


class BatchNorm(Layer):
    """Batch statistics while training (moving averages updated after the step), moving ones otherwise."""

    def __init__(self, channels: int, momentum: float, epsilon: float, names: Sequence[str]) -> None:
        super().__init__()
        self.momentum, self.epsilon = momentum, epsilon
        self.add_weight("gamma", names[0], [channels])
        self.add_weight("beta", names[1], [channels])
        self.add_weight("moving_mean", names[2], [channels], trainable=False)
        self.add_weight("moving_variance", names[3], [channels], trainable=False)

    def normalize(self, x: Tensor, training: bool, updates: List[Tuple[Tensor, Tensor]]) -> Tensor:
        if not training:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            axes = list(range(x.dim() - 1))
            mean = x.mean(dim=axes)
            variance = torch.square(x - mean).mean(dim=axes)
            updates.append((self.moving_mean, (self.moving_mean * self.momentum + mean.detach() * (1 - self.momentum))))
            updates.append((self.moving_variance, (self.moving_variance * self.momentum + variance.detach() * (1 - self.momentum))))
        return (x - mean) * self.gamma / torch.sqrt(variance + self.epsilon) + self.beta


class LayerNorm(Layer):
    """Normalises over the last axis (an example's features, a pixel's channels), then a learned gain and shift."""

    def __init__(self, channels: int, epsilon: float, names: Sequence[str]) -> None:
        super().__init__()
        self.channels, self.epsilon = channels, epsilon
        self.add_weight("gamma", names[0], [channels])
        self.add_weight("beta", names[1], [channels])

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, (self.channels,), self.gamma, self.beta, self.epsilon)


def max_pool2d(x: Tensor, size: int, stride: int) -> Tensor:
    """Whole size × size windows of an NHWC image, no padding (as the TS runtime)."""
    return F.max_pool2d(x.permute(0, 3, 1, 2), size, stride).permute(0, 2, 3, 1)


def avg_pool2d(x: Tensor, size: int, stride: int) -> Tensor:
    return F.avg_pool2d(x.permute(0, 3, 1, 2), size, stride).permute(0, 2, 3, 1)


def upsample2d(x: Tensor, factor: int, mode: str) -> Tensor:
    """Each pixel repeated (`nearest`), or interpolated between pixel centres with the edges clamped (`bilinear`)."""
    if mode == "nearest":
        return x.repeat_interleave(factor, dim=1).repeat_interleave(factor, dim=2)
    if mode == "bilinear":
        size = (x.shape[1] * factor, x.shape[2] * factor)
        return F.interpolate(x.permute(0, 3, 1, 2), size=size, mode="bilinear", align_corners=False).permute(0, 2, 3, 1)
    raise ValueError(f"unknown upsampling mode {mode!r}")


def dropout(x: Tensor, rate: float, training: bool, noise: Noise) -> Tensor:
    """tf.dropout: keep where floor(u + 1 − rate) = 1, scale kept values by 1 / (1 − rate)."""
    if not training or rate <= 0:
        return x
    keep = 1 - rate
    return x * (torch.floor(noise.uniform(list(x.shape), 0.0, 1.0) + keep) / keep)


def named_weights(module: nn.Module) -> List[Tuple[str, Tensor]]:
    """Every TF.js-named weight under a module, in registration order."""
    found: List[Tuple[str, Tensor]] = []
    for child in module.modules():
        if isinstance(child, Layer):
            found.extend(child.named_weights())
    return found


def find_layer(module: nn.Module, kind: type) -> Optional[nn.Module]:
    for child in module.modules():
        if isinstance(child, kind):
            return child
    return None
