"""aespec_torch: the runtime of the PyTorch modules `aec` generates (standard library + torch).

The maths mirror src/runtime/ (the TF.js runtime) term for term; the weights use the
TF.js names, layouts and file format, so one weights.bin serves both engines.

Names load lazily (PEP 562): ``import aespec_torch`` does not import torch, so the trainer's
launcher (``python -m aespec_torch.train --nproc N``) starts its ranks without paying for it.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

_SOURCES: Dict[str, str] = {
    "LogitParameters": "distributions",
    "NormalParameters": "distributions",
    "ValueParameters": "distributions",
    "bernoulli_nll": "distributions",
    "categorical_logits_from_probs": "distributions",
    "categorical_nll": "distributions",
    "kl_normal_normal": "distributions",
    "kl_normal_normal_parameters": "hierarchy",
    "FlowSample": "flows",
    "IafFlow": "flows",
    "PlanarFlow": "flows",
    "made_masks": "flows",
    "planar_direction": "flows",
    "tile_batch": "hierarchy",
    "logits_from_probs": "distributions",
    "bound_logvar": "distributions",
    "normal_from_sigma": "distributions",
    "normal_log_prob": "distributions",
    "normal_sample": "distributions",
    "one_hot_labels": "distributions",
    "sum_per_example": "distributions",
    "BetaParameters": "likelihood_parameters",
    "DiscretizedLogisticMixtureParameters": "likelihood_parameters",
    "DiscretizedLogisticParameters": "likelihood_parameters",
    "LaplaceParameters": "likelihood_parameters",
    "Learned": "likelihood_parameters",
    "beta_from_heads": "likelihood_parameters",
    "broadcast_like": "likelihood_parameters",
    "laplace_from_scale": "likelihood_parameters",
    "mixture_parameters": "likelihood_parameters",
    "Bins": "likelihoods",
    "beta_mean": "likelihoods",
    "beta_nll": "likelihoods",
    "beta_sample": "likelihoods",
    "continuous_bernoulli_mean": "likelihoods",
    "continuous_bernoulli_nll": "likelihoods",
    "continuous_bernoulli_sample": "likelihoods",
    "discretized_logistic_mean": "likelihoods",
    "discretized_logistic_mixture_mean": "likelihoods",
    "discretized_logistic_mixture_nll": "likelihoods",
    "discretized_logistic_mixture_sample": "likelihoods",
    "discretized_logistic_nll": "likelihoods",
    "discretized_logistic_sample": "likelihoods",
    "laplace_nll": "likelihoods",
    "laplace_sample": "likelihoods",
    "BatchNorm": "layers",
    "Conv2d": "layers",
    "Conv2dTranspose": "layers",
    "Dense": "layers",
    "LayerNorm": "layers",
    "avg_pool2d": "layers",
    "max_pool2d": "layers",
    "upsample2d": "layers",
    "activate": "layers",
    "activation_derivative": "layers",
    "concat_inputs": "layers",
    "dropout": "layers",
    "flatten": "layers",
    "reshape": "layers",
    "DenseStage": "losses",
    "batch_mean": "losses",
    "contractive_penalty": "losses",
    "gan_discriminator_loss": "losses",
    "gan_generator_loss": "losses",
    "gaussian_noise": "losses",
    "iwae_loss": "losses",
    "masking": "losses",
    "salt_pepper": "losses",
    "aggregate_posterior": "regularisers",
    "dimension_wise_kl": "regularisers",
    "half_squared_norm": "regularisers",
    "index_code_mutual_information": "regularisers",
    "mmd_unbiased": "regularisers",
    "permute_dimensions": "regularisers",
    "total_correlation": "regularisers",
    "weight_decay": "regularisers",
    "Forward": "model",
    "GeneratedModel": "model",
    "NonFiniteLoss": "model",
    "Phase": "model",
    "PhaseTerm": "model",
    "WeightSpec": "model",
    "Noise": "noise",
    "NoiseMismatch": "noise",
    "ReplayNoise": "noise",
    "SeededNoise": "noise",
    "FixedGaussianMixturePrior": "mixture_priors",
    "GaussianMixturePrior": "mixture_priors",
    "MixtureParameters": "mixture_priors",
    "PriorWeights": "mixture_priors",
    "into_support": "mixture_priors",
    "learned_mixture": "mixture_priors",
    "mixture_log_prob": "mixture_priors",
    "vamp_mixture": "mixture_priors",
    "enumerated_bound": "enumerate",
    "enumerated_classes": "enumerate",
    "tile_for_classes": "enumerate",
    "CategoricalPrior": "priors",
    "MixtureOfGaussiansPrior": "priors",
    "NormalPrior": "priors",
    "Prior": "priors",
    "SwissRollPrior": "priors",
    "UniformPrior": "priors",
    "Codebook": "quantize",
    "CodebookPrior": "quantize",
    "Quantized": "quantize",
    "code_usage_statistics": "quantize",
    "codebook_kl": "quantize",
    "vector_quantize": "quantize",
    "vq_loss": "quantize",
    "EmaCodebook": "quantize",
    "ema_vq_loss": "quantize",
    "RelaxedCategoricalParameters": "relaxed",
    "categorical_kl_uniform": "relaxed",
    "categorical_mode": "relaxed",
    "gumbel_noise": "relaxed",
    "relaxed_categorical_from_noise": "relaxed",
    "relaxed_categorical_sample": "relaxed",
    "scalar_value": "schedules",
    "layout_fingerprint": "weights",
    "load_weights": "weights",
    "read_weights": "weights",
    "save_weights": "weights",
}

__all__ = sorted(_SOURCES)


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_SOURCES))
