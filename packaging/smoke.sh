#!/usr/bin/env bash
# Smoke test of the built Linux artefacts (run after `python packaging/build.py`).
#
#   packaging/smoke.sh [--tar FILE] [--deb FILE] [--bench]
#
# For each artefact: install it (unpack the tar / dpkg -i the .deb), run both programs'
# --smoke-test under `env -i` (a fresh HOME, PATH=/usr/bin:/bin, no display), the CLI's
# `doctor` and a `chat` with the bundled model, then open the window under Xvfb, type a
# message with xdotool, and save a screenshot to build/smoke/. The .deb is removed with
# `dpkg -r` and checked gone. --bench times window start (launch → window mapped), the
# bundle against the project's venv, median of three.
# Needs: Xvfb, openbox, xdotool, ImageMagick's `import`; root for the .deb.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml" | head -1)"
TAR="$REPO/dist/aigc-desktop-$VERSION-linux-$(uname -m).tar.gz"
DEB="$REPO/dist/aigc-desktop_${VERSION}_$(dpkg --print-architecture 2>/dev/null || echo amd64).deb"
OUT="$REPO/build/smoke"
BENCH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tar) TAR="$2"; shift 2 ;;
    --deb) DEB="$2"; shift 2 ;;
    --bench) BENCH=1; shift ;;
    *) echo "usage: $0 [--tar FILE] [--deb FILE] [--bench]" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
WORK="$(mktemp -d)"
XPID=""
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# A clean environment: nothing of the build's Python, a HOME of its own.
clean_env() {  # clean_env HOME cmd...
  local home="$1"; shift
  env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"
}

headless_checks() {  # headless_checks GUI CLI NAME
  local gui="$1" cli="$2" name="$3" home="$WORK/home-$3"
  mkdir -p "$home"
  step "$name: window --smoke-test (offscreen, env -i)"
  clean_env "$home" "$gui" --smoke-test || fail "$name: window smoke test"
  step "$name: CLI --smoke-test (env -i)"
  clean_env "$home" "$cli" --smoke-test || fail "$name: CLI smoke test"
  step "$name: CLI doctor"
  clean_env "$home" "$cli" doctor || fail "$name: doctor"
  step "$name: CLI chat with the bundled model"
  local reply
  reply="$(clean_env "$home" "$cli" chat "Name one colour." --max-tokens 16 --seed 1)" || fail "$name: chat"
  [ -n "$reply" ] || fail "$name: chat printed no reply"
  echo "reply: $reply"
  # The exports read package data at run time (fpdf2 and the bundled CJK font, python-docx's
  # template), so a file missing from the bundle shows here.
  step "$name: export to PDF and Word (a Chinese message)"
  clean_env "$home" "$cli" chat "你好，请用一句话介绍你自己。" --max-tokens 8 --seed 1 >/dev/null || fail "$name: chat in Chinese"
  for format in pdf docx html; do
    clean_env "$home" "$cli" export --all --format "$format" -o "$WORK/export-$name-$format" || fail "$name: export $format"
    [ -n "$(ls -A "$WORK/export-$name-$format")" ] || fail "$name: export $format wrote nothing"
  done
  echo "exported: $(ls "$WORK/export-$name-pdf" | wc -l) PDF files"
}

start_x() {
  export DISPLAY=":$((90 + RANDOM % 9))"
  Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  XPID=$!
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  openbox >/dev/null 2>&1 &
  sleep 0.5
}

window_check() {  # window_check GUI NAME: open, chat once through the window, screenshot, close
  local gui="$1" name="$2" home="$WORK/home-$2-x"
  mkdir -p "$home"
  step "$name: window under Xvfb"
  env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 DISPLAY="$DISPLAY" "$gui" &
  local pid=$!
  local wid
  wid="$(timeout 60 xdotool search --sync --onlyvisible --name 'AIGC Desktop' | head -1)" || fail "$name: no window"
  sleep 4  # the runtime and the starter model load behind the shown window
  xdotool windowactivate --sync "$wid" 2>/dev/null || true
  xdotool type --delay 20 "Hello! Who are you?"
  xdotool key Return
  # Wait for the reply to be saved as done (read through the CLI beside the window), then
  # a moment for the window to paint it.
  local cli="$(dirname "$gui")/aigc-desktop-cli"
  for _ in $(seq 120); do
    env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$cli" show 1 --json 2>/dev/null \
      | tr -d '\n ' | grep -q '"role":"assistant"[^}]*"status":"done"' && break
    sleep 0.5
  done
  sleep 1
  import -window root "$OUT/$name-window.png"
  echo "screenshot: $OUT/$name-window.png"
  kill -TERM "$pid"
  wait "$pid" || fail "$name: the window did not close cleanly on SIGTERM"
}

time_to_window() {  # time_to_window CMD...: seconds from launch to the main window mapped
  local home; home="$(mktemp -d "$WORK/bench-XXXX")"
  local t0 t1
  t0=$(date +%s.%N)
  env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 DISPLAY="$DISPLAY" "$@" >/dev/null 2>&1 &
  local pid=$!
  # Poll every 20 ms: `xdotool search --sync` polls every 0.5 s, which rounded every figure
  # to a multiple of half a second.
  local deadline=$(( $(date +%s) + 60 ))
  until xdotool search --onlyvisible --name 'AIGC Desktop' >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.02
  done
  t1=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  echo "$t1 - $t0" | bc
}

median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

start_x

if [ -f "$TAR" ]; then
  step "tar: unpack $(basename "$TAR")"
  mkdir -p "$WORK/tar"
  tar -xzf "$TAR" -C "$WORK/tar"
  DIR="$(echo "$WORK"/tar/aigc-desktop-*)"
  echo "unpacked: $(du -sh "$DIR" | cut -f1)"
  headless_checks "$DIR/aigc-desktop" "$DIR/aigc-desktop-cli" tar
  window_check "$DIR/aigc-desktop" tar
  if [ "$BENCH" = 1 ]; then
    step "bench: launch → window mapped (warm cache, median of 3)"
    b=(); v=()
    for _ in 1 2 3; do b+=("$(time_to_window "$DIR/aigc-desktop")"); v+=("$(time_to_window "$REPO/.venv/bin/aigc-desktop")"); done
    mb="$(median3 "${b[@]}")"; mv="$(median3 "${v[@]}")"
    echo "bundle: ${b[*]} s (median $mb)"; echo "venv:   ${v[*]} s (median $mv)"
    echo "bundle / venv = $(echo "scale=2; $mb / $mv" | bc)"
  fi
else
  echo "no $TAR: skipped"
fi

if [ -f "$DEB" ]; then
  step "deb: dpkg -i $(basename "$DEB")"
  dpkg -i "$DEB" >/dev/null || fail "dpkg -i"
  [ -x /usr/bin/aigc-desktop ] && [ -x /usr/bin/aigc-desktop-cli ] || fail "launchers not on PATH"
  [ -f /usr/share/applications/aigc-desktop.desktop ] || fail "no .desktop entry"
  [ -f /usr/share/icons/hicolor/256x256/apps/aigc-desktop.png ] || fail "no icon"
  echo "installed: $(du -sh /opt/aigc-desktop | cut -f1)"
  headless_checks aigc-desktop aigc-desktop-cli deb
  window_check /usr/bin/aigc-desktop deb
  step "deb: dpkg -r"
  dpkg -r aigc-desktop >/dev/null || fail "dpkg -r"
  [ ! -e /opt/aigc-desktop ] && [ ! -e /usr/bin/aigc-desktop ] && [ ! -e /usr/share/applications/aigc-desktop.desktop ] \
    || fail "files left after dpkg -r"
else
  echo "no $DEB: skipped"
fi
echo "SMOKE OK"
