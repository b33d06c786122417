# The two commands of the README: `make demo` (CPU chart-training demo) and `make test`.
PYTHON ?= python3

.PHONY: install demo test

install:
	PYTHON=$(PYTHON) bash scripts/install.sh

demo: install
	$(PYTHON) -m accelerate.commands.launch --num_processes 1 --cpu recipes/chart.py --config recipes/chart.yaml

test: install
	$(PYTHON) -m pytest -q -p no:cacheprovider
