#!/usr/bin/env bash
# macOS: the .app from PyInstaller's BUNDLE step in a .dmg. NOT built or run on the machine
# it was written on: the release workflow (.github/workflows/release.yml) runs it on macOS.
#
#   python packaging/build.py --target bundle   -> build/bundle/AIGC Desktop.app
#   packaging/macos/make_dmg.sh                 -> dist/aigc-desktop-<version>-macos-<arch>.dmg
#
# The app is not signed or notarized: Gatekeeper asks the person to open it with
# right-click → Open the first time. Signing needs a Developer ID (codesign, notarytool).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml" | head -1)"
APP="$REPO/build/bundle/AIGC Desktop.app"
[ -d "$APP" ] || { echo "no $APP: run python packaging/build.py --target bundle first" >&2; exit 1; }
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag-to-install
mkdir -p "$REPO/dist"
OUT="$REPO/dist/aigc-desktop-$VERSION-macos-$(uname -m).dmg"
rm -f "$OUT"
hdiutil create -volname "AIGC Desktop" -srcfolder "$STAGE" -ov -format UDZO "$OUT"
echo "$OUT"
