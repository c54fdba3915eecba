# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by screenshot2.sh and screenshot3.sh: a throwaway GIMP profile with a synthetic stack,
# an Xvfb display for GIMP's GUI, and a screenshot of the plug-in's dialog once GIMP has opened
# it. The caller sets GIMP_PID after starting GIMP in the background.
#   gimp_sandbox 2|3 PLUGIN_DIR TEST_TOOL   -> SANDBOX (removed on exit), frames in $SANDBOX/data,
#                                              $SANDBOX/gimprc with the plug-in on plug-in-path
#   single_window W H            single-window mode, the window W x H (gimprc and sessionrc)
#   start_xvfb NUMBER            e.g. start_xvfb 77 -> DISPLAY=:77
#   grab_dialog TITLE OUT.png    waits up to 120 s for the window, then writes OUT.png
#   grab_screen TEXT OUT.png     waits up to 120 s for a window whose title has TEXT, then
#                                writes the whole screen (GIMP's single window) to OUT.png
GIMP_PID=
gimp_sandbox() {
  SANDBOX=$(mktemp -d)
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
  export GIMP$1_DIRECTORY=$SANDBOX/gimp$1
  mkdir -p "$HOME" "$SANDBOX/data"
  "$3" make "$SANDBOX/data"
  printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n' "$2" > "$SANDBOX/gimprc"
}
single_window() {
  echo '(single-window-mode yes)' >> "$SANDBOX/gimprc"
  local dir=${GIMP2_DIRECTORY:-$GIMP3_DIRECTORY} v=${GIMP2_DIRECTORY:+2.0}
  mkdir -p "$dir"
  # GIMP's own session (docks and all), with the single window moved and resized.
  sed '/"gimp-single-image-window"/,/right-docks-width/{s/(position [0-9]* [0-9]*)/(position 0 0)/;s/(size [0-9]* [0-9]*)/(size '"$1 $2"')/;s/(right-docks-width "[0-9]*")/(right-docks-width "380")/}' \
    "/etc/gimp/${v:-3.0}/sessionrc" > "$dir/sessionrc"
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
grab_screen() {
  local text=$1 out=$2
  for _ in $(seq 1 120); do
    xwininfo -root -tree 2>/dev/null | grep -qF -- "$text" && break
    sleep 1
  done
  xwininfo -root -tree 2>/dev/null | grep -qF -- "$text" || { cat "$SANDBOX/gimp.log"; echo "no window '$text'"; exit 1; }
  sleep 8   # let GIMP draw the canvas, the layers and their thumbnails
  mkdir -p "$(dirname "$out")"
  xwd -silent -root | xwdtopnm 2>/dev/null | pnmcrop -black 2>/dev/null | pnmtopng > "$out"
  echo "screenshot: $out ($(stat -c %s "$out") bytes)"
}
