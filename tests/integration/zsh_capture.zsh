#!/usr/bin/env zsh
# zsh_capture.zsh SCRIPT LINE: the matches zsh's own completion system offers at the end of LINE,
# with SCRIPT loaded, one per line. It runs an interactive zsh in a pseudo-terminal (zpty),
# types LINE and a Tab, and prints what reached compadd. Run it under `timeout`.
zmodload zsh/zpty || exit 1
script=$1 line=$2
setup=$(mktemp "${TMPDIR:-/tmp}/zsh-capture.XXXXXX")
cat >"$setup" <<'SETUP'
PROMPT=
autoload -U compinit && compinit -u -d "$1"
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"; local h
  for h in $hits; do print -r -- "@@match@@$h"; done
}
__capture_done() { print -r -- '@@end@@'; exit }
comppostfuncs=(__capture_done)
source "$2"
SETUP
zpty z zsh -f -i
zpty -w z "source ${(q)setup} ${(q)setup}.dump ${(q)script}"
zpty -n -w z "$line"$'\t'
local out
zpty -r z out $'*@@end@@*' || { print -r -- "$out" >&2; exit 1; }
zpty -d z
rm -f "$setup" "$setup.dump"
for l in ${(f)out}; do
  # the first report follows the echoed line on the same row
  [[ $l == *@@match@@* ]] && print -r -- "${${l#*@@match@@}%%$'\r'*}"
done
