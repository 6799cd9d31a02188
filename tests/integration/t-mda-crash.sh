#!/bin/sh
# t-mda-crash.sh - kill delivery at every step (crash points) and at random
# moments: nothing partial may ever be visible in new/ or cur/, and no folder
# may hold the message twice.
. "$(dirname "$0")/../lib.sh"

prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test >/dev/null 2>&1 ||
	{ not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
M=$T/sb/mail/alice
# two targets, so a crash can fall between the links
sed -i 's|^\[mda\]$|[mda]\nsieve = filter.sieve|' "$CONF"
printf 'require ["fileinto", "copy"];\nfileinto :copy "Archive";\n' >"$T/sb/filter.sieve"
python3 - "$T/msg" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"From: a@example.org\nSubject: crash\nMessage-ID: <crash@x>\n\n")
    f.write(b"line of the body that repeats\n" * 40000)   # ~1.2 MB: several chunks
PY
hdr_size=$(printf 'Return-Path: <s@x>\nDelivered-To: alice@poczta.test\n' | wc -c)
want_size=$(($(wc -c <"$T/msg") + hdr_size))

# visible_ok: every visible file is whole, and no folder has two
visible_ok () {
	for d in "$M" "$M/.Archive"; do
		n=0
		for f in "$d"/new/* "$d"/cur/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			[ "$(wc -c <"$f")" = "$want_size" ] || { echo "# partial: $f"; return 1; }
		done
		[ "$n" -le 1 ] || { echo "# duplicate in $d"; return 1; }
	done
}
reset_mail () { rm -rf "$M"/new/* "$M"/cur/* "$M"/tmp/* "$M/.Archive"; }

points=$(POCZTA_CRASH_AT=none POCZTA_CRASH_LIST=1 "$BIN/poczta-mda" -c "$CONF" -f s@x <"$T/msg" 2>&1 |
	sed -n 's/^crash-point: //p' | awk '!seen[$0]++')
check "delivery passes the named crash points" test -n "$points"
for p in $points; do
	reset_mail
	POCZTA_CRASH_AT=$p "$BIN/poczta-mda" -c "$CONF" -f s@x <"$T/msg" 2>/dev/null
	rc=$?
	if [ "$rc" = 137 ] && visible_ok; then
		ok "killed at $p: nothing partial or duplicated visible"
	else
		not_ok "killed at $p (status $rc)"
	fi
done
# The second link: the message in one folder, not yet in the other - never half.
reset_mail
POCZTA_CRASH_AT=linked:1 "$BIN/poczta-mda" -c "$CONF" -f s@x <"$T/msg" 2>/dev/null
check_eq "killed between two links: exactly one folder has it" "1" \
	"$(find "$M" -path '*/new/*' -type f | wc -l)"

# Random moments, with kill -9 from outside.
bad=0
for i in $(seq 1 25); do
	reset_mail
	"$BIN/poczta-mda" -c "$CONF" -f s@x <"$T/msg" 2>/dev/null &
	pid=$!
	sleep "0.0$(($(od -An -N1 -tu1 /dev/urandom) % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	visible_ok || bad=$((bad + 1))
done
check_eq "25 kills at random moments: nothing partial or duplicated" "0" "$bad"

# After all that, a delivery that is not interrupted still works.
reset_mail
"$BIN/poczta-mda" -c "$CONF" -f s@x <"$T/msg"
check_eq "a clean delivery afterwards reaches both folders" "2" \
	"$(find "$M" -path '*/new/*' -type f | wc -l)"
done_testing
