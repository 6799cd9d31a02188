#!/bin/sh
# t-po.sh - the gettext catalogues: each compiles with msgfmt's checks
# (format strings match their msgid: a wrong %s would crash a program), and
# a program run with a catalogue speaks its language.
. "$(dirname "$0")/../lib.sh"

for l in $(cat "$top/po/LINGUAS"); do
	check "po/$l.po compiles with msgfmt -c --check-format" \
		msgfmt -c --check-format -o "$T/$l.mo" "$top/po/$l.po"
done

# LANGUAGE picks the catalogue under any locale but "C"; C.UTF-8 is always there.
out=$(POCZTA_LOCALEDIR="$top/po/build" LANGUAGE=pl LC_ALL=C.UTF-8 \
	"$BIN/poczta-ctl" init --port-base 99999999 "$T/x" 2>&1)
case $out in
*"oczekiwano od 0 do"*) ok "poczta-ctl speaks Polish with LANGUAGE=pl" ;;
*) not_ok "poczta-ctl speaks Polish with LANGUAGE=pl: $out" ;;
esac
out=$(POCZTA_LOCALEDIR="$top/po/build" LANGUAGE= LC_ALL=C.UTF-8 \
	"$BIN/poczta-ctl" init --port-base 99999999 "$T/x" 2>&1)
case $out in
*"expected 0 to"*) ok "poczta-ctl speaks English without a catalogue" ;;
*) not_ok "poczta-ctl speaks English without a catalogue: $out" ;;
esac

# Every string the sources mark for translation is translated in every
# catalogue (issue 9): a new string means `make update-po` and its
# translations; msgcmp fails on a missing, untranslated or fuzzy one.
(cd "$top" && xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--keyword=ngettext:1,2 -o "$T/now.pot" $(ls lib/*.c agents/*/*.c client/*.c 2>/dev/null)) 2>/dev/null
for l in $(cat "$top/po/LINGUAS"); do
	check "po/$l.po translates every string of the sources" \
		sh -c "msgcmp '$top/po/$l.po' '$T/now.pot' 2>'$T/cmp.$l' || { head -5 '$T/cmp.$l'; false; }"
done

# A translated table lines up: columns are counted in characters on the
# screen, not in bytes (Cyrillic letters take two bytes each).
"$BIN/poczta-ctl" init --port-base "$(free_port_base)" "$T/sb" >/dev/null 2>&1
POCZTA_LOCALEDIR="$top/po/build" LANGUAGE=ru LC_ALL=C.UTF-8 \
	"$BIN/poczta-ctl" -c "$T/sb/poczta.conf" status >"$T/status" 2>&1
check "poczta-ctl status speaks Russian" grep -q "РОЛЬ" "$T/status"
check_eq "the Russian status table's columns line up" "True" "$(python3 -c '
import sys
head, row = open(sys.argv[1], encoding="utf-8").read().split("\n")[:2]
print(head.index("РОЛЬ") == row.index("MDA") and head.index("АДРЕС") == row.index("127."))
' "$T/status")"
done_testing
