#!/usr/bin/env bash
# Rebuilds the committed sample binaries from their sources.
#
#   samples/build.sh           rebuild samples/*/*.wasm in place
#   samples/build.sh --check   rebuild in a temp dir; exit 1 naming any
#                              committed output that differs (is stale)
#
# Builds are deterministic: fixed flags, a fixed source order, no paths or
# times in the output, so the same toolchain gives the same bytes and
# --check can run in CI. Needs clang + lld + wasi-libc for wasm32-wasi and the
# repository's node_modules (npm install). Works from any directory.
set -euo pipefail

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$SAMPLES_DIR")"
CLANG="${CLANG:-clang}"

# Committed outputs, relative to samples/.
OUTPUTS=(busybox/busybox.wasm busybox/busybox.component.wasm kubia/kubia.wasm)

# Glob order decides link order, and link order the bytes.
export LC_ALL=C

usage() {
  echo "usage: samples/build.sh [--check]" >&2
  exit 2
}

die() {
  echo "samples/build.sh: $*" >&2
  exit 1
}

CHECK=0
case "${1:-}" in
  "") ;;
  --check) CHECK=1 ;;
  -h | --help) usage ;;
  *) usage ;;
esac
[ $# -le 1 ] || usage

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/skiff-samples.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

# WASI_SYSROOT points clang at a wasi-libc outside its default search path
# (e.g. a wasi-sdk install); Debian's packages need none.
SYSROOT_FLAGS=()
if [ -n "${WASI_SYSROOT:-}" ]; then SYSROOT_FLAGS=(--sysroot="$WASI_SYSROOT"); fi

# node_modules/.bin must not be on PATH: clang runs any wasm-opt it finds there
# after linking, which changes the bytes (npm and tap put it first on PATH).
PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/' | paste -sd: -)"
export PATH

# --stack-first puts the shadow stack below the data, so a stack overflow traps
# (an out-of-bounds access below address 0) instead of overwriting globals.
# -ffile-prefix-map keeps the checkout's path out of anything that records
# it (__FILE__ in assertions, debug info); --strip-all drops names and debug
# sections. No --max-memory: the runtime imposes the pod's memory limit.
CFLAGS=(
  --target=wasm32-wasi ${SYSROOT_FLAGS[@]+"${SYSROOT_FLAGS[@]}"}
  -O2 -std=gnu17 -Wall -Wextra -Wpedantic
  -ffile-prefix-map="$SAMPLES_DIR"=samples
  -Wl,--strip-all -Wl,--stack-first
)

check_toolchain() {
  command -v "$CLANG" >/dev/null 2>&1 ||
    die "clang not found (set CLANG, or on Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32)"
  printf 'int main(void) { return 0; }\n' >"$WORK_DIR/probe.c"
  if ! "$CLANG" "${CFLAGS[@]}" -o "$WORK_DIR/probe.wasm" "$WORK_DIR/probe.c" 2>"$WORK_DIR/probe.log"; then
    sed 's/^/  /' "$WORK_DIR/probe.log" >&2
    die "$CLANG cannot build for wasm32-wasi: the WASI sysroot (wasi-libc), wasm-ld (lld) or the wasm32 compiler-rt is missing (Debian: apt-get install lld wasi-libc libclang-rt-dev-wasm32; or set WASI_SYSROOT)"
  fi
  command -v node >/dev/null 2>&1 || die "node not found"
  [ -d "$REPO_DIR/node_modules/@bytecodealliance/jco" ] &&
    [ -d "$REPO_DIR/node_modules/@bytecodealliance/jco-transpile" ] ||
    die "node_modules is missing jco: run 'npm install' in $REPO_DIR"
}

componentize() {
  node "$SAMPLES_DIR/tools/componentize.mjs" "$@"
}

# busybox: a WASI preview 1 command module, and the same code as a WASI 0.2
# command component (wasi:cli/run through the preview1 command adapter).
build_busybox() {
  local out="$1/busybox"
  mkdir -p "$out"
  "$CLANG" "${CFLAGS[@]}" -o "$out/busybox.wasm" \
    "$SAMPLES_DIR"/busybox/src/*.c "$SAMPLES_DIR"/busybox/src/applets/*.c
  componentize --adapter command "$out/busybox.wasm" "$out/busybox.component.wasm"
}

# kubia: a preview 1 reactor with a wasi:http export, made a component.
build_kubia() {
  local out="$1/kubia"
  mkdir -p "$out"
  "$CLANG" "${CFLAGS[@]}" -mexec-model=reactor -o "$WORK_DIR/kubia.core.wasm" \
    "$SAMPLES_DIR"/kubia/src/*.c
  componentize --adapter reactor --wit "$SAMPLES_DIR/kubia/wit" --world kubia \
    "$WORK_DIR/kubia.core.wasm" "$out/kubia.wasm"
}

check_toolchain
BUILD_DIR="$WORK_DIR/out"
build_busybox "$BUILD_DIR"
build_kubia "$BUILD_DIR"

if [ "$CHECK" = 1 ]; then
  stale=0
  for output in "${OUTPUTS[@]}"; do
    if ! cmp -s "$BUILD_DIR/$output" "$SAMPLES_DIR/$output"; then
      echo "samples/build.sh: samples/$output is stale: it differs from a build of its sources" >&2
      stale=1
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "samples/build.sh: run samples/build.sh and commit the result" >&2
    exit 1
  fi
  echo "samples: all ${#OUTPUTS[@]} outputs match their sources"
  exit 0
fi

for output in "${OUTPUTS[@]}"; do
  cp "$BUILD_DIR/$output" "$SAMPLES_DIR/$output"
  printf '%-40s %8d bytes\n' "samples/$output" "$(wc -c <"$SAMPLES_DIR/$output")"
done
