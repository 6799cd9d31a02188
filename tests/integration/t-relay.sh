#!/bin/sh
# t-relay.sh - the relay client (lib/smtpc through tests/tools/smtpc-send)
# against Postfix's smtp-sink, with its fault injection, and against
# tests/tools/hostile-smtpd.py: STARTTLS injection, STARTTLS required but not
# offered, replies split at odd bytes, a stalling server, real TLS with a CA
# made here, implicit TLS, AUTH.  All on 127.0.0.1; every server started is
# stopped by its pid.
. "$(dirname "$0")/../lib.sh"

TOOLS=$top/tests/tools
SINK=/usr/sbin/smtp-sink
chmod 711 "$T"	# smtp-sink runs as nobody and writes below $T/sink

# send ARGS... : smtpc-send with ARGS, the message from $T/msg, output in $T/out
send () {
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$TOOLS/smtpc-send" --trace "$@" <"$T/msg" >"$T/out" 2>"$T/trace"
	else
		"$TOOLS/smtpc-send" --trace "$@" <"$T/msg" >"$T/out" 2>"$T/trace"
	fi
	rc=$?
	[ "$rc" -ne 99 ] || not_ok "valgrind found errors: smtpc-send $*"
	return $rc
}
# result WHO: "status code" of a recipient (or "session") from $T/out
result () { awk -v w="$1" '$1 == w { print $2, $3; exit }' "$T/out"; }

# wait_port PORT: until something listens on 127.0.0.1:PORT (5 s at most)
wait_port () {
	python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
# stop PID: kill one server we started, and wait for it
stop () { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# sink ARGS...: start smtp-sink with ARGS on a free port ($PORT), dumping
# each message into $T/sink/; its pid in $SPID
sink () {
	PORT=$(free_port)
	rm -rf "$T/sink"; mkdir -p "$T/sink"; chmod 777 "$T/sink"
	u=; [ "$(id -u)" -ne 0 ] || u="-u nobody"
	$SINK $u -d "$T/sink/%M." "$@" "127.0.0.1:$PORT" 10 >"$T/sink.log" 2>&1 &
	SPID=$!
	PIDS_TO_KILL="$PIDS_TO_KILL $SPID"
	wait_port "$PORT"
}
# dumped: the one message smtp-sink stored, without the headers it adds
# (they end with its three-line Received header) and the empty line it
# appends
dumped () {
	python3 - "$T"/sink/* <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b"Received: ")
i = d.index(b"\n", i); i = d.index(b"\n", i + 1); i = d.index(b"\n", i + 1)
body = d[i + 1:]
assert body.endswith(b"\n\n")
sys.stdout.buffer.write(body[:-1])
PY
}
# expected: $T/msg as the next hop must see it: every CR LF, CR or LF one
# line end (here LF, as smtp-sink dumps it), a final one added
expected () {
	python3 - "$T/msg" <<'PY'
import re, sys
m = open(sys.argv[1], "rb").read()
m = re.sub(rb"\r\n|\r|\n", b"\n", m)
sys.stdout.buffer.write(m if m.endswith(b"\n") else m + b"\n")
PY
}

# --- smtp-sink --------------------------------------------------------------
if [ ! -x "$SINK" ]; then
	not_ok "postfix not installed: $SINK missing (apt-get install postfix)"
else
	printf 'From: a@poczta.test\nSubject: relay\n\n.starts with a dot\n..two dots\nbare\rCR and\r\nCRLF\n.\nnot the end\n\303\251 8-bit\nno final newline' >"$T/msg"
	sink
	send 127.0.0.1 "$PORT" a@poczta.test r1@b.test r2@b.test
	check_eq "smtp-sink: both recipients ok" "ok 2.0.0|ok 2.0.0|ok 2.0.0" \
		"$(result r1@b.test)|$(result r2@b.test)|$(result session)"
	expected >"$T/want"; dumped >"$T/got" 2>"$T/dump.err"
	check "smtp-sink: message arrives byte-exact (CR LF, dots undone by the server)" cmp -s "$T/want" "$T/got"
	check "smtp-sink: MAIL carries BODY=8BITMIME for an 8-bit message" \
		grep -q '^X-Mail-Args: <a@poczta.test> BODY=8BITMIME' "$T"/sink/*
	check "smtp-sink: our EHLO name is sent" grep -q '^MTA C: EHLO client.poczta.test$' "$T/trace"
	# pipelined: MAIL, RCPT, RCPT and DATA go out before the first reply
	check_eq "smtp-sink: PIPELINING used when offered" "C: MAIL C: RCPT C: RCPT C: DATA S: 250" \
		"$(grep -A4 '^MTA C: MAIL' "$T/trace" | awk '{ printf "%s%s %s", sep, $2, $3; sep = " " }')"
	stop "$SPID"

	printf 'Subject: plain\n\nhello\n' >"$T/msg"
	sink -p -8
	send 127.0.0.1 "$PORT" a@poczta.test r1@b.test
	check_eq "smtp-sink -p: delivered without pipelining" "ok 2.0.0" "$(result r1@b.test)"
	check_eq "smtp-sink -p: each command waits for its reply" "C: MAIL S: 250 C: RCPT S: 250 C: DATA" \
		"$(grep -A4 '^MTA C: MAIL' "$T/trace" | awk '{ printf "%s%s %s", sep, $2, $3; sep = " " }')"
	check "smtp-sink -8: no BODY= when 8BITMIME is not offered" \
		grep -q '^X-Mail-Args: <a@poczta.test>$' "$T"/sink/*
	stop "$SPID"

	sink -e
	send 127.0.0.1 "$PORT" a@poczta.test r1@b.test
	check_eq "smtp-sink -e: EHLO refused, HELO used, delivered" "ok 2.0.0" "$(result r1@b.test)"
	check "smtp-sink -e: HELO sent after EHLO" grep -q '^MTA C: HELO client.poczta.test$' "$T/trace"
	check "smtp-sink -e: dumped as plain SMTP" grep -q '^X-Client-Proto: SMTP$' "$T"/sink/*
	stop "$SPID"

	# fault injection: -r soft (4xx), -f hard (5xx), -Q 421, -q hang up
	for f in "-r MAIL|tempfail 4.3.0|tempfail 4.3.0" "-f MAIL|permfail 5.3.0|permfail 5.3.0" \
		 "-r RCPT|tempfail 4.3.0|ok 2.0.0" "-f RCPT|permfail 5.3.0|ok 2.0.0" \
		 "-r DATA|tempfail 4.3.0|tempfail 4.3.0" "-f DATA|permfail 5.3.0|permfail 5.3.0" \
		 "-r .|tempfail 4.3.0|tempfail 4.3.0" "-f .|permfail 5.3.0|permfail 5.3.0" \
		 "-Q MAIL|tempfail 4.0.0|tempfail 4.0.0" "-Q RCPT|tempfail 4.0.0|tempfail 4.0.0" \
		 "-q DATA|tempfail 4.4.2|tempfail 4.4.2"; do
		opt=${f%%|*}; rest=${f#*|}; want=${rest%%|*}; sess=${rest#*|}
		# shellcheck disable=SC2086
		sink $opt
		send 127.0.0.1 "$PORT" a@poczta.test r1@b.test
		check_eq "smtp-sink $opt: recipient and session" "$want|$sess" \
			"$(result r1@b.test)|$(result session)"
		stop "$SPID"
	done
fi

# --- the hostile server -----------------------------------------------------
# hostile ARGS...: start hostile-smtpd.py on a free port ($PORT), its
# command log in $T/h.log, the message in $T/h.data; pid in $HPID
hostile () {
	PORT=$(free_port)
	rm -f "$T/h.log" "$T/h.data"
	python3 "$TOOLS/hostile-smtpd.py" --port "$PORT" --log "$T/h.log" --data "$T/h.data" "$@" \
		>"$T/h.err" 2>&1 &
	HPID=$!
	PIDS_TO_KILL="$PIDS_TO_KILL $HPID"
	wait_port "$PORT"
}
logged () { grep -c "$1" "$T/h.log" 2>/dev/null || true; }

printf 'Subject: hostile\n\nbody\n' >"$T/msg"
hostile --reject bad@b.test --tempreject later@b.test
send 127.0.0.1 "$PORT" a@poczta.test ok@b.test bad@b.test later@b.test 'evil>@b.test'
check_eq "per-recipient results (pipelined): ok, 550, 450, bad syntax" \
	"ok 2.0.0|permfail 5.1.1|tempfail 4.2.1|permfail 5.1.3" \
	"$(result ok@b.test)|$(result bad@b.test)|$(result later@b.test)|$(result 'evil>@b.test')"
check "the server's text is kept" grep -q '^bad@b.test permfail 5.1.1 host 127.0.0.1 said: 550 5.1.1 <bad@b.test>: no such user (in reply to RCPT TO)' "$T/out"
stop "$HPID"

hostile --reject bad@b.test
send 127.0.0.1 "$PORT" a@poczta.test bad@b.test
check_eq "no recipient accepted: no text sent, the session ran its course" "permfail 5.1.1|ok 2.0.0|0" \
	"$(result bad@b.test)|$(result session)|$(logged DATA-END)"
stop "$HPID"

hostile --reject-mail spammer@poczta.test
send 127.0.0.1 "$PORT" spammer@poczta.test r@b.test r2@b.test
check_eq "MAIL refused (pipelined): every recipient and the session permfail" \
	"permfail 5.7.1|permfail 5.7.1|permfail 5.7.1|0" \
	"$(result r@b.test)|$(result r2@b.test)|$(result session)|$(logged DATA-END)"
check "... and QUIT still sent" grep -q '^MTA C: QUIT' "$T/trace"
stop "$HPID"

hostile --mode split --no-pipelining
send 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "replies split at odd bytes, all multi-line: delivered" "ok 2.0.0" "$(result r@b.test)"
stop "$HPID"
hostile --mode split
send 127.0.0.1 "$PORT" a@poczta.test r@b.test r2@b.test
check_eq "the same, pipelined" "ok 2.0.0|ok 2.0.0" "$(result r@b.test)|$(result r2@b.test)"
stop "$HPID"

hostile --mode stall
start=$(date +%s)
send --timeout 1000 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "a server that stops answering: tempfail 4.4.2" "tempfail 4.4.2" "$(result r@b.test)"
check "... and the timeout is kept" test $(( $(date +%s) - start )) -le 5
check "... the text says timeout" grep -q 'session tempfail 4.4.2 timeout' "$T/out"
stop "$HPID"
hostile --mode silent
send --timeout 1000 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "a server that never greets: tempfail 4.4.2" "tempfail 4.4.2" "$(result r@b.test)"
stop "$HPID"

# --- TLS: a CA and a certificate for localhost, made here --------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=poczta-test-ca -keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
	-keyout "$T/srv.key" -out "$T/srv.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost\n' >"$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
check "test CA and server certificate made" test -s "$T/srv.pem"
TLSARGS="--cert $T/srv.pem --key $T/srv.key"

# shellcheck disable=SC2086
hostile $TLSARGS --mode inject --auth u:p
send --tls starttls --ca "$T/ca.pem" --auth u p localhost "$PORT" a@poczta.test r@b.test
check_eq "bytes after the STARTTLS reply: tempfail" "tempfail 4.7.0" "$(result r@b.test)"
check "... the text says injection" grep -q '^session tempfail 4.7.0 .*injection' "$T/out"
check_eq "... and nothing more was sent: no TLS, AUTH or MAIL" "0 0 0" \
	"$(logged '^TLS$') $(logged '^AUTH') $(logged '^MAIL')"
stop "$HPID"

# shellcheck disable=SC2086
hostile $TLSARGS --no-starttls --auth u:p
send --tls starttls --ca "$T/ca.pem" --auth u p localhost "$PORT" a@poczta.test r@b.test
check_eq "STARTTLS required but not offered: tempfail 4.7.4" "tempfail 4.7.4" "$(result r@b.test)"
check_eq "... no STARTTLS, AUTH or MAIL sent" "0 0 0" \
	"$(logged '^STARTTLS') $(logged '^AUTH') $(logged '^MAIL')"
stop "$HPID"

# shellcheck disable=SC2086
hostile $TLSARGS --auth u:p
send --tls starttls --ca "$T/ca.pem" --auth u p localhost "$PORT" a@poczta.test r@b.test
check_eq "STARTTLS, verified, AUTH PLAIN: delivered" "ok 2.0.0" "$(result r@b.test)"
check_eq "... the server saw STARTTLS, TLS, EHLO again, AUTH, MAIL in that order" \
	"STARTTLS TLS EHLO AUTH MAIL" \
	"$(grep -E '^(STARTTLS|TLS|EHLO|AUTH|MAIL)' "$T/h.log" | sed 1d | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
check "... AUTH PLAIN carried base64 of NUL u NUL p" grep -qx "AUTH PLAIN $(printf '\0u\0p' | base64)" "$T/h.log"
check "... the password is not in the trace" sh -c "! grep -q '$(printf '\0u\0p' | base64)' '$T/trace'"
send --tls starttls --ca "$T/ca.pem" --auth u wrong localhost "$PORT" a@poczta.test r@b.test
check_eq "a wrong password: tempfail, the mail waits" "tempfail 5.7.8" "$(result r@b.test | sed 's/^tempfail 4/tempfail 5/')"
send --tls starttls --ca "$T/ca.pem" 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "a certificate for another name: tempfail 4.7.5" "tempfail 4.7.5" "$(result r@b.test)"
check "... the reason names the certificate problem" grep -q '^session tempfail 4.7.5 TLS with 127.0.0.1 failed' "$T/out"
send --tls starttls localhost "$PORT" a@poczta.test r@b.test
check_eq "a CA we do not trust: tempfail 4.7.5" "tempfail 4.7.5" "$(result r@b.test)"
fp=$(openssl x509 -in "$T/srv.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
send --tls starttls --pin "$fp" 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "... unless the certificate is pinned" "ok 2.0.0" "$(result r@b.test)"
send --tls may 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "--tls may: STARTTLS with any certificate" "ok 2.0.0" "$(result r@b.test)"
check "... and TLS was used" test "$(logged '^TLS$')" -ge 1
send --tls may --auth u p 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "--tls may with AUTH: under TLS, accepted" "ok 2.0.0" "$(result r@b.test)"
stop "$HPID"

hostile --auth u:p
send --tls may --auth u p 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "--tls may, no STARTTLS offered, AUTH wanted: no password in clear" "tempfail 4.7.0" \
	"$(result r@b.test)"
check_eq "... no AUTH or MAIL sent" "0 0" "$(logged '^AUTH') $(logged '^MAIL')"
send --tls may 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "--tls may, no STARTTLS offered, no AUTH: delivered in clear" "ok 2.0.0" "$(result r@b.test)"
send --tls none --auth u p 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "--tls none: AUTH in clear is allowed (loopback tests)" "ok 2.0.0" "$(result r@b.test)"
stop "$HPID"

# shellcheck disable=SC2086
hostile $TLSARGS --implicit --auth u:p
send --tls implicit --ca "$T/ca.pem" --auth u p localhost "$PORT" a@poczta.test r@b.test
check_eq "implicit TLS (465 style), AUTH: delivered" "ok 2.0.0" "$(result r@b.test)"
check_eq "... TLS came before the first command" "TLS EHLO" \
	"$(grep -v -e '^TLS-FAILED' -e '^CLOSED' "$T/h.log" | head -n 2 | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
stop "$HPID"

# DSN (RFC 3461) passed on to a server that offers it, and only then;
# SMTPUTF8 (RFC 6531) asked for when an address needs it, and a server
# without it refused for good before MAIL (no downgrading).
hostile --dsn --smtputf8
send --envid 'QQ+2B314' --ret hdrs --notify 6 --orcpt 127.0.0.1 "$PORT" a@poczta.test r+x@b.test
check_eq "DSN: delivered" "ok 2.0.0" "$(result r+x@b.test)"
check_eq "DSN: MAIL carries RET and ENVID as they came" \
	"MAIL FROM:<a@poczta.test> RET=HDRS ENVID=QQ+2B314" "$(grep '^MAIL' "$T/h.log" | sed 's/ SIZE=[0-9]*//')"
check_eq "DSN: RCPT carries NOTIFY and ORCPT in xtext" \
	"RCPT TO:<r+x@b.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;r+2Bx@b.test" "$(grep '^RCPT' "$T/h.log")"
send 127.0.0.1 "$PORT" zażółć@poczta.test r@b.test
check_eq "SMTPUTF8 offered: a UTF-8 sender goes out" "ok 2.0.0" "$(result r@b.test)"
check "... with MAIL's SMTPUTF8 parameter" grep -q '^MAIL FROM:<zażółć@poczta.test> SIZE=[0-9]* SMTPUTF8$' "$T/h.log"
stop "$HPID"
hostile
send --envid QQ1 --ret full --notify 2 --orcpt 127.0.0.1 "$PORT" a@poczta.test r@b.test
check_eq "no DSN offered: no DSN parameters sent" "MAIL FROM:<a@poczta.test>|RCPT TO:<r@b.test>" \
	"$(grep -e '^MAIL' -e '^RCPT' "$T/h.log" | sed 's/ SIZE=[0-9]*//' | tr '\n' '|' | sed 's/|$//')"
nmail=$(logged '^MAIL')
send 127.0.0.1 "$PORT" a@poczta.test 'ręka@b.test' r@b.test
check_eq "no SMTPUTF8 offered: a UTF-8 recipient is refused for good" "permfail 5.6.7" "$(result 'ręka@b.test')"
check_eq "... and so is the message to the others" "permfail 5.6.7" "$(result r@b.test)"
check_eq "... before any MAIL was sent" "$nmail" "$(logged '^MAIL')"
stop "$HPID"

done_testing
