"""Loss maths of Visual-SDPO: pure tensor functions, no trainer state.

Shapes: B = completions in the micro-batch, T = completion positions, V = vocabulary, K = top-k support.
The divergence primitives (`compute_divergence`, `add_tail_bucket`) come from TRL's SDPO so both projects agree
on what "reverse KL" means.
"""

from __future__ import annotations

import torch
from torch.utils.checkpoint import checkpoint
from trl.experimental.sdpo.loss_utils import add_tail_bucket, compute_divergence


# TRL's `compute_divergence(student, teacher, alpha)` is KL(teacher || student) at alpha=0, KL(student || teacher)
# at alpha=1 and the generalised JSD in between.
_DIVERGENCE_ALPHA = {"forward_kl": 0.0, "reverse_kl": 1.0}
_EXCLUDED_LOGIT = -1e4


def divergence_alpha(divergence: str, jsd_beta: float = 0.5) -> float:
    """TRL's interpolation coefficient for a named divergence."""
    if divergence == "jsd":
        return jsd_beta
    if divergence not in _DIVERGENCE_ALPHA:
        raise ValueError(f"Unknown divergence {divergence!r}; choose 'reverse_kl', 'forward_kl' or 'jsd'.")
    return _DIVERGENCE_ALPHA[divergence]


def per_token_divergence(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    divergence: str = "reverse_kl",
    top_k: int | None = None,
    jsd_beta: float = 0.5,
    excluded_ids: torch.Tensor | None = None,
) -> torch.Tensor:
    """Divergence between student and teacher next-token distributions at every position.

    Args:
        student_logits: `(B, T, V)`, carries the gradient.
        teacher_logits: `(B, T, V)`, treated as a constant.
        divergence: `"reverse_kl"` KL(student || teacher), `"forward_kl"` KL(teacher || student) or `"jsd"`.
        top_k: restrict the support to the teacher's `top_k` tokens plus one tail bucket with the remaining mass
            (so `top_k >= V` equals the full-vocabulary divergence). `None` uses the full vocabulary.
        jsd_beta: mixture coefficient for `"jsd"`.
        excluded_ids: `(E,)` token ids left out of both distributions, which are renormalised over the rest (their
            logits get no gradient); `None` keeps the whole vocabulary.

    Returns:
        `(B, T)` float32 divergence per position.
    """
    alpha = divergence_alpha(divergence, jsd_beta)
    student_logits, teacher_logits = student_logits.float(), teacher_logits.detach().float()
    if excluded_ids is not None:
        # A finite floor, not -inf: exp() underflows to exactly 0 and 0 * (floor - floor) stays 0 in every divergence.
        student_logits = student_logits.index_fill(-1, excluded_ids, _EXCLUDED_LOGIT)
        teacher_logits = teacher_logits.index_fill(-1, excluded_ids, _EXCLUDED_LOGIT)
    student_logp = torch.log_softmax(student_logits, dim=-1)
    teacher_logp = torch.log_softmax(teacher_logits, dim=-1)
    if top_k is not None and top_k < student_logits.size(-1):
        index = torch.topk(teacher_logp, k=top_k, dim=-1).indices
        student_logp = add_tail_bucket(torch.gather(student_logp, -1, index))
        teacher_logp = add_tail_bucket(torch.gather(teacher_logp, -1, index))
    return compute_divergence(student_logp, teacher_logp, alpha)


def chunked_per_token_divergence(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    chunk_size: int,
    divergence: str = "reverse_kl",
    top_k: int | None = None,
    jsd_beta: float = 0.5,
    excluded_ids: torch.Tensor | None = None,
) -> torch.Tensor:
    """`per_token_divergence` over chunks of `chunk_size` positions, `(B, T, V)` x2 -> `(B, T)`.

    Each chunk runs under activation checkpointing, so the float32 log-softmax copies of one chunk at a time are
    alive, in the forward and in the backward pass; the result is identical to the unchunked call.
    """
    chunks = []
    for start in range(0, student_logits.size(1), chunk_size):
        s = student_logits[:, start : start + chunk_size]
        t = teacher_logits[:, start : start + chunk_size]
        if s.requires_grad:
            chunks.append(
                checkpoint(per_token_divergence, s, t, divergence, top_k, jsd_beta, excluded_ids, use_reentrant=False)
            )
        else:
            chunks.append(per_token_divergence(s, t, divergence, top_k, jsd_beta, excluded_ids))
    return torch.cat(chunks, dim=1)


def weighted_masked_mean(
    per_token: torch.Tensor,
    weights: torch.Tensor,
    mask: torch.Tensor,
    num_tokens: torch.Tensor | float | None = None,
) -> torch.Tensor:
    """Credit-weighted mean of a per-token loss over the unmasked tokens.

    Args:
        per_token: `(B, T)` loss per token.
        weights: `(B, T)` credit weights (1 = plain token, 1 + alpha * IoU = credited token).
        mask: `(B, T)` 1 for tokens that count, 0 for padding or skipped rollouts.
        num_tokens: scalar to divide by; `None` counts the unmasked tokens of this batch. The trainer passes the
            token count of the whole generation batch, shared out over the accumulation window (as TRL's default
            `loss_type="dapo"` does), so that micro-batches of unequal lengths add up to exactly the full batch's
            mean under gradient accumulation.

    Returns:
        Scalar `sum(w * l * m) / num_tokens`. Dividing by the token count, not by the weights, is what lets the credit
        weights amplify the loss on credited tokens instead of merely redistributing it.
    """
    mask = mask.to(per_token.dtype)
    denominator = mask.sum() if num_tokens is None else torch.as_tensor(num_tokens, dtype=per_token.dtype,
                                                                           device=per_token.device)
    return (per_token * weights.to(per_token.dtype) * mask).sum() / denominator.clamp(min=1.0)
