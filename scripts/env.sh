# Sourced by the scripts: puts the pinned tools first on PATH (wasm-opt from npm's binaryen).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
