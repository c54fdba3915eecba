# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by screenshot2.sh and screenshot3.sh: a throwaway GIMP profile with a synthetic stack,
# an Xvfb display for GIMP's GUI, and a screenshot of the plug-in's dialog once GIMP has opened
# it. The caller sets GIMP_PID after starting GIMP in the background.
#   gimp_sandbox 2|3 PLUGIN_DIR TEST_TOOL   -> SANDBOX (removed on exit), frames in $SANDBOX/data,
#                                              $SANDBOX/gimprc with the plug-in on plug-in-path
#   start_xvfb NUMBER            e.g. start_xvfb 77 -> DISPLAY=:77
#   grab_dialog TITLE OUT.png    waits up to 120 s for the window, then writes OUT.png
GIMP_PID=
gimp_sandbox() {
  SANDBOX=$(mktemp -d)
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
  export GIMP$1_DIRECTORY=$SANDBOX/gimp$1
  mkdir -p "$HOME" "$SANDBOX/data"
  "$3" make "$SANDBOX/data"
  printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n' "$2" > "$SANDBOX/gimprc"
}
start_xvfb() {
  Xvfb ":$1" -screen 0 1400x1000x24 -nolisten tcp > "$SANDBOX/xvfb.log" 2>&1 &
  XVFB=$!
  trap 'cleanup_xvfb' EXIT
  export DISPLAY=":$1"
  sleep 2
}
cleanup_xvfb() {
  [ -n "$GIMP_PID" ] && kill "$GIMP_PID" 2>/dev/null
  kill "$XVFB" 2>/dev/null
  rm -rf "$SANDBOX"
}
grab_dialog() {
  local title=$1 out=$2
  for _ in $(seq 1 120); do
    xwininfo -name "$title" >/dev/null 2>&1 && break
    sleep 1
  done
  xwininfo -name "$title" >/dev/null 2>&1 || { cat "$SANDBOX/gimp.log"; echo "no dialog window"; exit 1; }
  sleep 3   # let it draw
  mkdir -p "$(dirname "$out")"
  xwd -silent -name "$title" | xwdtopnm 2>/dev/null | pnmtopng > "$out"
  echo "screenshot: $out ($(stat -c %s "$out") bytes)"
}
