#!/bin/sh
# t-mta.sh - poczta-mta on loopback with real clients (swaks, Python's
# smtplib and raw sockets): delivery through the chain MTA -> MDA, trace
# headers, a session typed by a person, the open-relay forms, SMTP smuggling,
# STARTTLS command injection, aliases, a loop bounced, and the queue commands.
. "$(dirname "$0")/../lib.sh"

base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
prog poczta-ctl -c "$CONF" adduser bob --password pw >/dev/null 2>&1
printf 'team: alice, bob\nfriend: carol@elsewhere.example\n' >"$T/sb/aliases"
sed -i 's|^\[mta\]$|[mta]\naliases = aliases\nretry_min = 2s\nretry_max = 4s|' "$CONF"
PORT=$((base + 25))
A=$T/sb/mail/alice
B=$T/sb/mail/bob
"$BIN/poczta-ctl" -c "$CONF" up >"$T/up.log" 2>&1 || { not_ok "poczta-ctl up: $(cat "$T/up.log")"; done_testing; }
trap '"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; cleanup' EXIT

# wait_for DIR N: until DIR/new holds N messages (20 s at most: valgrind is slow)
wait_for () {
	i=0
	while [ "$(ls "$1/new" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(ls "$1/new" | wc -l)" -ge "$2" ]
}
# smtp: a python3 raw session; prints every reply line as received
smtp () {
	python3 "$top/tests/tools/smtp-raw.py" 127.0.0.1 "$PORT" "$@"
}

swaks --server 127.0.0.1:$PORT --from sender@example.org --to alice@poczta.test \
	--header 'Subject: via swaks' --body 'hello from swaks' >"$T/swaks.out" 2>&1
check "swaks: the message is accepted (250 ... queued as)" grep -q '<-  250 2.0.0 Ok: queued as' "$T/swaks.out"
check "it reaches alice's Maildir through the MDA" wait_for "$A" 1
f=$(ls "$A"/new/* | head -n 1)
check "Return-Path is the envelope sender" grep -q '^Return-Path: <sender@example.org>' "$f"
check "the MTA's Received header: by ... (poczta-mta) with ESMTP" grep -q 'by poczta.test (poczta-mta) with ESMTP$' "$f"
check "the MDA's Received header: with LMTP" grep -q '(poczta-mda) with LMTP' "$f"
check "the body arrived" grep -q 'hello from swaks' "$f"

python3 - "$PORT" >"$T/tls.out" 2>&1 <<'PY'
import smtplib, ssl, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
c.ehlo("py.example")
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
c.starttls(context=ctx); c.ehlo("py.example")
print("version", c.sock.version())
c.sendmail("py@example.org", ["bob@poczta.test"], "Subject: over TLS\r\n\r\nsecret\r\n")
c.quit()
PY
check "smtplib: STARTTLS negotiates TLS 1.2 or 1.3" grep -qE 'version TLSv1\.[23]' "$T/tls.out"
check "bob gets the message sent over TLS" wait_for "$B" 1
check "its Received header says ESMTPS and the TLS version" \
	sh -c "grep -A2 'poczta-mta' '$B'/new/* | grep -q 'with ESMTPS' && grep -q '(TLSv1' '$B'/new/*"

# A session as a person types it: lowercase, a space after the colon.
smtp 'helo me' 'mail from: <typed@example.org>' 'rcpt to: <alice@poczta.test>' 'data' \
	'Subject: typed' '' 'by hand' '.' 'quit' >"$T/typed.out"
check "a typed session is queued" grep -q '^250 2.0.0 Ok: queued as' "$T/typed.out"
check "and delivered" wait_for "$A" 2
check "HELO gives 'with SMTP' in the Received header" sh -c "grep -l 'by hand' '$A'/new/* | xargs grep -q 'poczta-mta) with SMTP\$'"

# Never an open relay: other domains, and the old routing forms.
for r in 'someone@elsewhere.example' 'alice%elsewhere.example@poczta.test' \
	'elsewhere.example!alice@poczta.test' '"alice@elsewhere.example"@poczta.test' \
	'@poczta.test:someone@elsewhere.example' 'alice@[127.0.0.1]' 'alice@poczta.test.' \
	'someone@elsewhere.example.'; do
	smtp 'ehlo relay.test' 'mail from:<spammer@example.org>' "rcpt to:<$r>" 'quit' >"$T/relay.out"
	if grep -qE '^5[0-9][0-9] ' "$T/relay.out"; then
		ok "relay refused for <$r>"
	else
		not_ok "relay refused for <$r>: $(tr '\r\n' '  ' <"$T/relay.out")"
	fi
done
smtp 'ehlo x' 'mail from:<a@example.org>' 'rcpt to:<nobody@poczta.test>' 'quit' >"$T/unknown.out"
check "an unknown local user is refused with 550 5.1.1" grep -q '^550 5.1.1' "$T/unknown.out"

# SMTP smuggling: only CRLF.CRLF ends the data; bare LF / CR make it refused.
n_before=$(ls "$A/new" | wc -l)
for variant in 'lf' 'cr' 'crlf-lf'; do
	python3 - "$PORT" "$variant" >"$T/smuggle.out" 2>&1 <<'PY'
import socket, sys, time
port, v = int(sys.argv[1]), sys.argv[2]
end = {"lf": b"\n.\n", "cr": b"\r.\r", "crlf-lf": b"\r\n.\n"}[v]
s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
def reply():
    while True:
        l = f.readline()
        if l[3:4] != b"-":
            return l.decode().strip()
reply()
s.sendall(b"EHLO s\r\n"); reply()
s.sendall(b"MAIL FROM:<a@example.org>\r\nRCPT TO:<alice@poczta.test>\r\nDATA\r\n")
reply(); reply(); print("data", reply())
s.sendall(b"Subject: smuggle\r\n\r\nfirst" + end +
          b"MAIL FROM:<evil@example.org>\r\nRCPT TO:<alice@poczta.test>\r\nDATA\r\nSubject: evil\r\n\r\nsmuggled\r\n.\r\n")
print("end", reply())
s.sendall(b"QUIT\r\n"); print("quit", reply())
PY
	if grep -qE '^end 5[0-9][0-9]' "$T/smuggle.out"; then ok "smuggling ($variant): the message is refused whole"
	else not_ok "smuggling ($variant): $(tr '\n' ' ' <"$T/smuggle.out")"; fi
done
sleep 1
check_eq "nothing smuggled was delivered" "$n_before" "$(ls "$A/new" | wc -l)"

# STARTTLS injection (CVE-2011-0411 class): a command sent in clear in the
# same packet as STARTTLS is never executed after the handshake.
python3 - "$PORT" >"$T/inject.out" 2>&1 <<'PY'
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
def reply(fh):
    while True:
        l = fh.readline()
        if l[3:4] != b"-":
            return l.decode().strip()
reply(f); s.sendall(b"EHLO i\r\n"); reply(f)
s.sendall(b"STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n")
print("starttls", reply(f))
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="poczta.test"); g = t.makefile("rb")
t.sendall(b"RCPT TO:<alice@poczta.test>\r\n")
print("after", reply(g))
t.sendall(b"QUIT\r\n")
PY
check "STARTTLS answered 220" grep -q '^starttls 220' "$T/inject.out"
check "the injected MAIL was not run: RCPT gets 503 (no sender)" grep -q '^after 503' "$T/inject.out"

# Aliases: a list of two users, and forwarding outside (queued, relayed later).
na=$(ls "$A/new" | wc -l); nb=$(ls "$B/new" | wc -l)
smtp 'ehlo x' 'mail from:<a@example.org>' 'rcpt to:<team@poczta.test>' 'data' 'Subject: team' '' 'to all' '.' 'quit' >"$T/alias.out"
check "the alias team is accepted" grep -q '^250 2.0.0 Ok: queued' "$T/alias.out"
check "alice gets the team message" wait_for "$A" $((na + 1))
check "bob gets the team message" wait_for "$B" $((nb + 1))

# A loop: more than 50 Received headers is bounced to the sender (RFC 3464).
na=$(ls "$A/new" | wc -l)
python3 - "$PORT" <<'PY'
import smtplib, sys
hops = "".join("Received: from hop%d by hop%d; Sun, 22 Nov 2026 10:00:00 +0000\r\n" % (i, i + 1) for i in range(51))
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); c.ehlo("x")
c.sendmail("alice@poczta.test", ["bob@poczta.test"], hops + "Subject: looping\r\n\r\nround and round\r\n")
c.quit()
PY
check "the sender gets a bounce" wait_for "$A" $((na + 1))
bounce=$(ls -t "$A"/new/* | head -n 1)
check "the bounce is a multipart/report delivery-status" grep -q 'report-type=delivery-status' "$bounce"
check "it names the failed recipient and Status 5.4.6" sh -c "grep -q 'Final-Recipient: rfc822; *bob@poczta.test' '$bounce' && grep -q 'Status: 5.4.6' '$bounce'"
check "it comes from the null sender" grep -q '^Return-Path: <>' "$bounce"

# DSN (RFC 3461): NOTIFY=NEVER means no bounce; RET=FULL and ENVID come back.
na=$(ls "$A/new" | wc -l)
python3 - "$PORT" <<'PY'
import smtplib, sys
hops = "".join("Received: from hop%d by hop%d; Sun, 22 Nov 2026 10:00:00 +0000\r\n" % (i, i + 1) for i in range(51))
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); c.ehlo("x")
c.sendmail("alice@poczta.test", ["bob@poczta.test"], hops + "Subject: never tell\r\n\r\nx\r\n",
           rcpt_options=["NOTIFY=NEVER"])
c.sendmail("alice@poczta.test", ["bob@poczta.test"], hops + "Subject: tell me all\r\n\r\nwhole body\r\n",
           mail_options=["RET=FULL", "ENVID=QQ314159"], rcpt_options=["NOTIFY=FAILURE"])
c.quit()
PY
check "one bounce comes back (for the message that asked)" wait_for "$A" $((na + 1))
sleep 1
check_eq "NOTIFY=NEVER: no bounce for it" "$((na + 1))" "$(ls "$A/new" | wc -l)"
bounce=$(ls -t "$A"/new/* | head -n 1)
check "the bounce carries Original-Envelope-Id (ENVID)" grep -q '^Original-Envelope-Id: QQ314159' "$bounce"
check "RET=FULL returns the whole message" sh -c "grep -q 'message/rfc822' '$bounce' && grep -q 'whole body' '$bounce'"

# CHUNKING (RFC 3030) and SMTPUTF8 (RFC 6531) through the whole chain.
na=$(ls "$A/new" | wc -l)
python3 - "$PORT" >"$T/bdat.out" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); f = s.makefile("rb")
def reply():
    while True:
        l = f.readline()
        if l[3:4] != b"-":
            return l.decode(errors="replace").strip()
reply(); s.sendall(b"EHLO chunky\r\n"); reply()
a = b"Subject: in chunks\r\n\r\nfirst half, "
b = b"second half\r\n"
s.sendall("MAIL FROM:<zażółć@example.org> SMTPUTF8\r\nRCPT TO:<alice@poczta.test>\r\n".encode())
print("mail", reply()); print("rcpt", reply())
s.sendall(b"BDAT %d\r\n" % len(a) + a); print("chunk", reply())
s.sendall(b"BDAT %d LAST\r\n" % len(b) + b); print("last", reply())
s.sendall(b"QUIT\r\n"); reply()
PY
check "BDAT: the first chunk is acknowledged" grep -q '^chunk 250' "$T/bdat.out"
check "BDAT LAST queues the message" grep -q '^last 250 2.0.0 Ok: queued' "$T/bdat.out"
check "the chunked message is delivered" wait_for "$A" $((na + 1))
f=$(grep -l 'in chunks' "$A"/new/* | head -n 1)
check "its two chunks are joined into one body" grep -q '^first half, second half$' "$f"
check "the UTF-8 sender is kept (SMTPUTF8)" grep -q '^Return-Path: <zażółć@example.org>' "$f"
check "the Received header says UTF8SMTP" grep -q 'poczta-mta) with UTF8SMTP$' "$f"

# The queue: with the MDA stopped local mail waits, deferred, and goes out
# after a flush once the MDA is back.
mdapid=$(cat "$T/sb/data/run/mda.pid")
kill "$mdapid"; sleep 0.5
smtp 'ehlo x' 'mail from:<a@example.org>' 'rcpt to:<bob@poczta.test>' 'data' 'Subject: waits' '' 'later' '.' 'quit' >/dev/null
sleep 2
prog poczta-mta -c "$CONF" queue >"$T/queue.out" 2>&1
check "poczta-mta queue lists the message as deferred" grep -q 'deferred *bob@poczta.test' "$T/queue.out"
check "with the last error" grep -q '4\.4\.1' "$T/queue.out"
id=$(awk 'NR==1 {print $1}' "$T/queue.out")
prog poczta-mta -c "$CONF" hold "$id"
prog poczta-mta -c "$CONF" queue >"$T/queue.out" 2>&1
check "hold marks it held" grep -q '(held)' "$T/queue.out"
# A queue command waits for a delivery under way (which holds the message's
# lock from reading its envelope to writing the results), then gives up.
qf=$T/sb/data/queue/msg/$id
flock "$qf" sleep 9 & lk=$!
sleep 0.3
prog poczta-mta -c "$CONF" release "$id" 2>"$T/err"
check_eq "release of a message being delivered: exit 75" 75 $?
check "... saying it is being delivered" grep -q "$id: being delivered now" "$T/err"
kill "$lk" 2>/dev/null; wait "$lk" 2>/dev/null
prog poczta-mta -c "$CONF" queue >"$T/queue.out" 2>&1
check "... and changing nothing" grep -q '(held)' "$T/queue.out"
flock "$qf" sleep 1 & lk=$!
sleep 0.3
prog poczta-mta -c "$CONF" hold "$id" 2>"$T/err"
check_eq "a command waits for a short delivery to end" 0 $?
wait "$lk" 2>/dev/null
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
nb=$(ls "$B/new" | wc -l)
sleep 1.5
check_eq "a held message is not delivered" "$nb" "$(ls "$B/new" | wc -l)"
prog poczta-mta -c "$CONF" release "$id"
check "released, it is delivered" wait_for "$B" $((nb + 1))
sleep 0.5
prog poczta-mta -c "$CONF" queue >"$T/queue.out" 2>&1
check "and the queue is empty again" grep -q 'Mail queue is empty' "$T/queue.out"

# flush: a message deferred for an hour goes out at once (the queue manager
# must re-read envelopes the queue commands changed).
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
sed -i 's/^retry_min = 2s$/retry_min = 1h/; s/^retry_max = 4s$/retry_max = 2h/' "$CONF"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
kill "$(cat "$T/sb/data/run/mda.pid")"; sleep 0.5
nb=$(ls "$B/new" | wc -l)
smtp 'ehlo x' 'mail from:<a@example.org>' 'rcpt to:<bob@poczta.test>' 'data' 'Subject: flushed' '' 'x' '.' 'quit' >/dev/null
sleep 1.5
check "with the MDA down it is deferred for an hour" \
	sh -c "'$BIN/poczta-mta' -c '$CONF' queue | grep -q 'next in 6[0-9]m'"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
prog poczta-mta -c "$CONF" flush
check "poczta-mta flush delivers it at once" wait_for "$B" $((nb + 1))

# The daemon restarts a dead queue manager and committer; what it restarts
# blocks no signal (so it still obeys SIGTERM) and still delivers.
mta=$(cat "$T/sb/data/run/mta.pid")
for p in $(ps -o pid= --ppid "$mta"); do
	case "$(cat /proc/$p/cmdline 2>/dev/null | tr '\0' ' ')" in *serve*) ;; *) continue ;; esac
	[ -e "/proc/$p/fd/0" ] && ps -o args= -p "$p" | grep -q poczta-mta && kill -9 "$p"
done
sleep 2
blocked=$(for p in $(ps -o pid= --ppid "$mta"); do awk '/^SigBlk/ {print $2}' /proc/$p/status; done | sort -u)
check_eq "restarted children block no signals" "0000000000000000" "$blocked"
nb=$(ls "$B/new" | wc -l)
smtp 'ehlo x' 'mail from:<a@example.org>' 'rcpt to:<bob@poczta.test>' 'data' 'Subject: after restart' '' 'x' '.' 'quit' >/dev/null
check "mail is delivered by the restarted queue manager" wait_for "$B" $((nb + 1))
start=$(date +%s)
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
check "poczta-ctl down stops everything within 3 seconds" test $(( $(date +%s) - start )) -le 3
check "no poczta-mta process of this sandbox is left" sh -c "! ps -o pid= --ppid $mta | grep -q ."
# The agents' stderr is the log file too: each line is written once, stamped.
log=$T/sb/log/poczta.log
check "the log has the MTA's lines" grep -q "poczta-mta.*queued id=" "$log"
check_eq "every log line is time-stamped" "" "$(grep -v '^[0-9-]*T[0-9:]*Z ' "$log" | head -3)"
check_eq "no log line is written twice" "" "$(uniq -d "$log" | head -3)"
done_testing
