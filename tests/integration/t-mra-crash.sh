#!/bin/sh
# t-mra-crash.sh - kill -9 poczta-mra (and the poczta-mda it runs) at every
# crash point of a fetch, then fetch again: every message is in the local
# Maildir exactly once, and with keep = no none is left on the server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

have_dovecot || { echo "ok 1 # skip dovecot is not installed (debian-packages)"; exit 0; }
dovecot_start me pw || { not_ok "dovecot starts"; cat "$T/dovecot/log"; done_testing; }
mra_setup pw
mra_account imap imap "$IMAPS_PORT" implicit "ca=$T/cert.pem" keep=no
mra_account imapkeep imap "$IMAPS_PORT" implicit "ca=$T/cert.pem"
mra_account pop pop3 "$POP3S_PORT" implicit "ca=$T/cert.pem" keep=no
N=4

reset () {
	rm -rf "$T/Maildir" "$T/data/mra" "$REMOTE"/new/* "$REMOTE"/cur/*
	remote_add $N
}

# the points a fetch passes, listed by a run that does not crash
reset
pts=$(POCZTA_CRASH_AT=none POCZTA_CRASH_LIST=1 "$BIN/poczta-mra" -c "$T/poczta.conf" -q \
	fetch imapkeep pop 2>&1 | sed -n 's/^crash-point: //p' | sort -u | tr '\n' ' ')
case "$pts" in *mra-delivered*mra-journaled*) ok "a fetch passes the MRA's crash points: $pts" ;;
	*) not_ok "crash points listed: $pts" ;; esac
# the MDA's own points, as poczta-mda passes them for each message
pts="$pts mra-flagged tmp-written tmp-synced linked delivered mra-delivered:3 mra-journaled:2"

for acct in imap imapkeep pop; do
	for p in $pts; do
		reset
		POCZTA_CRASH_AT=$p "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch "$acct" >/dev/null 2>&1
		crashed=$?
		"$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch "$acct" >"$T/out" 2>&1
		rc=$?
		got=$(local_count) dups=$(local_dups)
		left=$(remote_count)
		want_left=0
		[ "$acct" = imapkeep ] && want_left=$N
		if [ $rc = 0 ] && [ "$got" = $N ] && [ -z "$dups" ] && [ "$left" = $want_left ]; then
			ok "$acct: crash at $p (status $crashed), then a fetch: each message once"
		else
			not_ok "$acct: crash at $p: rc=$rc local=$got dups=[$dups] remote=$left"
			sed 's/^/# /' "$T/out"
		fi
	done
done
# several UID FETCH batches (200 each), the answers of one read while the
# next is with the MDA: a crash in the second or third batch
reset_many () {
	rm -rf "$T/Maildir" "$T/data/mra" "$REMOTE"/new/* "$REMOTE"/cur/*
	many_round=$(( ${many_round:-0} + 1 ))
	python3 - "$REMOTE/new" 450 $many_round <<'PY'
import sys
d, n, r = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    with open(f"{d}/1700000000.Mmany{r}x{i}P1.test", "w") as f:
        f.write(f"From: s@example.org\nSubject: many {i}\nMessage-ID: <many{r}x{i}@example.org>\n\n{i}\n")
PY
	chown -R dovecot:dovecot "$REMOTE"
	sleep 1	# Dovecot notices new/ by its mtime, in whole seconds
}
for p in mra-journaled:250 mra-delivered:401; do
	reset_many
	POCZTA_CRASH_AT=$p "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch imap >/dev/null 2>&1
	crashed=$?
	"$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch imap >"$T/out" 2>&1
	rc=$?
	got=$(local_count) dups=$(local_dups) left=$(remote_count)
	if [ $rc = 0 ] && [ "$got" = 450 ] && [ -z "$dups" ] && [ "$left" = 0 ]; then
		ok "450 messages, crash at $p (status $crashed), then a fetch: each message once"
	else
		not_ok "450 messages, crash at $p: rc=$rc local=$got dups=[$(echo $dups | head -c 200)] remote=$left"
		sed 's/^/# /' "$T/out"
	fi
done
# a reader (mutt, an IMAP client) moves what was delivered before the crash
# into cur/ before the next fetch: poczta-mda must still find those copies,
# so the UIDs fetched again are not sent XFRESH (only those above the mark
# the journal took before the crashed fetch sent anything; for POP3 the
# UIDLs it listed)
for acct in imapkeep pop; do
	for p in mra-delivered:401 mra-journaled:250; do
		reset_many
		POCZTA_CRASH_AT=$p "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch $acct >/dev/null 2>&1
		for f in "$T"/Maildir/new/*; do mv "$f" "$T/Maildir/cur/${f##*/}:2,S"; done
		"$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch $acct >"$T/out" 2>&1
		rc=$?
		got=$(local_count) dups=$(local_dups)
		if [ $rc = 0 ] && [ "$got" = 450 ] && [ -z "$dups" ]; then
			ok "$acct: crash at $p, the copies read (moved to cur/), then a fetch: each once"
		else
			not_ok "$acct: crash at $p, copies in cur/: rc=$rc local=$got dups=[$(echo $dups | head -c 200)]"
			sed 's/^/# /' "$T/out"
		fi
	done
done
j=$(cat "$T"/data/mra/imapkeep/imap.*)
check_eq "the journal's mark of what was sent is the last UID fetched" \
	"$(echo "$j" | sed -n 's/^last //p')" "$(echo "$j" | sed -n 's/^sent //p')"
dovecot_stop
done_testing
