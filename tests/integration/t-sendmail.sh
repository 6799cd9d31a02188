#!/bin/sh
# t-sendmail.sh - poczta-sendmail as cron, git send-email, mailx and scripts
# call it: each message goes into the queue and through the whole chain
# (queue -> poczta-mta -> LMTP -> poczta-mda -> Maildir).  -t with To, Cc and
# Bcc, -f, -F, the local fix-ups, the "." line, -bs, ignored options, the
# exit statuses, a stopped MTA, and the sendmail link of make install.
. "$(dirname "$0")/../lib.sh"

sandbox alice x
prog poczta-ctl -c "$CONF" adduser bob --password y >/dev/null 2>&1
prog poczta-ctl -c "$CONF" adduser carol --password z >/dev/null 2>&1
printf 'team: alice, bob\n' >"$T/sb/aliases"
sed -i 's|^\[mta\]$|[mta]\naliases = aliases\nmax_message_size = 200k|' "$CONF"
A=$T/sb/mail/alice
B=$T/sb/mail/bob
C=$T/sb/mail/carol
sandbox_up
POCZTA_CONFIG=$CONF; export POCZTA_CONFIG
me=$(id -un)

# found DIR SUBJECT: the delivered message with that subject (5 s at most)
found () {
	i=0
	while [ $i -lt 50 ]; do
		f=$(grep -l "^Subject: $2\$" "$1"/new/* 2>/dev/null | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# sm ARGS...: poczta-sendmail, its exit status in $rc and stderr in $T/err
sm () { prog poczta-sendmail "$@" 2>"$T/err"; rc=$?; }

printf 'Subject: plain\n\nhello alice\n' >"$T/m"; sm alice@poczta.test <"$T/m"
check_eq "plain: exit 0" 0 "$rc"
f=$(found "$A" plain)
check "plain: delivered to alice" test -n "$f"
check "plain: Received names poczta-sendmail and the user id" \
	grep -q "^Received: by poczta.test (poczta-sendmail, from userid $(id -u));" "$f"
check "plain: Return-Path is the invoking user at the first domain" \
	grep -q "^Return-Path: <$me@poczta.test>" "$f"
check "plain: From, Date and Message-ID are added" \
	sh -c "grep -q '^From: .*$me@poczta.test' '$f' && grep -q '^Date: ' '$f' && grep -q '^Message-ID: <.*@poczta.test>' '$f'"
check "plain: stderr stays quiet" test ! -s "$T/err"

# git send-email: sendmail -i -t (and -f), the recipients in folded fields
cat >"$T/git.msg" <<'EOF'
From: Dev <dev@example.org>
To: Bob <bob@poczta.test>
Cc: "Alice, A." <alice@poczta.test> (the reviewer)
Bcc: Hidden:
	carol@poczta.test;
Subject: [PATCH] git
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <patch.1@example.org>

diff --git a/x b/x
.
the dot above is content with -i
EOF
sm -i -t -f dev@example.org <"$T/git.msg"
check_eq "-t -i: exit 0" 0 "$rc"
fa=$(found "$A" '\[PATCH\] git'); fb=$(found "$B" '\[PATCH\] git'); fc=$(found "$C" '\[PATCH\] git')
check "-t: To recipient bob gets it" test -n "$fb"
check "-t: Cc recipient alice gets it" test -n "$fa"
check "-t: Bcc recipient carol (in a group) gets it" test -n "$fc"
check "-t: no copy has a Bcc field" sh -c "! grep -qi '^Bcc:' '$fa' '$fb' '$fc'"
check "-t: nor its folded members" sh -c "! grep -q 'Hidden' '$fa' '$fb' '$fc'"
check "-f sets Return-Path" grep -q '^Return-Path: <dev@example.org>' "$fb"
check "-i: the lone . is content" grep -q '^the dot above is content with -i' "$fb"
check "Date present: kept, not added" sh -c "[ \$(grep -c '^Date:' '$fb') = 1 ] && grep -q '^Date: Mon, 1 Jan 2024' '$fb'"
check "Message-ID present: kept, not added" \
	sh -c "[ \$(grep -ci '^Message-ID:' '$fb') = 1 ] && grep -q '<patch.1@example.org>' '$fb'"

printf 'Subject: dot\n\nbefore\n.\nafter the dot\n' >"$T/m"; sm bob@poczta.test <"$T/m"
f=$(found "$B" dot)
check "no -i: a lone . ends the message" sh -c "grep -q '^before' '$f' && ! grep -q 'after the dot' '$f'"
printf 'Subject: oi\n\nbefore\n.\nafter the dot\n' >"$T/m"; sm -oi bob@poczta.test <"$T/m"
check "-oi: the lone . is content" grep -q 'after the dot' "$(found "$B" oi)"

printf 'Subject: named\n\nhi\n' >"$T/m"; sm -F 'Jan Kowalski' -f jan@poczta.test bob@poczta.test <"$T/m"
check "-F: From: NAME <sender> is added" grep -q '^From: Jan Kowalski <jan@poczta.test>' "$(found "$B" named)"
printf 'Subject: named2\n\nhi\n' >"$T/m"; sm -F 'Kowalski, Jan' bob@poczta.test <"$T/m"
check "-F: a name with a comma is quoted" \
	grep -q "^From: \"Kowalski, Jan\" <$me@poczta.test>" "$(found "$B" named2)"

printf 'Subject: crlf\r\nTo: bob@poczta.test\r\n\r\nline one\r\nbare\rcr\r\n' >"$T/m"; sm -t <"$T/m"
f=$(found "$B" crlf)
check "CR LF becomes LF" sh -c "grep -q '^line one\$' '$f' && ! grep -q \"\$(printf '\\r')\" '$f'"
check "a bare CR becomes a line end" sh -c "grep -q '^bare\$' '$f' && grep -q '^cr\$' '$f'"

{ printf 'Subject: long\n\n'; head -c 3000 /dev/zero | tr '\0' x; printf '\nend\n'; } >"$T/m"
sm bob@poczta.test <"$T/m"
f=$(found "$B" long)
check "a line over 998 octets is broken there and delivered" \
	sh -c "[ \$(awk '{ if (length(\$0) > m) m = length(\$0) } END { print m }' '$f') -le 998 ] && [ \$(grep -E '^ ?x+\$' '$f' | tr -cd x | wc -c) = 3000 ]"

python3 -c "import sys; sys.stdout.buffer.write(('Subject: utf\nX-Long: ' + 'ą' * 1500 + '\n\nb\n').encode())" >"$T/m"
sm -F 'Łukasz Żółć' bob@poczta.test <"$T/m"
f=$(found "$B" utf)
check "-F: a UTF-8 name is an RFC 2047 encoded word" \
	grep -q '^From: =?UTF-8?B?xYF1a2FzeiDFu8OzxYLEhw==?= <' "$f"
check "a long UTF-8 field is folded, no character cut in two" \
	sh -c "iconv -f UTF-8 -t UTF-8 '$f' >/dev/null && [ \$(grep -c '^ ąą' '$f') -ge 2 ]"

printf 'Subject: alias\n\nhi\n' >"$T/m"; sm team <"$T/m"
fa=$(found "$A" alias); fb=$(found "$B" alias)
check "a bare name gets the local domain; aliases are expanded" test -n "$fa" -a -n "$fb"

printf 'Subject: resent\nTo: alice@poczta.test\nResent-To: carol@poczta.test\nResent-From: r@poczta.test\n\nfwd\n' >"$T/m"; sm -t <"$T/m"
f=$(found "$C" resent)
check "-t with Resent-To: the Resent- recipients only" \
	sh -c "test -n '$f' && ! grep -qs '^Subject: resent' '$A'/new/*"
check "-t with Resent-: Resent-Date and Resent-Message-ID added" \
	sh -c "grep -q '^Resent-Date: ' '$f' && grep -q '^Resent-Message-ID: ' '$f' && ! grep -q '^Date:' '$f'"

printf 'Subject: ignored\n\nhi\n' >"$T/m"; sm -oem -odb -oQ/x -om -oee -L label -O x=y -U -- bob@poczta.test <"$T/m"
check_eq "ignored options (-oem -odb -oQ/x ...): exit 0" 0 "$rc"
check "and the message is delivered" test -n "$(found "$B" ignored)"

cat >"$T/bs.in" <<'EOF'
EHLO client.example
MAIL FROM:<bs@example.org>
RCPT TO:<alice@poczta.test>
RCPT TO:<someone@elsewhere.example>
RCPT TO:<nobody@poczta.test>
RSET
MAIL FROM:<bs@example.org>
RCPT TO:<alice@poczta.test>
DATA
Subject: bs session

over -bs
.
QUIT
EOF
prog poczta-sendmail -bs <"$T/bs.in" 2>"$T/err" | tr -d '\r' >"$T/bs.out"
# the final line of each reply, in order: greeting, EHLO, MAIL, RCPT x3, ...
replies=$(grep -v '^...-' "$T/bs.out" | cut -c1-3 | tr '\n' ' ')
check_eq "-bs: replies, a remote recipient accepted (no relay restriction)" \
	"220 250 250 250 250 550 250 250 250 354 250 221 " "$replies"
check "-bs: an unknown local user is refused (550 5.1.1)" grep -q '^550 5.1.1' "$T/bs.out"
check "-bs: the message is queued" grep -q '^250 2.0.0 Ok: queued as' "$T/bs.out"
check "-bs: no dialogue on stderr without --trace" sh -c "! grep -q 'MSA [CS]:' '$T/err'"
printf 'EHLO traced.example\r\nQUIT\r\n' | prog poczta-sendmail --trace -bs >/dev/null 2>"$T/trace"
check "-bs --trace: the client's lines on stderr, labelled" grep -q '^MSA C: EHLO traced.example' "$T/trace"
check "-bs --trace: and the replies" grep -q '^MSA S: 221 ' "$T/trace"
f=$(found "$A" 'bs session')
check "-bs: delivered, sender and Received from the session" \
	sh -c "grep -q '^Return-Path: <bs@example.org>' '$f' && grep -q 'by poczta.test (poczta-sendmail, from userid' '$f'"

n_a=$(ls "$A/new" | wc -l)
printf 'Subject: none\n\nhi\n' >"$T/m"; sm <"$T/m"; check_eq "no recipients: exit 64 (EX_USAGE)" 64 "$rc"
printf 'Subject: none\nTo: undisclosed-recipients:;\n\nhi\n' >"$T/m"; sm -t <"$T/m"
check_eq "-t without recipients in the header: exit 64" 64 "$rc"
printf 'Subject: nul\n\na\000b\n' >"$T/m"; sm alice@poczta.test <"$T/m"
check_eq "a NUL byte: exit 65 (EX_DATAERR)" 65 "$rc"
check "and stderr says why" grep -q 'NUL' "$T/err"
{ printf 'Subject: big\n\n'; head -c 300000 /dev/zero | tr '\0' 'y' | fold -w 70; } >"$T/m"
sm alice@poczta.test <"$T/m"
check_eq "over max_message_size: exit 65" 65 "$rc"
printf 'Subject: x\nTo: a@x,,b@y\n\nhi\n' >"$T/m"; sm -t <"$T/m"
check_eq "-t with an unparsable To: exit 65, no recipient lost silently" 65 "$rc"
printf 'Subject: x\n\nhi\n' >"$T/m"; sm nobody@poczta.test <"$T/m"
check_eq "an unknown local user: exit 67 (EX_NOUSER)" 67 "$rc"
sm -bd </dev/null; check_eq "-bd is refused: exit 64" 64 "$rc"
sm -Z </dev/null; check_eq "an unknown option: exit 64" 64 "$rc"

mkdir -p "$T/badq" && : >"$T/badq/queue"
sed "s|^data_dir = .*|data_dir = $T/badq|" "$CONF" >"$T/sb/bad.conf"
printf 'Subject: badqueue\n\nhi\n' >"$T/m"; sm -C "$T/sb/bad.conf" alice@poczta.test <"$T/m"
check_eq "queue not writable: exit 75 (EX_TEMPFAIL)" 75 "$rc"
printf 'Subject: badconf\n\nhi\n' | POCZTA_CONFIG=$T/nonexistent.conf prog poczta-sendmail alice@poczta.test 2>/dev/null
check_eq "configuration missing: exit 78 (EX_CONFIG)" 78 "$?"
sleep 0.5
check_eq "none of the refused messages was delivered" "$n_a" "$(ls "$A/new" | wc -l)"

"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
printf 'Subject: waiting\n\nwhile the MTA is down\n' >"$T/m"; sm bob@poczta.test <"$T/m"
check_eq "MTA stopped: exit 0 all the same" 0 "$rc"
check "MTA stopped: nothing on stderr" test ! -s "$T/err"
prog poczta-mta -c "$CONF" queue >"$T/q.out" 2>&1
check "the message waits in the queue (poczta-mta queue)" grep -q 'pending   bob@poczta.test' "$T/q.out"
prog poczta-sendmail -bp >"$T/bp.out" 2>&1
check "-bp lists the queue too" grep -q 'pending   bob@poczta.test' "$T/bp.out"
"$BIN/poczta-ctl" -c "$CONF" up >>"$T/up.log" 2>&1
check "delivered once the MTA is up" test -n "$(found "$B" waiting)"

inst=$T/inst
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" install DESTDIR="$inst" \
	prefix=/usr SENDMAIL_LINK=yes >"$T/inst.log" 2>&1
check "make install SENDMAIL_LINK=yes: sbin/sendmail" test -x "$inst/usr/sbin/sendmail"
check "and bin/poczta-sendmail" test -x "$inst/usr/bin/poczta-sendmail"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" uninstall DESTDIR="$inst" \
	prefix=/usr SENDMAIL_LINK=yes >>"$T/inst.log" 2>&1
check "make uninstall removes sbin/sendmail" test ! -e "$inst/usr/sbin/sendmail"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" install DESTDIR="$inst" \
	prefix=/usr SENDMAIL_LINK=no >>"$T/inst.log" 2>&1
check "SENDMAIL_LINK=no: no sbin/sendmail" test ! -e "$inst/usr/sbin/sendmail"

done_testing
