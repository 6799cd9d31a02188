#!/bin/sh
# t-maa-search.sh - poczta-maa's SEARCH BODY and TEXT through the notmuch
# index that poczta-mda keeps: the same answers as reading every message,
# in INBOX and in a Maildir++ folder, but for a string found only inside a
# word (the documented compromise, which shows the index was used); and a
# folder the index does not fully know (a message dropped in by hand) is
# searched by reading its messages.
. "$(dirname "$0")/../lib.sh"

sandbox alice secret
IMAPS=$((base + 993))
A=$T/sb/mail/alice
sandbox_up

for s in "hello world" "quick brown fox" "jumps over" "Zażółć gęślą jaźń"; do
	printf 'Subject: %s\n\n%s, said the message.\n' "$s" "$s" |
		"$BIN/poczta-sendmail" -C "$CONF" alice@poczta.test
done
printf 'Subject: filed\n\nhello from a folder\n' >"$T/filed"
# indexed: how many messages of INBOX notmuch has
printf '[database]\npath=%s\n' "$A" >"$T/nm.cfg"
indexed () { NOTMUCH_CONFIG=$T/nm.cfg notmuch count 'path:new or path:cur' 2>/dev/null; }
i=0
while [ "$(indexed)" != 4 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "the four deliveries are indexed" 4 "$(indexed)"

# search SCRIPT-ARGS...: SEARCH results, one line per "FOLDER KEY VALUE"
search () {
	timeout 60 python3 - "$IMAPS" "$@" <<'PY'
import imaplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx)
m.login("alice", "secret")
for q in sys.argv[2:]:
    folder, key, value = q.split(" ", 2)
    m.select(folder)
    m.literal = value.encode()	# a literal: UTF-8 needs no quoting rules
    typ, data = m.search("UTF-8", key)
    print(folder, key, value, "=>", data[0].decode() or "-")
PY
}
search "INBOX BODY brown" "INBOX BODY hel" "INBOX TEXT quick" "INBOX BODY fox" \
	"INBOX BODY gęślą" "INBOX BODY ell" "INBOX BODY said" >"$T/out" 2>&1
check_eq "BODY word" "INBOX BODY brown => 2" "$(grep 'BODY brown' "$T/out")"
check_eq "BODY word prefix" "INBOX BODY hel => 1" "$(grep 'BODY hel ' "$T/out")"
check_eq "TEXT word" "INBOX TEXT quick => 2" "$(grep 'TEXT quick' "$T/out")"
check_eq "BODY word, twice in one message" "INBOX BODY fox => 2" "$(grep 'BODY fox' "$T/out")"
check_eq "BODY Polish word" "INBOX BODY gęślą => 4" "$(grep 'BODY gęślą' "$T/out")"
check_eq "BODY word in every message" "INBOX BODY said => 1 2 3 4" "$(grep 'BODY said' "$T/out")"
check_eq "a string inside a word is not in the index: the index was used" \
	"INBOX BODY ell => -" "$(grep 'BODY ell' "$T/out")"

# A message the index does not have yet: the folder is read instead.  It
# goes straight into cur/: one in new/ would be moved by SELECT, and
# poczta-maa notes what it moves for the indexer (t-maa-index).
cp "$T/filed" "$A/cur/1700000000.hand.poczta.test:2,"
search "INBOX BODY ell" "INBOX BODY hello" >"$T/out" 2>&1
check_eq "not all indexed: substrings are found by reading" "INBOX BODY ell => 1 5" \
	"$(grep 'BODY ell' "$T/out")"
check_eq "... and words too" "INBOX BODY hello => 1 5" "$(grep 'BODY hello' "$T/out")"

# An indexed message gone and a new one not indexed: the index still counts
# as many messages as the folder has, but the new file is newer than the
# index's last change, so it is read.
rm -f "$A"/new/1700000000.hand.* "$A"/cur/1700000000.hand.*
rm "$(grep -l '^Subject: jumps over' "$A"/new/* "$A"/cur/* 2>/dev/null | head -n 1)"
sleep 1.1
printf 'Subject: late\n\nhello again\n' >"$A/new/1800000000.late.poczta.test"
search "INBOX BODY hello" >"$T/out" 2>&1
check_eq "a message newer than the index is searched too" "INBOX BODY hello => 1 4" \
	"$(grep 'BODY hello' "$T/out")"
done_testing
