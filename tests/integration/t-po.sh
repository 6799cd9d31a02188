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
done_testing
