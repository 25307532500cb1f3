"""aespec_torch: the runtime of the PyTorch modules `aec` generates (standard library + torch).

The maths mirror src/runtime/ (the TF.js runtime) term for term; the weights use the
TF.js names, layouts and file format, so one weights.bin serves both engines.
"""

from .distributions import (
    LogitParameters,
    NormalParameters,
    ValueParameters,
    bernoulli_nll,
    categorical_logits_from_probs,
    categorical_nll,
    kl_normal_normal,
    logits_from_probs,
    normal_from_sigma,
    normal_log_prob,
    normal_sample,
    one_hot_labels,
    sum_per_example,
)
from .layers import (
    BatchNorm,
    Conv2d,
    Conv2dTranspose,
    Dense,
    activate,
    activation_derivative,
    concat_inputs,
    dropout,
    flatten,
    reshape,
)
from .losses import (
    DenseStage,
    batch_mean,
    contractive_penalty,
    gan_discriminator_loss,
    gan_generator_loss,
    gaussian_noise,
    iwae_loss,
    masking,
    salt_pepper,
)
from .model import Forward, GeneratedModel, NonFiniteLoss, Phase, WeightSpec
from .noise import Noise, NoiseMismatch, ReplayNoise, SeededNoise
from .priors import CategoricalPrior, MixtureOfGaussiansPrior, NormalPrior, Prior, SwissRollPrior, UniformPrior
from .weights import layout_fingerprint, load_weights, read_weights, save_weights

__all__ = [
    "BatchNorm", "CategoricalPrior", "Conv2d", "Conv2dTranspose", "Dense", "DenseStage", "Forward",
    "GeneratedModel", "LogitParameters", "MixtureOfGaussiansPrior", "Noise", "NoiseMismatch", "NonFiniteLoss",
    "NormalParameters", "NormalPrior", "Phase", "Prior", "ReplayNoise", "SeededNoise", "SwissRollPrior",
    "UniformPrior", "ValueParameters", "WeightSpec", "activate", "activation_derivative", "batch_mean",
    "bernoulli_nll", "categorical_logits_from_probs", "categorical_nll", "concat_inputs", "contractive_penalty",
    "dropout", "flatten", "gan_discriminator_loss", "gan_generator_loss", "gaussian_noise", "iwae_loss",
    "kl_normal_normal", "layout_fingerprint", "load_weights", "logits_from_probs", "masking", "normal_from_sigma",
    "normal_log_prob", "normal_sample", "one_hot_labels", "read_weights", "reshape", "salt_pepper",
    "save_weights", "sum_per_example",
]
