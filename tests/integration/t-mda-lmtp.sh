#!/bin/sh
# t-mda-lmtp.sh - poczta-mda --lmtp, on stdin/stdout and on a listening socket,
# driven by Python's smtplib.LMTP: one reply per recipient (RFC 2033 4.2),
# dot-unstuffing, CRLF stored as LF, a Received header naming the MDA, bare LF
# refused, and the notmuch index updated within a second or two.
. "$(dirname "$0")/../lib.sh"

base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
prog poczta-ctl adduser bob --password pw -c "$T/sb/poczta.conf" >/dev/null 2>&1 ||
	not_ok "poczta-ctl adduser bob"
CONF=$T/sb/poczta.conf
PORT=$((base + 24))

# stdin/stdout: a whole LMTP session as a person would type it (lowercase).
printf 'lhlo client.example\r\nmail from:<s@example.org>\r\nrcpt to:<alice@poczta.test>\r\nrcpt to:<nobody@poczta.test>\r\nrcpt to:<bob@poczta.test>\r\ndata\r\nSubject: stdio\r\n\r\n..dot-stuffed\r\nbody\r\n.\r\nquit\r\n' |
	prog poczta-mda -c "$CONF" --lmtp >"$T/out" 2>"$T/err"
tr -d '\r' <"$T/out" >"$T/out.lf"
check "greeting 220" grep -q '^220 ' "$T/out.lf"
check "unknown recipient refused with 550 5.1.1" grep -q '^550 5.1.1' "$T/out.lf"
check_eq "two 250 replies after the data, one per accepted recipient" "2" \
	"$(sed -n '/^354/,$p' "$T/out.lf" | grep -c '^250 ')"
f=$(ls "$T"/sb/mail/alice/new/* 2>/dev/null | head -n 1)
check "alice got the message" test -n "$f"
check "dot-stuffing removed" grep -qx '.dot-stuffed' "$f"
check "stored with LF line ends" sh -c "! grep -q \"\$(printf '\\r')\" '$f'"
check "a Received header names poczta-mda and LMTP" grep -q 'by .* (poczta-mda) with LMTP' "$f"
check "Delivered-To names the recipient" grep -qx 'Delivered-To: alice@poczta.test' "$f"
check "bob got his own copy" test "$(ls "$T"/sb/mail/bob/new | wc -l)" = 1

# The listening socket, as poczta-ctl up runs it.
"$BIN/poczta-mda" -c "$CONF" --lmtp --listen 2>"$T/daemon.log" &
PIDS_TO_KILL=$!
python3 - "$PORT" >"$T/py.out" 2>&1 <<'PY'
import smtplib, sys, time
port = int(sys.argv[1])
for _ in range(50):
    try:
        c = smtplib.LMTP("127.0.0.1", port); break
    except OSError:
        time.sleep(0.1)
c.ehlo_or_helo_if_needed = lambda: c.ehlo()  # LMTP speaks LHLO
code, _ = c.docmd("LHLO", "py.example")
assert code == 250, code
c.does_esmtp = True
msg = b"From: py@example.org\r\nSubject: over the socket\r\nMessage-ID: <lmtp-1@example.org>\r\n\r\nhello\r\n"
c.mail("py@example.org")
print("rcpt", c.rcpt("alice@poczta.test")[0], c.rcpt("ghost@poczta.test")[0], c.rcpt("bob@poczta.test")[0])
c.putcmd("data")
print("data", c.getreply()[0])
c.send(msg + b".\r\n")
replies = [c.getreply()[0] for _ in range(2)]
print("replies", *replies)
# bare LF in the data: refused for every recipient, never split (SMTP smuggling)
c.mail("py@example.org"); c.rcpt("alice@poczta.test")
c.putcmd("data"); c.getreply()
c.send(b"Subject: smuggle\r\n\r\nx\n.\nMAIL FROM:<evil@example.org>\r\n.\r\n")
print("smuggle", c.getreply()[0])
c.quit()
PY
check "python: rcpt replies 250 550 250" grep -qx 'rcpt 250 550 250' "$T/py.out"
check "python: 354 for data" grep -qx 'data 354' "$T/py.out"
check "python: one 250 per accepted recipient" grep -qx 'replies 250 250' "$T/py.out"
check "python: a message with bare LF is refused with 5xx" grep -qE '^smuggle 5[0-9][0-9]$' "$T/py.out"
check_eq "the smuggled message was not delivered" "0" \
	"$(grep -l 'smuggle\|evil' "$T"/sb/mail/alice/new/* 2>/dev/null | wc -l)"
[ -s "$T/py.out" ] || cat "$T/daemon.log"

# The index: the daemon batches what was delivered and notmuch sees it soon.
cat >"$T/notmuch.conf" <<NM
[database]
path=$T/sb/mail/alice
NM
found=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	n=$(NOTMUCH_CONFIG=$T/notmuch.conf notmuch count id:lmtp-1@example.org 2>/dev/null)
	[ "${n:-0}" = 1 ] && { found=1; break; }
	sleep 0.1
done
check_eq "notmuch finds the message within two seconds" "1" "$found"
check_eq "it is tagged inbox and unread" "1" \
	"$(NOTMUCH_CONFIG=$T/notmuch.conf notmuch count id:lmtp-1@example.org and tag:inbox and tag:unread 2>/dev/null)"

kill "$PIDS_TO_KILL"; wait "$PIDS_TO_KILL" 2>/dev/null
check "the listener stops on SIGTERM" sh -c "! kill -0 $PIDS_TO_KILL 2>/dev/null"
done_testing
