# Prints the candidates zsh's completion system offers for a command line, one per line ("value -- description").
# Usage: zsh -f zsh-capture.zsh <completion script> <command line>
# It starts an interactive zsh in a pseudo-terminal (zpty), loads compinit and the script, replaces compadd with a
# version that prints what would be offered, presses TAB after the command line and reads the printed lines
# between two NUL markers. Based on the approach of Valodim/zsh-capture-completion.
zmodload zsh/zpty || { print -u2 'zsh/zpty is missing'; exit 1 }
script=$1
line=$2
setup=$(mktemp)
cat > $setup <<SETUP
PROMPT=
autoload -U compinit
compinit -u -D
source ${(q)script}
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
null-line () { echo -E - \$'\\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
    builtin compadd "\$@"
    return \$?
  fi
  typeset -a __hits __dscr __tmp
  if (( \$@[(I)-d] )); then
    __tmp=\${@[\$[\${@[(i)-d]}+1]]}
    if [[ \$__tmp == \\(* ]]; then
      eval "__dscr=\$__tmp"
    else
      __dscr=( "\${(@P)__tmp}" )
    fi
  fi
  builtin compadd -A __hits -D __dscr "\$@"
  [[ -n \$__hits ]] || return
  local i
  for i in {1..\$#__hits}; do
    if (( \$#__dscr >= i )); then
      echo -E - "\$__hits[\$i] -- \${\${__dscr[\$i]}##\$__hits[\$i] #}"
    else
      echo -E - "\$__hits[\$i]"
    fi
  done
}
echo capture-ready
SETUP
zpty z zsh -f -i
zpty -w z "source ${(q)setup}"
repeat 50; do
  zpty -r z out
  [[ $out == *capture-ready* ]] && break
done
rm -f $setup
zpty -w z "$line"$'\t'
integer markers=0
while zpty -r z out; do
  for part in "${(@f)out}"; do
    if [[ $part == *$'\0'* ]]; then
      (( markers++ ))
      (( markers == 2 )) && exit 0
      continue
    fi
    (( markers == 1 )) && print -r -- "${part%$'\r'}"
  done
done
exit 2
