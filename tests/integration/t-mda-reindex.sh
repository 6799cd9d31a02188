#!/bin/sh
# t-mda-reindex.sh - mail delivered while indexing was off (or whose note was
# lost) is found by poczta-ctl reindex; running it twice adds nothing twice.
. "$(dirname "$0")/../lib.sh"

prog poczta-ctl init "$T/sb" --user alice --password x --domain poczta.test >/dev/null 2>&1 ||
	{ not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
sed -i 's/^\[mda\]$/[mda]\nindex = no/' "$CONF"
for i in 1 2 3; do
	printf 'Subject: r%s\nMessage-ID: <r%s@x>\n\nbody\n' "$i" "$i" | prog poczta-mda -c "$CONF"
done
check "with index = no nothing was indexed" test ! -d "$T/sb/mail/alice/.notmuch"
prog poczta-ctl -c "$CONF" reindex >"$T/out" 2>&1
check_eq "reindex exits 0" "0" "$?"
check "reindex says 3 messages for alice" grep -q 'alice: 3 messages' "$T/out"
printf '[database]\npath=%s\n' "$T/sb/mail/alice" >"$T/nm.conf"
check_eq "notmuch finds all three, tagged inbox" "3" "$(NOTMUCH_CONFIG=$T/nm.conf notmuch count tag:inbox)"
prog poczta-ctl -c "$CONF" reindex alice >"$T/out" 2>&1
check "a second reindex adds nothing" grep -q 'alice: 0 messages' "$T/out"
prog poczta-ctl -c "$CONF" reindex nobody >"$T/out" 2>&1
check_eq "an unknown user's Maildir does not exist: exit 75" "75" "$?"
done_testing
