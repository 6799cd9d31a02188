#!/bin/sh
# t-msa.sh - poczta-msa, the submission agent, with real clients: swaks
# (STARTTLS and implicit TLS, AUTH PLAIN and LOGIN), msmtp with its own
# configuration trusting the sandbox certificate, and Python's smtplib
# (starttls() and SMTP_SSL).  Each accepted message is looked for in the
# Maildir after poczta-mta and poczta-mda.  Then what is refused: AUTH in
# clear, MAIL before AUTH, a sender or From: that is not the user's.
# Failed logins and the certificate reload are in t-msa-auth.sh.
. "$(dirname "$0")/../lib.sh"

sandbox alice sekret
prog poczta-ctl -c "$CONF" adduser bob --password bobpw --address bob@example.org >/dev/null 2>&1
printf 'team: alice, bob\n' >"$T/sb/aliases"
sed -i 's|^\[mta\]$|[mta]\naliases = aliases|' "$CONF"
sandbox_up
SUB=$((base + 587)); TLS=$((base + 465)); CERT=$T/sb/tls/cert.pem
A=$T/sb/mail/alice; B=$T/sb/mail/bob

# found DIR SUBJECT: the delivered message with that subject (10 s at most)
found () {
	i=0
	while [ $i -lt 100 ]; do
		f=$(grep -l "^Subject: $2\$" "$1"/new/* 2>/dev/null | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# sw ARGS...: swaks trusting the sandbox certificate; transcript in $T/sw
sw () { swaks --server 127.0.0.1 --tls-verify --tls-ca-path "$CERT" "$@" </dev/null >"$T/sw" 2>&1; }

check "up: poczta-ctl started the MSA" grep -q "msa: started poczta-msa" "$T/up.log"

sw --port $SUB --tls --auth PLAIN --auth-user alice --auth-password sekret \
	--from alice@poczta.test --to bob@poczta.test --header "Subject: swaks-tls-plain"
check "swaks --tls --auth PLAIN: 235 then queued" \
	sh -c "grep -q '^<~  235 2.7.0' '$T/sw' && grep -q '^<~  250 2.0.0 Ok: queued as' '$T/sw'"
f=$(found "$B" swaks-tls-plain)
check "swaks --tls: delivered to bob's Maildir" test -n "$f"
check "Received names the MSA, with ESMTPSA and the TLS version" \
	sh -c "grep -A2 '^Received: from' '$f' | grep -q 'by poczta.test (poczta-msa) with ESMTPSA' && grep -q '(TLSv1.[23] cipher' '$f'"
check "the MTA's Received is not there (the MSA queued it itself)" sh -c "! grep -q '(poczta-mta)' '$f'"

sw --port $TLS --tlsc --auth LOGIN --auth-user alice --auth-password sekret \
	--from alice@poczta.test --to team@poczta.test --header "Subject: swaks-tlsc-login"
check "swaks --tlsc --auth LOGIN (implicit TLS): queued" grep -q '^<~  250 2.0.0 Ok: queued as' "$T/sw"
fa=$(found "$A" swaks-tlsc-login); fb=$(found "$B" swaks-tlsc-login)
check "implicit TLS: the alias team reached alice and bob" test -n "$fa" -a -n "$fb"

sw --port $SUB --tls --auth PLAIN --auth-user bob --auth-password bobpw \
	--from bob@example.org --to alice@poczta.test --header "Subject: listed-address" \
	--header "From: Bob <bob@example.org>"
check "a sender the users file lists for the user is accepted" test -n "$(found "$A" listed-address)"
sw --port $SUB --tls --auth PLAIN --auth-user alice --auth-password sekret \
	--from alice+lists@poczta.test --to bob@poczta.test --header "Subject: plus-detail" \
	--header "From: alice+lists@poczta.test"
check "user+detail at a local domain is the user's" test -n "$(found "$B" plus-detail)"

cat >"$T/msmtprc" <<EOF
account sandbox
host 127.0.0.1
port $SUB
tls on
tls_starttls on
tls_trust_file $CERT
auth on
user alice
password sekret
from alice@poczta.test
logfile $T/msmtp.log
account default : sandbox
EOF
chmod 600 "$T/msmtprc"
printf 'From: Alice <alice@poczta.test>\nTo: bob@poczta.test\nSubject: via-msmtp\n\nhello from msmtp\n' |
	msmtp -C "$T/msmtprc" -t >"$T/msmtp.out" 2>&1
check_eq "msmtp (STARTTLS, trust file = sandbox cert): exit 0" 0 "$?"
f=$(found "$B" via-msmtp)
check "msmtp: delivered" test -n "$f"
check "msmtp: Date and Message-ID it left out were added" \
	sh -c "grep -q '^Date: ' '$f' && grep -q '^Message-ID: <.*@poczta.test>' '$f'"
sed -i "s/^port $SUB\$/port $TLS/; s/^tls_starttls on\$/tls_starttls off/" "$T/msmtprc"
printf 'From: alice@poczta.test\nTo: bob@poczta.test\nSubject: via-msmtp-465\n\nhi\n' |
	msmtp -C "$T/msmtprc" -t >"$T/msmtp.out" 2>&1
check "msmtp with implicit TLS: delivered" test -n "$(found "$B" via-msmtp-465)"

cat >"$T/submit.py" <<'EOF'
import smtplib, ssl, sys
mode, port, cert = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=cert)
msg = "From: alice@poczta.test\r\nTo: bob@poczta.test\r\nSubject: py-%s\r\n\r\nbody\r\n" % mode
def show(*r): print(*r); sys.stdout.flush()
if mode == "starttls":
    s = smtplib.SMTP("127.0.0.1", port, timeout=30)
    s.ehlo(); show("clear-auth", s.has_extn("auth"))
    s.starttls(context=ctx); s.ehlo(); show("tls-auth", s.esmtp_features.get("auth", "").strip())
    s.login("alice", "sekret"); show("refused", s.sendmail("alice@poczta.test", ["bob@poczta.test"], msg))
    s.quit()
elif mode == "ssl":
    s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=30, context=ctx)
    s.login("alice", "sekret"); show("refused", s.sendmail("alice@poczta.test", ["bob@poczta.test"], msg))
    s.quit()
elif mode == "clear":
    s = smtplib.SMTP("127.0.0.1", port, timeout=30); s.ehlo()
    show("auth", *s.docmd("AUTH PLAIN AGFsaWNlAHNla3JldA=="))
    show("mail", *s.docmd("MAIL FROM:<alice@poczta.test>"))
    s.quit()
elif mode == "noauth":
    s = smtplib.SMTP("127.0.0.1", port, timeout=30); s.starttls(context=ctx); s.ehlo()
    show("mail", *s.docmd("MAIL FROM:<alice@poczta.test>"))
    s.quit()
elif mode in ("sender", "from"):
    s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=30, context=ctx); s.login("alice", "sekret")
    env = "bob@poczta.test" if mode == "sender" else "alice@poczta.test"
    show("mail", *s.docmd("MAIL FROM:<%s>" % env))
    if mode == "from":
        s.docmd("RCPT TO:<bob@poczta.test>"); s.docmd("DATA")
        s.send(b"From: Bob <bob@poczta.test>\r\nSubject: forged\r\n\r\nx\r\n.\r\n")
        show("data", *s.getreply())
    s.quit()
EOF
py () { python3 "$T/submit.py" "$@" "$CERT" >"$T/py" 2>&1; }

py starttls $SUB
check "smtplib: no AUTH offered in clear" grep -q '^clear-auth False' "$T/py"
check "smtplib starttls(): AUTH PLAIN LOGIN offered under TLS" grep -q '^tls-auth PLAIN LOGIN' "$T/py"
check "smtplib starttls() + login: accepted" grep -q '^refused {}' "$T/py"
f=$(found "$B" py-starttls)
check "smtplib starttls(): delivered" test -n "$f"
check "a missing Date is added (RFC 6409 8.2)" grep -q '^Date: ' "$f"
check "a missing Message-ID is added (RFC 6409 8.3)" grep -q '^Message-ID: <.*@poczta.test>' "$f"
check "Received is present, before the added fields" \
	sh -c "awk '/^Received: from/ { r = NR } /^Date:/ { d = NR } END { exit !(r && d && r < d) }' '$f'"
py ssl $TLS
check "smtplib SMTP_SSL (implicit TLS) + login: delivered" test -n "$(found "$B" py-ssl)"

py clear $SUB
check "AUTH before TLS: 538 5.7.11, no 334" grep -q '^auth 538 b.5.7.11' "$T/py"
check "MAIL in clear without AUTH: 530" grep -q '^mail 530 ' "$T/py"
py noauth $SUB
check "MAIL under TLS before AUTH: 530 5.7.0" grep -q "^mail 530 b'5.7.0" "$T/py"
py sender $TLS
check "an envelope sender not the user's: 553 5.7.1" grep -q "^mail 553 b'5.7.1 <bob@poczta.test>: Sender address rejected: not owned by user alice" "$T/py"
py from $TLS
check "a From: not the user's: 553 5.7.1 after the data" \
	grep -q "^data 553 b'5.7.1 <bob@poczta.test>: From: address rejected: not owned by user alice" "$T/py"
check "the refused message was not delivered" sh -c "! grep -qs '^Subject: forged' '$B'/new/*"
check "the log says who was refused and why" grep -q "reject from=.* sender=<bob@poczta.test> user=alice" "$T/sb/log/poczta.log"

done_testing
