#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The plug-in's Help, end to end in real GIMP (GUI under Xvfb): GIMP's help system, asked for the
# plug-in's help domain and the procedure's help id (what the dialogs' Help button asks), must
# open the plug-in's own page, not "GIMP user manual is missing". A desktop file stands in for the
# web browser and writes down what it was asked to open. Skips (77) without Xvfb.
#   help_test.sh 2|3 PLUGIN_DIR
set -euo pipefail
V=$1; PLUGDIR=$(realpath "$2")
command -v Xvfb >/dev/null || { echo "help test: no Xvfb (apt-get install xvfb): skipped"; exit 77; }
S=$(mktemp -d)
export HOME=$S/home XDG_CONFIG_HOME=$S/config XDG_CACHE_HOME=$S/cache XDG_DATA_HOME=$S/data
export XDG_DATA_DIRS=$S/data:/usr/share GIMP${V}_DIRECTORY=$S/gimp
mkdir -p "$HOME" "$S/config" "$S/data/applications"
printf '#!/bin/sh\necho "OPENED $1" >> "%s/opened"\n' "$S" > "$S/browser"
chmod +x "$S/browser"
cat > "$S/data/applications/fstack-test-browser.desktop" <<DESK
[Desktop Entry]
Type=Application
Name=fstack test browser
Exec=$S/browser %u
MimeType=text/markdown;text/x-markdown;text/plain;text/html;application/octet-stream;x-scheme-handler/file;
DESK
printf '[Default Applications]\n' > "$S/config/mimeapps.list"
for t in text/markdown text/x-markdown text/plain text/html application/octet-stream x-scheme-handler/file; do
  echo "$t=fstack-test-browser.desktop" >> "$S/config/mimeapps.list"
done
printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n(help-browser web-browser)\n' "$PLUGDIR" > "$S/gimprc"
# A free display of Xvfb's choosing (-displayfd), not a fixed one another X server may hold.
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3> "$S/display" > "$S/xvfb.log" 2>&1 &
XVFB=$!
GIMP_PID=
trap 'kill $GIMP_PID $XVFB 2>/dev/null; rm -rf "$S"' EXIT
for _ in $(seq 100); do [ -s "$S/display" ] && break; sleep 0.1; done
[ -s "$S/display" ] || { echo "help test: Xvfb did not start: $(cat "$S/xvfb.log")"; exit 1; }
export DISPLAY=:$(head -1 "$S/display")
if [ "$V" = 2 ]; then
  gimp-2.10 --new-instance --no-splash --gimprc="$S/gimprc" \
    -b '(gimp-help "fstack-gimp" "plug-in-focus-stack-layers")' > "$S/gimp.log" 2>&1 &
else
  gimp-3.0 --no-splash --gimprc="$S/gimprc" --batch-interpreter=plug-in-script-fu-eval \
    -b '(gimp-help "fstack-gimp" "plug-in-focus-stack-layers")' > "$S/gimp.log" 2>&1 &
fi
GIMP_PID=$!
for _ in $(seq 1 90); do [ -s "$S/opened" ] && break; sleep 1; done
want="OPENED $PLUGDIR/fstack-gimp/help/en/gimp-plugin.md"
if grep -qxF "$want" "$S/opened" 2>/dev/null; then
  echo "help test: GIMP $V opened $PLUGDIR/fstack-gimp/help/en/gimp-plugin.md: passed"
else
  grep -v "theme engine" "$S/gimp.log" | grep -v '^$' | tail -20
  echo "help test: GIMP $V opened '$(cat "$S/opened" 2>/dev/null)', not the plug-in's page: FAILED"; exit 1
fi
