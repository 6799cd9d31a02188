#!/bin/sh
# t-mta-crash.sh - the queue survives kill -9 at any moment: while a client
# keeps sending, the whole poczta-mta (listener, sessions, committer, queue
# manager, workers) is killed at least 100 times and restarted; afterwards
# every message that was answered 250 has arrived exactly once.  The MDA is
# killed now and then too.
. "$(dirname "$0")/../lib.sh"

KILLS=${KILLS:-100}
base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
sed -i 's|^\[mta\]$|[mta]\nretry_min = 1s\nretry_max = 2s|' "$CONF"
RUN=$T/sb/data/run
A=$T/sb/mail/alice
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1 || { not_ok "poczta-ctl up"; done_testing; }
trap '"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; cleanup' EXIT

# The client: one message per connection, each with its own Message-ID;
# the number of each one answered 250 goes to acked.
python3 - $((base + 25)) "$T/acked" "$T/stop" >"$T/client.log" 2>&1 <<'PY' &
import os, smtplib, sys, time
port, acked, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
n = 0
with open(acked, "w") as out:
    while not os.path.exists(stop):
        n += 1
        msg = "Subject: crash %d\r\nMessage-ID: <ack-%d@crash.test>\r\n\r\nbody %d\r\n" % (n, n, n)
        try:
            c = smtplib.SMTP("127.0.0.1", port, timeout=5)
            c.sendmail("s@example.org", ["alice@poczta.test"], msg)
            out.write("%d\n" % n); out.flush()
            c.quit()
        except Exception:
            time.sleep(0.02)
PY
client=$!
PIDS_TO_KILL=$client

i=0
while [ $i -lt "$KILLS" ]; do
	i=$((i + 1))
	sleep "0.$(($(od -An -N1 -tu1 /dev/urandom) % 20 + 5))"
	pid=$(cat "$RUN/mta.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null	# the whole process group
	if [ $((i % 10)) = 0 ]; then
		pid=$(cat "$RUN/mda.pid" 2>/dev/null)
		[ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null
	fi
	"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
done
touch "$T/stop"
wait "$client"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
acked=$(wc -l <"$T/acked")
check "the client got messages through between the kills ($acked answered 250)" test "$acked" -gt 20

# Let the queue drain.
n=0
while ! "$BIN/poczta-mta" -c "$CONF" queue 2>/dev/null | grep -q 'Mail queue is empty' && [ $n -lt 600 ]; do
	sleep 0.1; n=$((n + 1))
done
check "the queue drains after the last restart" sh -c "'$BIN/poczta-mta' -c '$CONF' queue | grep -q 'Mail queue is empty'"

grep -h '^Message-ID: <ack-' "$A"/new/* "$A"/cur/* 2>/dev/null | sed 's/^Message-ID: <ack-\([0-9]*\)@.*/\1/' |
	sort -n | uniq -c >"$T/delivered"
missing=0
while read -r id; do
	grep -q "^ *[0-9]* $id\$" "$T/delivered" || { missing=$((missing + 1)); echo "# missing: $id"; }
done <"$T/acked"
check_eq "every message answered 250 was delivered" 0 "$missing"
dups=$(awk '$1 > 1' "$T/delivered" | wc -l)
check_eq "no message was delivered twice" 0 "$dups"
[ "$dups" = 0 ] || awk '$1 > 1 {print "# twice: " $2}' "$T/delivered" | head
check_eq "no partial file in new/ or cur/" 0 \
	"$(for f in "$A"/new/* "$A"/cur/*; do [ -f "$f" ] && ! grep -q '^body [0-9]' "$f" && echo "$f"; done | wc -l)"
done_testing
