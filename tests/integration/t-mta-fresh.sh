#!/bin/sh
# t-mta-fresh.sh - poczta-mta tells poczta-mda over LMTP which deliveries it
# never handed over before (MAIL ... XDELIVERY=ID XFRESH), so that the MDA
# may skip looking for an earlier copy: a message taken in while the MTA
# runs is sent XFRESH; one that was in the queue when the MTA started (an
# MTA before it may have sent it) is not.  (t-mta-crash: exactly once.)
. "$(dirname "$0")/../lib.sh"

command -v swaks >/dev/null || { not_ok "swaks is installed"; done_testing; }
sandbox alice x
sed -i 's/^\[mta\]$/[mta]\ntrace = yes/' "$CONF"
A=$T/sb/mail/alice
LOG=$T/sb/log/poczta.log
sandbox_up
port=$((base + 25))
# delivered SUBJECT: the number of copies in alice's Maildir, within 10 s
delivered () {
	i=0
	while [ $i -lt 100 ]; do
		n=$(grep -l "^Subject: $1\$" "$A"/new/* "$A"/cur/* 2>/dev/null | wc -l)
		[ "$n" -gt 0 ] && break
		sleep 0.1; i=$((i + 1))
	done
	echo "$n"
}
# mail_line ID: the LMTP MAIL line poczta-mta sent for queue id ID
mail_line () { grep "MTA C: MAIL FROM:.* XDELIVERY=$1" "$LOG" | tail -n 1; }

swaks --server "127.0.0.1:$port" --from a@example.org --to alice@poczta.test \
	--header 'Subject: fresh one' --body 'hello' >"$T/swaks.out" 2>&1
id=$(sed -n 's/.*250 2.0.0 Ok: queued as \([0-9a-z]*\).*/\1/p' "$T/swaks.out")
check "swaks's message is queued" test -n "$id"
check_eq "... and delivered" 1 "$(delivered 'fresh one')"
line=$(mail_line "$id")
check "taken in while the MTA runs, it is sent XFRESH" sh -c "echo '$line' | grep -q ' XFRESH\$'"

# queued while the MTA is down: found in the queue when it starts
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
printf 'Subject: queued while down\n\nx\n' | "$BIN/poczta-sendmail" -C "$CONF" alice@poczta.test
id2=$(ls "$T/sb/data/queue" | sed -n 's/^\([0-9a-z]*\)\.env$/\1/p' | head -n 1)
[ -n "$id2" ] || id2=$(grep -o 'queued id=[0-9a-z]*' "$LOG" | tail -n 1 | cut -d= -f2)
check "sendmail queued it" test -n "$id2"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
check_eq "after up it is delivered" 1 "$(delivered 'queued while down')"
line=$(mail_line "$id2")
check "it was in the queue at start: sent without XFRESH" sh -c "echo '$line' | grep -q XDELIVERY= && ! echo '$line' | grep -q XFRESH"
done_testing
