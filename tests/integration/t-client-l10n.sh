#!/bin/sh
# t-client-l10n.sh - the client speaks the user's language from LANG alone
# (no LANGUAGE, no LC_ALL, no POCZTA_LOCALEDIR: the build tree's catalogues
# are found beside bin/): poczta --demo in tmux under pl_PL.UTF-8,
# ru_RU.UTF-8 and sv_SE.UTF-8: the index's status line, the help screen and
# the agents screen in Polish, Russian and Swedish.  The locales must exist
# (.ci/run and the README's quick start generate them): a missing one
# fails, never skips.
. "$(dirname "$0")/../lib.sh"

. "$(dirname "$0")/../client.sh"

# client LOCALE STATUS HELP-TITLE HELP-LINE AGENTS: the demo under LANG=LOCALE
client () {
	S=$(echo "$1" | cut -c1-2)
	if ! locale -a | grep -qix "$(echo "$1" | sed 's/UTF-8/utf8/')"; then
		not_ok "$1 is available (locale -a; .ci/run generates it)"
		return
	fi
	mkdir -p "$T/$S"
	tm new-session -d -s "$S" -x 120 -y 30 \
		"cd '$T/$S' && env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LC_CTYPE \
		 -u POCZTA_LOCALEDIR TMPDIR='$T/$S' LANG=$1 $BIN/poczta --demo; sleep 60"
	check "$1: the index's status line is translated" wait_for "$2" 60
	keys '?'
	check "$1: the help screen's title is translated" wait_for "$3"
	check "$1: ... and its lines" wait_for "$4"
	keys q A
	check "$1: the agents screen is translated" wait_for "$5"
	keys Q
	wait_for "rm -rf" >/dev/null
}

client pl_PL.UTF-8 "q:wstecz  /:szukaj  c:zmień" "poczta: klawisze (q: wstecz)" "następny wiersz" \
	"poczta: agenci pocztowi"
client ru_RU.UTF-8 "q:назад  /:поиск  c:сменить" "poczta: клавиши (q: назад)" "следующая строка" \
	"poczta: почтовые агенты"
client sv_SE.UTF-8 "q:tillbaka  /:sök  c:byt" "poczta: tangenter (q: tillbaka)" "nästa rad" \
	"poczta: e-postagenterna"
done_testing
