import pytest


@pytest.fixture(scope="session")
def smol_tokenizer():
    """The real SmolLM2 tokenizer, from the embedded default model's cache (built on first use)."""
    return tiny_text_pair()[1]


def tiny_text_pair():
    from tiny_models import tiny_text_model

    return tiny_text_model(seed=0)


@pytest.fixture
def tiny_text():
    """A fresh tiny random Qwen2 model with the SmolLM2 vocabulary and chat template, and its tokenizer."""
    return tiny_text_pair()


@pytest.fixture
def tiny_vlm():
    """A fresh tiny random LLaVA and its processor (image parts in the chat template)."""
    from tiny_models import tiny_vlm

    return tiny_vlm(seed=0)
