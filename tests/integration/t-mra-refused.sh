#!/bin/sh
# t-mra-refused.sh - a message poczta-mda refuses for good (5xx: here over
# its max_message_size) does not stop the account: it is reported once,
# named in the summary line, kept on the server, and not fetched again;
# the messages around it are fetched.  IMAP and POP3, keep = no, Dovecot.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

have_dovecot || { echo "ok 1 # skip dovecot is not installed (debian-packages)"; exit 0; }
dovecot_start me pw || { not_ok "dovecot starts"; cat "$T/dovecot/log"; done_testing; }
mra_setup pw
echo "max_message_size = 4k" >>"$T/poczta.conf"	# in [mda], the last section so far
mra_account i imap "$IMAP_PORT" starttls "ca=$T/cert.pem" keep=no
mra_account p pop3 "$POP3_PORT" starttls "ca=$T/cert.pem" keep=no
mra () { prog poczta-mra -c "$T/poczta.conf" "$@"; }

# big_add - one message of about 8 KB in the remote INBOX
big_add () {
	f=$REMOTE/new/$(date +%s).Mbig$1P$$.test
	{ printf 'From: sender@example.org\nSubject: big %s\nMessage-ID: <big%s@example.org>\n\n' "$1" "$1"
	  i=0; while [ $i -lt 100 ]; do echo "a line of the big message that is too big, $i"; i=$((i + 1)); done
	} >"$f.tmp" && chown dovecot:dovecot "$f.tmp" && mv "$f.tmp" "$f"
}

# many_add N - N more small messages at once (faster than remote_add)
many_add () {
	python3 - "$REMOTE/new" "$1" "${many_seq:=0}" <<'PY'
import sys
d, n, seq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(seq, seq + n):
    with open(f"{d}/1700000000.Mmany{i}P1.test", "w") as f:
        f.write(f"From: sender@example.org\nSubject: many {i}\nMessage-ID: <many{i}@example.org>\n\nbody {i}\n")
PY
	many_seq=$((many_seq + $1))
	chown -R dovecot:dovecot "$REMOTE"
}

for acct in i p; do
	rm -rf "$T/Maildir"
	remote_add 1; big_add $acct; remote_add 1
	out=$(mra fetch $acct 2>"$T/err")
	check_eq "$acct: the fetch succeeds despite the refusal" 0 $?
	check_eq "$acct: the messages around it are delivered" 2 "$(local_count)"
	check_eq "$acct: the refused one is kept on the server" 1 "$(remote_count)"
	check_eq "$acct: it is reported once" 1 "$(grep -c 'kept on the server and not fetched again' "$T/err")"
	check "$acct: the report says why" grep -q '552 5.3.4' "$T/err"
	case "$out" in *"2 messages"*"1 refused by poczta-mda"*) ok "$acct: the summary line counts it" ;;
		*) not_ok "$acct: summary: $out" ;; esac
	remote_add 1
	mra --trace fetch $acct >"$T/out" 2>"$T/err"
	check_eq "$acct: the next fetch succeeds" 0 $?
	check_eq "$acct: the new one is delivered" 3 "$(local_count)"
	check_eq "$acct: the refused one is still there, alone" 1 "$(remote_count)"
	check "$acct: and not reported again" sh -c "! grep -q 'not fetched again' '$T/err'"
	check "$acct: nor fetched again" sh -c "! grep -q 'MRA S: .*Subject: big' '$T/err'"
	check "$acct: the trace shows the new message fetched" grep -q "MRA S: .*Subject: message" "$T/err"
	rm -f "$REMOTE"/new/* "$REMOTE"/cur/*
	# several batches (200 messages for IMAP, 32 for POP3), the refused one
	# in the second, answers of one batch read while the next is fetched
	rm -rf "$T/Maildir"
	many_add 250; big_add ${acct}2; many_add 200
	mra fetch $acct >/dev/null 2>"$T/err"
	check_eq "$acct: several batches: the fetch succeeds" 0 $?
	check_eq "$acct: several batches: every other message delivered" 450 "$(local_count)"
	check_eq "$acct: several batches: nothing twice" "" "$(local_dups)"
	check_eq "$acct: several batches: only the refused one left there" 1 "$(remote_count)"
	rm -f "$REMOTE"/new/* "$REMOTE"/cur/*
done
dovecot_stop
done_testing
