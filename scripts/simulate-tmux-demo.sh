#!/usr/bin/env bash
# Drives the `fcb simulate` REPL in a real terminal (tmux): readline prompt, colours, list
# rendering, /vars, /advance, /node and /quit. After each step the new part of the pane is
# captured; the whole session is written to docs/simulate-session.txt (committed).
#
# Usage: scripts/simulate-tmux-demo.sh [OUTPUT]      (FCB=path/to/fcb to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/simulate-session.txt}"

if ! command -v tmux >/dev/null 2>&1; then
    apt-get install -y tmux >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y tmux >/dev/null)
fi
if [ -z "${FCB:-}" ]; then
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
    swift build --product fcb >/dev/null
    FCB="$(swift build --show-bin-path)/fcb"
fi

session="fcb-simulate-demo-$$"
history="$(mktemp)"
capture="$(mktemp)"
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -f "$history" "$capture"
}
trap cleanup EXIT

# A fixed-size terminal, a throwaway history file, and TERM so readline and colours are on.
tmux new-session -d -s "$session" -x 110 -y 45 \
    "env TERM=xterm-256color '$FCB' simulate examples/flows/soporte-menu.json --history-file '$history'"
tmux set-option -t "$session" remain-on-exit on >/dev/null
tmux set-option -t "$session" history-limit 5000 >/dev/null

# The whole scrollback of the pane, without trailing blank lines.
# (-J joins lines the terminal wrapped; tmux's own "Pane is dead (…date…)" line is dropped.)
pane() {
    tmux capture-pane -p -J -t "$session" -S - -E - | grep -v '^Pane is dead' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# Waits until the pane stops changing (the REPL answered and printed its next prompt).
settle() {
    local previous="" current
    for _ in $(seq 1 100); do
        sleep 0.2
        current="$(pane)"
        if [ "$current" = "$previous" ] && [ -n "$current" ]; then return 0; fi
        previous="$current"
    done
    echo "the REPL did not settle" >&2
    return 1
}

printed=0
# Appends the lines that appeared since the previous step. The last line (the empty prompt) is
# left for the next step, where it shows what was typed.
record_step() {
    local title="$1" last="${2:-}" all
    all="$(pane)"
    {
        printf '──── %s ' "$title"
        printf '─%.0s' $(seq 1 $((90 - ${#title})))
        printf '\n'
        if [ -n "$last" ]; then
            printf '%s\n' "$all" | tail -n +$((printed + 1))
        else
            printf '%s\n' "$all" | tail -n +$((printed + 1)) | head -n -1
        fi
    } >>"$capture"
    printed=$(($(printf '%s\n' "$all" | wc -l) - 1))
}

settle
record_step "started: fcb simulate examples/flows/soporte-menu.json"
for input in "soporte" "2" "/vars" "/advance 1h" "/node" "/quit"; do
    tmux send-keys -t "$session" -l "$input"
    tmux send-keys -t "$session" Enter
    settle
    record_step "typed: $input" "$([ "$input" = /quit ] && echo last)"
done

status=""
for _ in $(seq 1 50); do
    status="$(tmux display-message -p -t "$session" '#{pane_dead} #{pane_dead_status}')"
    [ "${status#* }" != "" ] && break
    sleep 0.1
done
{
    echo "# fcb simulate — a real terminal session, driven by scripts/simulate-tmux-demo.sh"
    echo "# (tmux 110x45, GNU readline on; the pane is captured after each step; colours stripped by tmux)"
    echo
    cat "$capture"
    echo "──── pane after /quit: dead=${status% *} exit status=${status#* }"
} >"$out"
echo "wrote $out"
[ "$status" = "1 0" ]
