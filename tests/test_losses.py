import math

import pytest
import torch

from trl_visual_sdpo.losses import chunked_per_token_divergence, per_token_divergence, weighted_masked_mean


def _hand_kl(p, q):
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))


def test_divergences_match_hand_computed_case():
    student_p = [0.7, 0.2, 0.1]
    teacher_p = [0.2, 0.5, 0.3]
    student = torch.log(torch.tensor([[student_p]]))  # logits whose softmax is student_p
    teacher = torch.log(torch.tensor([[teacher_p]]))
    reverse = per_token_divergence(student, teacher, "reverse_kl")
    forward = per_token_divergence(student, teacher, "forward_kl")
    jsd = per_token_divergence(student, teacher, "jsd", jsd_beta=0.5)
    assert reverse.shape == (1, 1)
    assert reverse.item() == pytest.approx(_hand_kl(student_p, teacher_p), rel=1e-5)
    assert forward.item() == pytest.approx(_hand_kl(teacher_p, student_p), rel=1e-5)
    mix = [(a + b) / 2 for a, b in zip(student_p, teacher_p)]
    assert jsd.item() == pytest.approx(0.5 * _hand_kl(student_p, mix) + 0.5 * _hand_kl(teacher_p, mix), rel=1e-5)


def test_divergence_is_zero_for_identical_distributions():
    logits = torch.randn(2, 5, 11)
    for name in ("reverse_kl", "forward_kl", "jsd"):
        assert per_token_divergence(logits, logits.clone(), name).abs().max().item() < 1e-6


def test_top_k_equals_full_vocabulary_when_k_is_vocab_size():
    torch.manual_seed(0)
    student, teacher = torch.randn(2, 4, 9), torch.randn(2, 4, 9)
    for name in ("reverse_kl", "forward_kl", "jsd"):
        full = per_token_divergence(student, teacher, name)
        assert torch.allclose(per_token_divergence(student, teacher, name, top_k=9), full, atol=1e-6)
        assert torch.allclose(per_token_divergence(student, teacher, name, top_k=100), full, atol=1e-6)


def test_top_k_keeps_the_teachers_top_tokens_and_a_tail():
    torch.manual_seed(1)
    student, teacher = torch.randn(1, 3, 50), torch.randn(1, 3, 50)
    approx = per_token_divergence(student, teacher, "reverse_kl", top_k=8)
    full = per_token_divergence(student, teacher, "reverse_kl")
    assert approx.shape == full.shape
    assert (approx >= -1e-6).all()
    # The tail bucket lumps the remaining mass, so the approximation never exceeds the full divergence.
    assert (approx <= full + 1e-5).all()


def test_chunked_divergence_equals_unchunked_in_value_and_gradient():
    torch.manual_seed(2)
    student = torch.randn(2, 7, 13, requires_grad=True)
    teacher = torch.randn(2, 7, 13)
    weights = torch.rand(2, 7) + 1
    mask = torch.ones(2, 7)
    mask[1, 5:] = 0
    full = weighted_masked_mean(per_token_divergence(student, teacher), weights, mask)
    (grad_full,) = torch.autograd.grad(full, student)
    chunked = weighted_masked_mean(chunked_per_token_divergence(student, teacher, chunk_size=3), weights, mask)
    (grad_chunked,) = torch.autograd.grad(chunked, student)
    assert chunked.item() == pytest.approx(full.item(), rel=1e-6)
    assert torch.allclose(grad_chunked, grad_full, atol=1e-7)


def test_teacher_gets_no_gradient():
    student = torch.randn(1, 4, 6, requires_grad=True)
    teacher = torch.randn(1, 4, 6, requires_grad=True)
    per_token_divergence(student, teacher).sum().backward()
    assert teacher.grad is None and student.grad is not None


def test_weighted_masked_mean_divides_by_token_count():
    per_token = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    weights = torch.tensor([[1.0, 3.0, 1.0], [1.0, 1.0, 1.0]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    # (1*1 + 2*3 + 4*1) / 3 tokens
    assert weighted_masked_mean(per_token, weights, mask).item() == pytest.approx(11 / 3)
    assert weighted_masked_mean(per_token, weights, torch.zeros_like(mask)).item() == 0.0


def test_excluded_tokens_leave_both_distributions_renormalised_over_the_rest():
    torch.manual_seed(3)
    student = torch.randn(2, 4, 12, requires_grad=True)
    teacher = torch.randn(2, 4, 12)
    excluded = torch.tensor([0, 5, 11])
    kept = torch.tensor([i for i in range(12) if i not in (0, 5, 11)])
    for name in ("reverse_kl", "forward_kl", "jsd"):
        neutral = per_token_divergence(student, teacher, name, excluded_ids=excluded)
        on_the_rest = per_token_divergence(student[..., kept], teacher[..., kept], name)
        assert torch.allclose(neutral, on_the_rest, atol=1e-6), name
        assert not torch.allclose(neutral, per_token_divergence(student, teacher, name))
        (grad,) = torch.autograd.grad(neutral.sum(), student)
        assert grad[..., excluded].eq(0).all() and grad[..., kept].abs().sum() > 0  # stopping gets no gradient
    chunked = chunked_per_token_divergence(student, teacher, chunk_size=3, excluded_ids=excluded)
    assert torch.allclose(chunked, per_token_divergence(student, teacher, excluded_ids=excluded), atol=1e-6)
