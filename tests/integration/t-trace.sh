#!/bin/sh
# t-trace.sh - poczta-ctl trace: a message's journey through the local chain
# read back from the delivered copy (by file and by Message-ID, through the
# notmuch index) and from the queue while it waits; the agents' log lines.
. "$(dirname "$0")/../lib.sh"

sandbox alice x
A=$T/sb/mail/alice
sandbox_up

# found SUBJECT: the delivered message with that subject (10 s at most)
found () {
	i=0
	while [ $i -lt 100 ]; do
		f=$(grep -l "^Subject: $1\$" "$A"/new/* 2>/dev/null | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# row N: the table row numbered N of $T/out, squeezed to single spaces
row () { grep "^$1 " "$T/out" | tr -s ' '; }

# 1. SMTP with STARTTLS into the MTA, LMTP into the MDA
swaks --server 127.0.0.1:$((base + 25)) --tls --from bob@example.org --to alice@poczta.test \
	--header 'Subject: over tls' --header 'Message-Id: <trace-1@example.org>' \
	>"$T/swaks.log" 2>&1 || not_ok "swaks: $(tail -3 "$T/swaks.log")"
f=$(found "over tls")
check "delivered" test -n "$f"
# the file is in new/ a moment before the MTA logs the LMTP reply
i=0
while ! grep -q "status=sent" "$T/sb/log/poczta.log" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
prog poczta-ctl -c "$CONF" trace "$f" >"$T/out" 2>&1
check_eq "trace FILE: exit 0" 0 $?
check "names the Message-ID" grep -q "Message-ID: <trace-1@example.org>" "$T/out"
check_eq "hop 0 is the author's Date" "0 MUA" "$(row 0 | cut -d' ' -f1,2)"
check_eq "hop 1: the MTA took it over TLS" "1 MTA poczta-mta poczta.test" "$(row 1 | cut -d' ' -f1-4)"
check "hop 1: ESMTPS with TLSv1.2 or 1.3" sh -c "grep '^1 ' '$T/out' | grep -Eq 'ESMTPS +TLSv1\.[23]'"
check_eq "hop 2: the MDA by LMTP" "2 MDA poczta-mda poczta.test" "$(row 2 | cut -d' ' -f1-4)"
check "hop 2: LMTP" sh -c "grep '^2 ' '$T/out' | grep -q ' LMTP '"
check "hop 2: delay from hop 1" sh -c "grep '^2 ' '$T/out' | grep -Eq ' \+[0-9]+s$'"
check "the delivery is named" grep -q "Delivered to alice@poczta.test, return path <bob@example.org>" "$T/out"
check "the MTA's log lines for its queue id" grep -q "poczta-mta.*queued id=.*from=<bob@example.org>" "$T/out"
check "the MTA's delivery log line" grep -q "status=sent" "$T/out"

# 2. by Message-ID: found through the notmuch index once poczta-index caught up
i=0
while [ $i -lt 100 ]; do
	"$BIN/poczta-ctl" -c "$CONF" trace '<trace-1@example.org>' >"$T/out2" 2>&1 && break
	sleep 0.1; i=$((i + 1))
done
check_eq "trace MESSAGE-ID finds the delivered copy" "Message $f" "$(head -n 1 "$T/out2")"
check "trace MESSAGE-ID shows the same hops" sh -c "grep -q '^2 *MDA *poczta-mda' '$T/out2'"
prog poczta-ctl -c "$CONF" trace nobody-has-this@example.org >"$T/out3" 2>&1
check_eq "an unknown Message-ID: exit 66" 66 $?
check "an unknown Message-ID: says so" grep -q "no message with Message-ID <nobody-has-this@example.org>" "$T/out3"

# 3. poczta-sendmail with the stack stopped: the queue's copy is traced
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
printf 'Subject: queued\nMessage-ID: <trace-2@poczta.test>\n\nwaiting\n' |
	prog poczta-sendmail -C "$CONF" alice@poczta.test
prog poczta-ctl -c "$CONF" trace 'trace-2@poczta.test' >"$T/out" 2>&1
check_eq "a queued message is found by Message-ID" 0 $?
check "it is the queue's copy" grep -q "^Message in the queue, id " "$T/out"
check_eq "hop 1: poczta-sendmail, a local submission" "1 MSA poczta-sendmail" "$(row 1 | cut -d' ' -f1-3)"
check "no hop after it yet" sh -c "! grep -q '^2 ' '$T/out'"

# 4. a file without Received fields, and from standard input
printf 'Subject: draft\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n\nx\n' >"$T/draft"
prog poczta-ctl -c "$CONF" trace - <"$T/draft" >"$T/out" 2>&1
check_eq "trace -: exit 0" 0 $?
check "no Received fields: says so" grep -q "has not passed through a mail agent" "$T/out"
done_testing
