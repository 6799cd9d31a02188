#!/bin/sh
# t-mta-reuse.sh - poczta-mta's long-lived processes: a session process
# serves the next connection itself, a delivery worker keeps its LMTP
# connection to poczta-mda for the next message, and every message still
# arrives once.  Counts come from the log (each line names its pid).
. "$(dirname "$0")/../lib.sh"

N=30
base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
sed -i 's|^\[mta\]$|[mta]\ndelivery_concurrency = 3|' "$CONF"
sed -i 's|^\[mda\]$|[mda]\nindex = no|' "$CONF"
PORT=$((base + 25))
A=$T/sb/mail/alice
LOG=$T/sb/log/poczta.log
"$BIN/poczta-ctl" -c "$CONF" up >"$T/up.log" 2>&1 || { not_ok "poczta-ctl up: $(cat "$T/up.log")"; done_testing; }
trap '"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; cleanup' EXIT

# N messages, one connection each, one after the other
python3 - "$PORT" "$N" >"$T/client.out" 2>&1 <<'PY'
import smtplib, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    c = smtplib.SMTP("127.0.0.1", port, timeout=60)
    c.sendmail("s@example.org", ["alice@poczta.test"],
               "Subject: reuse %d\r\nMessage-ID: <reuse-%d@t.test>\r\n\r\nbody %d\r\n" % (i, i, i))
    c.quit()
print("sent", n)
PY
check "the client sent $N messages" grep -q "^sent $N" "$T/client.out"
i=0
while [ "$(ls "$A/new" 2>/dev/null | wc -l)" -lt $N ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "all $N arrived" $N "$(ls "$A/new" | wc -l)"
check_eq "each once" $N "$(cat "$A"/new/* | grep '^Message-ID: <reuse-' | sort -u | wc -l)"

sessions=$(grep 'poczta-mta\[.*connect from=' "$LOG" | grep -v disconnect | wc -l)
procs=$(grep 'poczta-mta\[.*connect from=' "$LOG" | grep -v disconnect |
	sed 's/.*poczta-mta\[\([0-9]*\)\].*/\1/' | sort -u | wc -l)
# (poczta-ctl up's readiness probe is one more)
check "poczta-mta logged the $N SMTP sessions ($sessions)" test "$sessions" -ge $N
check "fewer session processes than sessions ($procs for $sessions): they are reused" \
	test "$procs" -lt "$sessions"
lmtp=$(grep 'poczta-mda\[.*connect from=' "$LOG" | grep -vc disconnect)
check "fewer LMTP connections than messages ($lmtp for $N): workers keep theirs" \
	test "$lmtp" -lt $((N / 2))

# The MDA's side of a kept connection goes away (its session processes are
# killed just after a delivery, inside the worker's 2 s): the next message
# is still delivered at once, on a new connection, not deferred for a retry.
send_one () {
	python3 - "$PORT" "$1" <<'PY'
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
c.sendmail("s@example.org", ["alice@poczta.test"], "Subject: %s\r\n\r\nbody\r\n" % sys.argv[2])
c.quit()
PY
}
mda=$(cat "$T/sb/data/run/mda.pid")
send_one "before the cut"
i=0
while [ "$(ls "$A/new" | wc -l)" -lt $((N + 1)) ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
for p in $(pgrep -P "$mda"); do kill "$p"; done
send_one "after the cut"
i=0
while [ "$(ls "$A/new" | wc -l)" -lt $((N + 2)) ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
check "a message after the MDA closed the kept connection arrives within 20 s" \
	grep -q '^Subject: after the cut' $(ls "$A"/new/*)
done_testing
