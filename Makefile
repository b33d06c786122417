# The two commands of the README: `make demo` (CPU chart-training demo) and `make test`.
PYTHON ?= python3
# The demo's starting point: recipes/sft_chart.py builds it on the first run (~1 h on 2 cores), later runs reuse it.
WARM_START ?= outputs/sft-chart-revise
# transformers' continuous batching with a bounded paged cache: the fastest CPU generation measured by
# benchmarks/generation_speed.py (text models only, hence not in the packaged config, which GPU VLM runs share).
FAST_GENERATION = --use_transformers_continuous_batching true \
	--transformers_continuous_batching_config '{"num_blocks": 128, "block_size": 64, "max_batch_tokens": 512}'

.PHONY: install demo test

install:
	PYTHON=$(PYTHON) bash scripts/install.sh

$(WARM_START)/metrics.json:
	OMP_NUM_THREADS=1 $(PYTHON) recipes/sft_chart.py --config recipes/sft_chart.yaml --output_dir $(WARM_START) \
		--results_file ""

demo: install $(WARM_START)/metrics.json
	$(PYTHON) -m accelerate.commands.launch --num_processes 1 --cpu recipes/chart.py --config recipes/chart.yaml \
		--model_name_or_path $(WARM_START) $(FAST_GENERATION)

test: install
	$(PYTHON) -m pytest -q -p no:cacheprovider
