#!/usr/bin/env bash
# GPU generation speed, the figures of issue 4: the harness against plain `generate` (one article per call,
# and the anchor's sorted batches of 64) for a BART-large-shaped and a gemma-3-270m-shaped model with random
# bf16 weights, BBC input lengths, generation length pinned — the setting of ../shared/perf/gpu_anchor.py.
#
#   bash scripts/bench_generation_gpu.sh [OUT_DIR] [WORD_COUNTS_JSON]
#
# Writes OUT_DIR/gpu_generation.jsonl (one JSON line per measurement). Without WORD_COUNTS_JSON the word
# counts come from ../shared/corpora/bbc-news-2004/articles.jsonl. Each model gets its own time limit
# (GEMMA_S, BART_S seconds) so one slow compile cannot eat the other's measurements.
set -u
cd "$(dirname "$0")/.."
out_dir=${1:-results/gpu}
counts=${2:-}
mkdir -p "$out_dir"
out="$out_dir/gpu_generation.jsonl"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
common=(--device cuda --articles 512 --max-input-tokens 1000 --baseline-articles 4 --plain-batch-size 64
        --repeat-plain --out "$out")
[ -n "$counts" ] && common+=(--word-counts "$counts")
static=cache=static,compile=true

echo "== gemma3-270m shape, 24 new tokens ($(date +%T))"
timeout "${GEMMA_S:-270}" python scripts/bench_generation.py --shape gemma3-270m --new-tokens 24 "${common[@]}" \
  --variant batch_size=64 --variant batch_size=512,token_budget=262144 \
  --variant batch_size=64,$static --variant batch_size=256,$static --variant batch_size=512,$static
echo "== bart-large shape, 60 new tokens ($(date +%T))"
timeout "${BART_S:-200}" python scripts/bench_generation.py --shape bart-large --new-tokens 60 "${common[@]}" \
  --variant batch_size=64 --variant batch_size=512,token_budget=262144 \
  --variant batch_size=64,$static,pad_to_multiple_of=1024 --variant batch_size=256,$static,pad_to_multiple_of=1024 \
  --variant batch_size=512,$static,pad_to_multiple_of=1024
echo "== done ($(date +%T))"
