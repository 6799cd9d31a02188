#!/bin/sh
# t-mra-watch.sh - poczta-mra watch: IMAP IDLE delivers a new message within
# seconds, and after the server goes away and comes back the watcher
# reconnects (with backoff) and goes on delivering.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

have_dovecot || { echo "ok 1 # skip dovecot is not installed (debian-packages)"; exit 0; }
dovecot_start me pw || { not_ok "dovecot starts"; cat "$T/dovecot/log"; done_testing; }
mra_setup pw
mra_account w imap "$IMAP_PORT" starttls "ca=$T/cert.pem" watch=yes
mra_account other imap "$IMAP_PORT" starttls "ca=$T/cert.pem"

# wait_local N SECONDS - until the local Maildir holds N messages
wait_local () {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		[ "$(local_count)" -ge "$1" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

remote_add 2
"$BIN/poczta-mra" -c "$T/poczta.conf" watch >"$T/watch.log" 2>&1 &
wpid=$!
PIDS_TO_KILL="$PIDS_TO_KILL $wpid"
check "watch fetches what is there at once" wait_local 2 30
remote_add 1
check "a new message arrives within seconds (IDLE)" wait_local 3 60
check_eq "only the account with watch = yes is watched" "" \
	"$(ls "$T/data/mra" | grep -v '^w$')"
check_eq "no reconnection while the server was up (IDLE, not polling)" 0 \
	"$(grep -c 'retry_in=' "$T/watch.log")"
out=$(prog poczta-mra -c "$T/poczta.conf" fetch w 2>&1)
check_eq "a fetch of the watched account is skipped, not an error" 0 $?
case "$out" in *"another poczta-mra"*) ok "it says the account is busy" ;; *) not_ok "busy: $out" ;; esac
dovecot_stop
sleep 1
dovecot_start me pw || not_ok "dovecot restarts"
remote_add 1
check "after the server comes back, the watcher reconnects and delivers" wait_local 4 60
check_eq "nothing twice" "" "$(local_dups)"
kill "$wpid"
i=0
while [ $i -lt 100 ] && kill -0 "$wpid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
check "SIGTERM ends the watcher" sh -c "! kill -0 $wpid 2>/dev/null"
check "the lost connection was logged with a retry" grep -q 'retry_in=' "$T/watch.log"
dovecot_stop
done_testing
