#!/usr/bin/env bash
# Run the reference benchmark: every BBC News 2004 article, both targets (configs/bbc.yaml).
# Needs the shared corpus at ../shared/corpora/bbc-news-2004/articles.jsonl (see configs/bbc.yaml).
# Extra arguments go to `bench run`, e.g. --limit 100 or --quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench run configs/bbc.yaml "$@"
