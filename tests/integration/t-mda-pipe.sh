#!/bin/sh
# t-mda-pipe.sh - poczta-mda as a pipe: a corpus of varied messages delivered
# byte for byte with Return-Path and Delivered-To added, recipients resolved,
# sysexits codes, size limits, loops, and a 100 MB message in constant memory.
. "$(dirname "$0")/../lib.sh"

prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test >/dev/null 2>&1 ||
	{ not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
INBOX=$T/sb/mail/alice
python3 "$top/tests/corpus/make-corpus.py" "$T/corpus"

# expected FILE SENDER RCPT: what delivery must have written
expected () {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
if data.startswith(b"From "):
    data = data.split(b"\n", 1)[1]
nl = data.find(b"\n")
eol = b"\r\n" if nl > 0 and data[nl - 1:nl] == b"\r" else b"\n"
sys.stdout.buffer.write(b"Return-Path: <" + sys.argv[2].encode() + b">" + eol +
                        b"Delivered-To: " + sys.argv[3].encode() + eol + data)
PY
}

for m in "$T"/corpus/*.eml; do
	name=$(basename "$m" .eml)
	rm -f "$INBOX"/new/*
	if POCZTA_CONFIG=$CONF prog poczta-mda -f sender@example.org -d alice@poczta.test <"$m" 2>"$T/err"; then
		got=$(ls "$INBOX"/new | wc -l)
		expected "$m" sender@example.org alice@poczta.test >"$T/want"
		if [ "$got" = 1 ] && cmp -s "$T/want" "$INBOX"/new/*; then
			ok "corpus $name: delivered byte for byte with the trace headers"
		else
			not_ok "corpus $name: content differs (files: $got)"
		fi
	else
		not_ok "corpus $name: poczta-mda failed: $(cat "$T/err")"
	fi
done
check_eq "tmp/ is empty after the corpus" "0" "$(ls "$INBOX"/tmp | wc -l)"

# A size in the name lets an IMAP server answer RFC822.SIZE without opening the file.
f=$(ls "$INBOX"/new/*)
size=$(wc -c <"$f")
case "$f" in *",S=$size,W="*) ok "file name carries S=size" ;; *) not_ok "file name $f lacks S=$size" ;; esac

# The default recipient is [global] user; -c names the file.
rm -f "$INBOX"/new/*
printf 'Subject: default\n\nx\n' | prog poczta-mda -c "$CONF"
check_eq "no -d: delivered to the configured user" "1" "$(ls "$INBOX"/new | wc -l)"

# Subaddress: alice+lists is alice.
printf 'Subject: plus\n\nx\n' | prog poczta-mda -c "$CONF" -d alice+lists@poczta.test
check_eq "alice+lists@ reaches alice" "2" "$(ls "$INBOX"/new | wc -l)"

# A delivery poczta-mta names (--delivery-id) is stored once even when a
# crash makes the MTA hand it over again; another id is another message.
rm -f "$INBOX"/new/*
for i in 1 2; do
	printf 'Subject: once\n\nx\n' | prog poczta-mda -c "$CONF" --delivery-id Q123.abc -d alice@poczta.test
done
check_eq "the same delivery id twice: one message" "1" "$(ls "$INBOX"/new | wc -l)"
printf 'Subject: once\n\nx\n' | prog poczta-mda -c "$CONF" --delivery-id Q124.abc -d alice@poczta.test
check_eq "another delivery id: a second message" "2" "$(ls "$INBOX"/new | wc -l)"
printf 'Subject: x\n\nx\n' | prog poczta-mda -c "$CONF" --delivery-id '../evil' 2>/dev/null
check_eq "a delivery id with a slash is refused (EX_USAGE)" "64" "$?"

# With domains empty the host name is the local domain (Postfix's
# mydestination = $myhostname), and bare names are qualified with it.
sed -i 's/^domains = .*/domains =/' "$CONF"
rm -f "$INBOX"/new/*
printf 'Subject: host\n\nx\n' | prog poczta-mda -c "$CONF" -d alice@poczta.test
check_eq "no domains set: mail for the host name's domain is delivered" "0" "$?"
printf 'Subject: bare\n\nx\n' | prog poczta-mda -c "$CONF" -d alice
check "a bare recipient gets the host name as its domain" grep -q '^Delivered-To: alice@poczta.test$' "$INBOX"/new/*
sed -i 's/^domains =$/domains = poczta.test/' "$CONF"

# Unknown user, foreign domain: permanent failures with the sysexits codes.
printf 'Subject: x\n\nx\n' | prog poczta-mda -c "$CONF" -d nobody@poczta.test 2>"$T/err"
check_eq "unknown user exits EX_NOUSER (67)" "67" "$?"
check "the error names the user and says 5.1.1" grep -q '5.1.1.*nobody' "$T/err"
printf 'Subject: x\n\nx\n' | prog poczta-mda -c "$CONF" -d alice@elsewhere.example 2>/dev/null
check_eq "foreign domain exits EX_NOUSER (67)" "67" "$?"

# Empty input is refused, not delivered as an empty file.
prog poczta-mda -c "$CONF" </dev/null 2>/dev/null
check_eq "empty message exits EX_DATAERR (65)" "65" "$?"

# A message that already went through this mailbox is a loop (5.4.6).
printf 'Delivered-To: alice@poczta.test\nSubject: loop\n\nx\n' |
	prog poczta-mda -c "$CONF" -d alice@poczta.test 2>"$T/err"
check_eq "a Delivered-To loop exits EX_UNAVAILABLE (69)" "69" "$?"
check "the loop is reported as 5.4.6" grep -q '5.4.6' "$T/err"

# Size limit: refused, nothing left behind.
sed -i 's/^\[mda\]$/[mda]\nmax_message_size = 1k/' "$CONF"
n_before=$(ls "$INBOX"/new | wc -l)
head -c 5000 /dev/zero | tr '\0' 'a' | prog poczta-mda -c "$CONF" 2>/dev/null
check_eq "over max_message_size exits EX_DATAERR (65)" "65" "$?"
check_eq "nothing delivered over the limit" "$n_before" "$(ls "$INBOX"/new | wc -l)"
check_eq "nothing left in tmp/ over the limit" "0" "$(ls "$INBOX"/tmp | wc -l)"
sed -i '/^max_message_size = 1k$/d' "$CONF"

# Disk or permission trouble is temporary: EX_TEMPFAIL, and nothing half-written.
if [ "$(id -u)" != 0 ]; then
	chmod 500 "$INBOX/tmp"
	printf 'Subject: x\n\nx\n' | prog poczta-mda -c "$CONF" 2>/dev/null
	check_eq "unwritable Maildir exits EX_TEMPFAIL (75)" "75" "$?"
	chmod 700 "$INBOX/tmp"
else
	mv "$INBOX/tmp" "$INBOX/tmp.away"; : >"$INBOX/tmp"
	printf 'Subject: x\n\nx\n' | prog poczta-mda -c "$CONF" 2>/dev/null
	check_eq "a Maildir whose tmp/ is a file exits EX_TEMPFAIL (75)" "75" "$?"
	rm "$INBOX/tmp"; mv "$INBOX/tmp.away" "$INBOX/tmp"
fi

# 100 MB in constant memory (skipped under valgrind: too slow there).
if [ -z "${VALGRIND:-}" ]; then
	python3 - "$T/big.eml" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"From: big@example.org\nSubject: big\n\n")
    line = b"0123456789" * 7 + b"\n"
    for _ in range(100 * 1024 * 1024 // len(line)):
        f.write(line)
PY
	rm -f "$INBOX"/new/*
	/usr/bin/time -f '%M' -o "$T/rss" "$BIN/poczta-mda" -c "$CONF" <"$T/big.eml"
	rss=$(tail -n 1 "$T/rss")
	check "100 MB message delivered" test "$(cat "$INBOX"/new/* | wc -c)" -gt 104857600
	check "100 MB delivered in under 16 MB of memory (max RSS ${rss} kB)" test "$rss" -lt 16384
	rm -f "$T/big.eml" "$INBOX"/new/*
fi
done_testing
