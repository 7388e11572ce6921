#!/usr/bin/env bash
# Build the documentation site (make docs): stage the Markdown pages in the repository's own layout,
# so every relative link resolves as it does on GitHub, then `mkdocs build --strict` (a broken link
# or anchor fails the build).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdocs="${MKDOCS:-$repo/.venv/bin/mkdocs}"
src="$repo/build/docs-src"
rm -rf "$src" && mkdir -p "$src/benchmarks/results"
cp "$repo"/README.md "$repo"/CHANGELOG.md "$repo"/CITATIONS.md "$repo"/LICENSE "$src"/
cp -r "$repo/docs" "$src/docs"
cp "$repo/benchmarks/README.md" "$src/benchmarks/"
cp "$repo"/benchmarks/results/*.png "$src/benchmarks/results/" 2>/dev/null || true
cd "$repo" && "$mkdocs" build --strict --config-file mkdocs.yml
echo "documentation site: $repo/build/site/index.html"
