#!/bin/sh
# t-client-outbox.sh - the client's outbox on a sandbox made by poczta-ctl
# init (its [client] sends through the sandbox's MSA with STARTTLS, AUTH
# and the sandbox certificate): a message sent is delivered once, shown in
# the index, copied into Sent; taken back within send_delay nothing is
# sent; with the stack down it goes into the local queue, the outbox
# screen (O) shows it queued, and after up it is delivered exactly once; a
# sender the MSA refuses leaves it failed with the reply; a certificate not
# trusted refuses it (nothing sent in clear, nothing queued); submit_tls =
# none to a remote MSA is refused.  tests/tools/outbox-send puts messages
# into the spool as the compose screen does with outbox_put; the client
# running in tmux submits them on its tick.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../client.sh"
S=c
CLIENT_WAIT=30
OS=$top/tests/tools/outbox-send
[ -x "$OS" ] || { not_ok "tests/tools/outbox-send is built"; done_testing; }
base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user ann --password annpw --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
M=$T/sb/mail/ann
client_also_down "$CONF"

check "init: the client submits to the MSA with STARTTLS" \
	grep -q "^submit = 127.0.0.1:$((base + 587))\$" "$CONF"
check "init: the client trusts the sandbox certificate" grep -q '^submit_ca = tls/cert.pem$' "$CONF"
check_eq "init: the client's password file is 0600" 600 "$(stat -c %a "$T/sb/data/submit-password")"
echo "send_delay = 3" >>"$CONF"	# [client] is the file's last section

"$BIN/poczta-ctl" -c "$CONF" up >"$T/up.log" 2>&1 || { not_ok "poczta-ctl up: $(cat "$T/up.log")"; done_testing; }
"$BIN/poczta-ctl" -c "$CONF" reindex >/dev/null 2>&1

# count DIR SUBJECT: the messages in DIR/new and DIR/cur with that subject
count () { grep -l "^Subject: $2\$" "$1"/new/* "$1"/cur/* 2>/dev/null | wc -l; }
# until_count N DIR SUBJECT [SECONDS]: until count is N
until_count () {
	i=0
	while [ $i -lt $((${4:-30} * 10)) ]; do
		[ "$(count "$2" "$3")" -eq "$1" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# send SENDER SUBJECT: into the spool as compose does; prints the id
send () {
	printf 'From: %s\nTo: ann@poczta.test\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n\nbody\n' \
		"$1" "$2" "$(date -R)" "$2" | "$OS" -c "$CONF" put "$1" ann@poczta.test
}
spool_empty () { [ -z "$("$OS" -c "$CONF" list)" ]; }

tm new-session -d -s c -x 120 -y 30 "LANG=C.UTF-8 LC_ALL=C.UTF-8 $BIN/poczta -c '$CONF'; sleep 60"
check "the client opens" wait_for "poczta: tag:inbox" 60

# --- sent through the MSA: delivered once, indexed, copied into Sent
send ann@poczta.test outbox-one >/dev/null
check "the message is delivered through the MSA" until_count 1 "$M" outbox-one
check "the client says it was sent" wait_for "Message sent."
check "it shows in the index" wait_for "outbox-one"
check "a copy is in Sent, seen" sh -c "ls '$M'/.Sent/cur/*:2,S | grep -q outbox-"
check "the spool is empty again" eventually 30 spool_empty
check "it went through the MSA as ann" grep -q "MSA info:.*sasl_username=ann\|MSA info:.*user=ann" "$T/sb/log/poczta.log"

# --- undo within send_delay: taken back, nothing sent
id=$(send ann@poczta.test outbox-undo)
"$OS" -c "$CONF" take "$id" >"$T/taken"
check_eq "taken back within the delay" 0 $?
check "the bytes come back" grep -q "^Subject: outbox-undo" "$T/taken"
sleep 5
check_eq "a message taken back is not sent" 0 "$(count "$M" outbox-undo)"
check_eq "... nor copied into Sent" 0 "$(count "$M/.Sent" outbox-undo)"

# --- the stack down: into the local queue, shown as queued; up: once
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
send ann@poczta.test outbox-queued >/dev/null
# and one to a user the MTA does not know: it bounces once the stack is up
printf 'From: ann@poczta.test\nTo: nobody@poczta.test\nSubject: outbox-bounce\nMessage-ID: <outbox-bounce@test>\n\nx\n' |
	"$OS" -c "$CONF" put ann@poczta.test nobody@poczta.test >/dev/null
check "the MSA down: the message waits in the local queue" wait_for "waits in the local queue"
keys O
check "the outbox screen shows it queued" wait_for "ann@poczta.test queued"
check "... and Sent has its copy" until_count 1 "$M/.Sent" outbox-queued
check "the spool gave both up" eventually 30 spool_empty
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
check "after up it is delivered" until_count 1 "$M" outbox-queued
sleep 3
check_eq "... exactly once" 1 "$(count "$M" outbox-queued)"
check "the outbox screen no longer lists it" sh -c "! tmux -L $SOCK capture-pane -p -t $S | grep -q 'ann@poczta.test queued'"
check "the bounce shows against its message" wait_for "bounced  nobody@poczta.test  outbox-bounce"
check "... with the diagnostic" sh -c "tmux -L $SOCK capture-pane -p -t $S | grep -A1 'bounced  nobody' | grep -q '5\.1\.1'"
keys Home Enter
check "Enter opens the bounce" wait_for "Subject: Undelivered Mail Returned to Sender"
keys q S
check "S opens the Sent copy" wait_for "Subject: outbox-bounce"
keys q

# --- a sender the MSA refuses (5xx): kept, failed, with the reply
send someone@elsewhere.example outbox-refused >/dev/null
check "a refused message shows failed in the outbox" wait_for "spool failed"
check "... with the MSA's reply" wait_for "553 5.7.1"
check_eq "... and is not sent" 0 "$(count "$M" outbox-refused)"
"$OS" -c "$CONF" list | grep -q "failed.*553" && ok "the spool keeps it, failed" ||
	not_ok "the spool keeps it, failed"
keys d
check "cancel asks first" wait_for "Cancel this message"
keys y Enter
check "cancelled, it is gone" sh -c "sleep 1; ! '$OS' -c '$CONF' list | grep -q failed"
keys q Q
sleep 1

# --- a certificate not trusted: refused, never sent in clear nor queued
prog poczta-ctl init "$T/other" --port-base "$base" >/dev/null 2>&1
sed "s|^submit_ca = .*|submit_ca = $T/other/tls/cert.pem|" "$CONF" >"$T/sb/badca.conf"
send ann@poczta.test outbox-badca >/dev/null
"$OS" -c "$T/sb/badca.conf" run 30 >"$T/badca.out"
check "an untrusted certificate: sending failed" grep -q "Sending failed" "$T/badca.out"
"$OS" -c "$CONF" list >"$T/list"
check "... the reply says TLS" grep -q "failed.*TLS" "$T/list"
sleep 2
check_eq "... nothing delivered" 0 "$(count "$M" outbox-badca)"
check "... nothing queued" sh -c "[ -z \"\$(ls '$T/sb/data/queue/msg' 2>/dev/null)\" ]"

# --- a wrong password: refused, not routed around through the queue
"$OS" -c "$CONF" take "$("$OS" -c "$CONF" list | awk '{ print $1 }')" >/dev/null
printf 'wrong\n' >"$T/sb/data/bad-password"; chmod 600 "$T/sb/data/bad-password"
sed "s|^submit_password_file = .*|submit_password_file = data/bad-password|" "$CONF" >"$T/sb/badpw.conf"
send ann@poczta.test outbox-badpw >/dev/null
"$OS" -c "$T/sb/badpw.conf" run 30 >"$T/badpw.out"
check "a wrong password: sending failed" grep -q "Sending failed" "$T/badpw.out"
"$OS" -c "$CONF" list >"$T/list"
check "... the reply is the MSA's to AUTH" grep -q "failed.*535" "$T/list"
check "... nothing queued" sh -c "[ -z \"\$(ls '$T/sb/data/queue/msg' 2>/dev/null)\" ]"
"$OS" -c "$CONF" take "$("$OS" -c "$CONF" list | awk '{ print $1 }')" >/dev/null
# a password file others may read is refused before any connection
chmod 644 "$T/sb/data/bad-password"
send ann@poczta.test outbox-pwmode >/dev/null
"$OS" -c "$T/sb/badpw.conf" run 30 >/dev/null
check "a password file readable by others is refused" sh -c "'$OS' -c '$CONF' list | grep -q 'failed.*mode 0600'"
sleep 1
check_eq "... and nothing is sent" 0 "$(count "$M" outbox-pwmode)"

# --- no clear text to a remote MSA
sed "s|^submit = .*|submit = 192.0.2.1:587|; s|^submit_tls = .*|submit_tls = none|" "$CONF" >"$T/sb/clear.conf"
"$OS" -c "$T/sb/clear.conf" list >/dev/null 2>"$T/clear.err"
check_eq "submit_tls = none to a remote MSA is a configuration error" 2 $?
check "... saying so" grep -q "loopback" "$T/clear.err"
done_testing
