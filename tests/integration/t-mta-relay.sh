#!/bin/sh
# t-mta-relay.sh - poczta-mta relaying through a smarthost: Postfix's
# smtp-sink as the relayhost, with its fault injection for soft (4xx) and
# hard (5xx) refusals: remote mail arrives, soft refusals are retried and
# shown in the queue, hard ones and expired ones bounce to the sender.
. "$(dirname "$0")/../lib.sh"

SINK=/usr/sbin/smtp-sink
[ -x "$SINK" ] || { not_ok "smtp-sink is not installed (apt-get install postfix)"; done_testing; }
chmod 711 "$T"
base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
SPORT=$(free_port)
sed -i "s|^\[mta\]\$|[mta]\nrelayhost = 127.0.0.1:$SPORT\nrelay_tls = none\nrelay_networks = 127.0.0.0/8\nretry_min = 1s\nretry_max = 1s\nmax_queue_lifetime = 20s|" "$CONF"
A=$T/sb/mail/alice
SPID=

# sink ARGS: (re)start smtp-sink on $SPORT, dumping messages into $T/sink/
sink () {
	[ -n "$SPID" ] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
	mkdir -p "$T/sink"; chmod 777 "$T/sink"
	u=; [ "$(id -u)" -ne 0 ] || u="-u nobody"
	$SINK $u -d "$T/sink/%M." "$@" "127.0.0.1:$SPORT" 10 >>"$T/sink.log" 2>&1 &
	SPID=$!
	PIDS_TO_KILL="$PIDS_TO_KILL $SPID"
	i=0; while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$SPORT),1)" 2>/dev/null &&
		[ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
send () {	# send RCPT SUBJECT
	python3 - $((base + 25)) "$1" "$2" <<'PY'
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); c.ehlo("client.test")
c.sendmail("alice@poczta.test", [sys.argv[2]], "Subject: %s\r\n\r\nrelayed body\r\n" % sys.argv[3])
c.quit()
PY
}
until_true () { i=0; while ! "$@" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; "$@"; }
queue () { "$BIN/poczta-mta" -c "$CONF" queue 2>&1; }
sunk () { grep -l "$1" "$T"/sink/* >/dev/null 2>&1; }
bounced () { grep -l "$1" "$A"/new/* 2>/dev/null | xargs -r grep -l 'report-type=delivery-status' | grep -q .; }

sink
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1 || { not_ok "poczta-ctl up"; done_testing; }
trap '"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; cleanup' EXIT

send carol@elsewhere.example first
check "remote mail reaches the relayhost" until_true sunk 'Subject: first'
f=$(grep -l 'Subject: first' "$T"/sink/*)
check "with poczta-mta's Received header" grep -q '(poczta-mta) with ESMTP' "$f"
check "and its body" grep -q 'relayed body' "$f"

sink -r rcpt		# every RCPT refused with 4xx
send dave@elsewhere.example second
check "a 4xx refusal leaves the message deferred" until_true sh -c "'$BIN/poczta-mta' -c '$CONF' queue | grep -q 'deferred *dave@elsewhere.example'"
check "the queue shows the relayhost's reply" sh -c "'$BIN/poczta-mta' -c '$CONF' queue | grep -q '4[0-9][0-9] '"
sink			# the relayhost is well again
check "after it recovers the deferred message goes out" until_true sunk 'Subject: second'
check "and leaves the queue" until_true sh -c "'$BIN/poczta-mta' -c '$CONF' queue | grep -q 'Mail queue is empty'"

sink -f rcpt		# every RCPT refused with 5xx
send erin@elsewhere.example third
check "a 5xx refusal bounces to the sender" until_true bounced 'erin@elsewhere.example'
b=$(grep -l 'erin@elsewhere.example' "$A"/new/* | xargs grep -l 'report-type=delivery-status' | head -n 1)
check "the bounce says Action: failed with a 5.x.x Status" sh -c "grep -q 'Action: failed' '$b' && grep -q 'Status: 5\.' '$b'"
check "and quotes the relayhost's reply" grep -q 'Diagnostic-Code: smtp;.* 5[0-9][0-9] 5\.' "$b"

sink -r rcpt
sed -i 's/^max_queue_lifetime = 20s$/max_queue_lifetime = 2s/' "$CONF"
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; "$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
send frank@elsewhere.example fourth
check "a message still refused after max_queue_lifetime bounces (4.4.7)" until_true sh -c \
	"grep -l 'frank@elsewhere.example' '$A'/new/* 2>/dev/null | xargs -r grep -l 'Status: 4.4.7' | grep -q ."
done_testing
