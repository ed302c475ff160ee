#!/usr/bin/env bash
# Run the default benchmark (bundled sample article, both targets) and print the ROUGE table.
# Extra arguments go to `bench run`, e.g. --no-cache or --output /tmp/results.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench run configs/default.yaml "$@"
