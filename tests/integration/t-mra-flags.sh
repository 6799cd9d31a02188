#!/bin/sh
# t-mra-flags.sh - sync_flags = yes: read and flagged here become \Seen and
# \Flagged on the server, \Seen there reaches the local copy, trashed here
# is expunged there; without sync_flags nothing goes upstream.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

have_dovecot || { echo "ok 1 # skip dovecot is not installed (debian-packages)"; exit 0; }
dovecot_start me pw || { not_ok "dovecot starts"; cat "$T/dovecot/log"; done_testing; }
mra_setup pw
mra_account f imap "$IMAP_PORT" starttls "ca=$T/cert.pem" sync_flags=yes
mra () { prog poczta-mra -c "$T/poczta.conf" -q "$@"; }

remote_add 4
mra fetch f
check_eq "four fetched" 4 "$(local_count)"
# local_file N / remote_file N - the file of message N here / there
local_file () { grep -l "^Subject: message $1\$" "$T"/Maildir/new/* "$T"/Maildir/cur/* 2>/dev/null; }
remote_file () { grep -l "^Subject: message $1\$" "$REMOTE"/new/* "$REMOTE"/cur/* 2>/dev/null; }
f1=$(local_file 1) f2=$(local_file 2) f4=$(local_file 4)
mv "$f1" "$T/Maildir/cur/$(basename "$f1"):2,S"		# read here
mv "$f2" "$T/Maildir/cur/$(basename "$f2"):2,F"		# flagged here
mv "$f4" "$T/Maildir/cur/$(basename "$f4"):2,ST"	# trashed here
r3=$(remote_file 3)
mv "$r3" "$REMOTE/cur/$(basename "$r3" | sed 's/:2,.*//'):2,S"	# read there
ms=$(sed -n 's/^modseq //p' "$T/data/mra/f/imap.INBOX" | tail -1)
mra --trace fetch f >"$T/trace" 2>&1
check_eq "the fetch with flag sync succeeds" 0 $?
# RFC 7162 3.1.4: the server's flags only of what changed since the last sync
check "CHANGEDSINCE with the HIGHESTMODSEQ kept in the state" \
	grep -q "MRA C: [0-9]* UID FETCH 1:4 (UID FLAGS) (CHANGEDSINCE ${ms:-none})" "$T/trace"
case "$(remote_file 1)" in *:2,*S*) ok "read here: \\Seen there" ;; *) not_ok "read here: \\Seen there: $(remote_file 1)" ;; esac
case "$(remote_file 2)" in *:2,*F*) ok "flagged here: \\Flagged there" ;; *) not_ok "flagged here: $(remote_file 2)" ;; esac
check_eq "trashed here: expunged there" "" "$(remote_file 4)"
case "$(local_file 3)" in */cur/*:2,*S*) ok "read there: seen here" ;; *) not_ok "read there: $(local_file 3)" ;; esac
check_eq "nothing fetched twice" 4 "$(local_count)"
r2=$(remote_file 2)
mv "$r2" "$REMOTE/cur/$(basename "$r2" | sed 's/:2,.*//'):2,FS"	# read there later
mra --trace fetch f >"$T/trace" 2>&1
case "$(local_file 2)" in */cur/*:2,*S*) ok "read there after a CHANGEDSINCE sync: seen here" ;;
	*) not_ok "read there after a CHANGEDSINCE sync: $(local_file 2)" ;; esac
check "the FLAGS fetch has CHANGEDSINCE again" grep -q "MRA C: [0-9]* UID FETCH .*(CHANGEDSINCE [1-9]" "$T/trace"

sed -i 's/^sync_flags = yes$/sync_flags = no/' "$T/poczta.conf"
remote_add 1
mra fetch f
f5=$(local_file 5)
mv "$f5" "$T/Maildir/cur/$(basename "$f5"):2,S"
mra fetch f
case "$(remote_file 5)" in *:2,*S*) not_ok "without sync_flags nothing goes upstream" ;;
	*) ok "without sync_flags nothing goes upstream" ;; esac
dovecot_stop
done_testing
