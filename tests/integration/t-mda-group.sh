#!/bin/sh
# t-mda-group.sh - poczta-mda's LMTP group commit: transactions a client
# pipelines (RFC 2033 requires PIPELINING) are delivered together, their
# folder synced once, and no reply is sent before that sync.
. "$(dirname "$0")/../lib.sh"

base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf

# session N: LHLO, then N transactions and QUIT, all written at once
session () {
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = b"LHLO batch.example\r\n"
for i in range(n):
    out += (b"MAIL FROM:<s@example.org>\r\nRCPT TO:<alice@poczta.test>\r\nDATA\r\n"
            b"Subject: batch %d\r\n\r\nbody %d\r\n.\r\n" % (i, i))
out += b"QUIT\r\n"
sys.stdout.buffer.write(out)
PY
}

session 3 >"$T/in3"
prog poczta-mda -c "$CONF" --lmtp <"$T/in3" >"$T/out" 2>"$T/err"
tr -d '\r' <"$T/out" >"$T/out.lf"
check_eq "three pipelined transactions: three delivered" 3 "$(ls "$T/sb/mail/alice/new" | wc -l)"
check_eq "one 250 after each final dot" 3 "$(grep -c '^250 2.0.0 delivered' "$T/out.lf")"
check "and 221 for QUIT" grep -q '^221 ' "$T/out.lf"

# Killed at the batch's folder sync: every transaction of the batch was
# delivered before it, and not one reply has gone out yet.
rm -f "$T"/sb/mail/alice/new/*
POCZTA_CRASH_AT=group-synced:1 "$BIN/poczta-mda" -c "$CONF" --lmtp <"$T/in3" >"$T/out" 2>/dev/null
check_eq "killed at the first group sync: all three were in that batch" 3 \
	"$(ls "$T/sb/mail/alice/new" | wc -l)"
check_eq "and nothing was answered before the sync" 0 "$(grep -c '^250' "$T/out")"

# A message larger than what is staged in memory (1 MB) moves on into a
# scratch file while it arrives, and arrives whole.
rm -f "$T"/sb/mail/alice/new/*
python3 - >"$T/big" <<'PY'
import sys
body = b"".join(b"line %07d of a big message, stored whole\r\n" % i for i in range(60000))
sys.stdout.buffer.write(b"LHLO big.example\r\nMAIL FROM:<s@example.org>\r\n"
                        b"RCPT TO:<alice@poczta.test>\r\nDATA\r\nSubject: big\r\n\r\n" +
                        body + b".\r\nQUIT\r\n")
PY
prog poczta-mda -c "$CONF" --lmtp <"$T/big" >"$T/out" 2>"$T/err"
f=$(ls "$T"/sb/mail/alice/new/* 2>/dev/null | head -n 1)
check "a 2.6 MB message is delivered" test -n "$f"
check_eq "with all its 60000 lines, in order" "60000 line 0059999 of a big message, stored whole" \
	"$(grep -c '^line ' "$f" 2>/dev/null) $(tail -n 1 "$f" 2>/dev/null)"

done_testing
