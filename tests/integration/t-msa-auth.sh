#!/bin/sh
# t-msa-auth.sh - poczta-msa's failed logins and its certificate: a wrong
# password is 535 and answered later each time, also in the next session
# from the same address (the sessions share the count); three failures
# close the session with 421; an unknown user looks the same as a wrong
# password; the log names each failure.  SIGHUP loads a new certificate on
# both listeners (fingerprints read with openssl s_client), and a broken
# one leaves the old in use.
. "$(dirname "$0")/../lib.sh"

sandbox alice sekret
sed -i 's|^\[msa\]$|[msa]\nauth_delay_ms = 400|' "$CONF"
sandbox_up
SUB=$((base + 587)); TLS=$((base + 465)); CERT=$T/sb/tls/cert.pem
LOG=$T/sb/log/poczta.log

# A session over implicit TLS; each AUTH PLAIN with its reply and the
# seconds it took, then whatever the server says after the last one.
cat >"$T/auth.py" <<'EOF'
import base64, smtplib, ssl, sys, time
port, cert = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=cert)
s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=60, context=ctx); s.ehlo()
for cred in sys.argv[3:]:
    user, pw = cred.split(":", 1)
    ir = base64.b64encode(b"\0" + user.encode() + b"\0" + pw.encode()).decode()
    t = time.monotonic(); code, text = s.docmd("AUTH PLAIN " + ir)
    print("auth %d %.2f %s" % (code, time.monotonic() - t, text.decode())); sys.stdout.flush()
    if code == 235:
        break
try:
    code, text = s.docmd("NOOP"); print("after %d %s" % (code, text.decode()))
except smtplib.SMTPServerDisconnected:
    print("after closed")
EOF
# auth PORT USER:PASS...: the lines of auth.py in $T/a
auth () { p=$1; shift; python3 "$T/auth.py" "$p" "$CERT" "$@" >"$T/a" 2>&1; }
# took N MIN: whether the N-th AUTH took at least MIN seconds
took () { awk -v n="$1" -v min="$2" '/^auth / { i++; if (i == n) exit !($3 >= min) }' "$T/a"; }

auth $TLS alice:wrong1 alice:wrong2 alice:wrong3
check_eq "three wrong passwords: 535 535 535" "535 535 535" "$(awk '/^auth / { printf "%s%s", s, $2; s = " " }' "$T/a")"
check "the text does not say which part was wrong" sh -c "[ \$(grep -c '^auth 535 [0-9.]* 5.7.8 Authentication credentials invalid\$' '$T/a') = 3 ]"
check "the first failure is answered after auth_delay_ms (0.4 s)" took 1 0.4
check "the second after twice that" took 2 0.8
check "the third after three times" took 3 1.2
check "three failures close the session with 421" \
	sh -c "grep -q '^after 421' '$T/a' || grep -q '^after closed' '$T/a'"
check "each failure is logged with the address and the user" \
	sh -c "[ \$(grep -c 'MSA warn: auth failed from=127.0.0.1:[0-9]* user=alice mech=PLAIN' '$LOG') = 3 ]"

auth $TLS nosuchuser:x alice:sekret
check "a new session: an unknown user is answered like a wrong password" \
	grep -q '^auth 535 [0-9.]* 5.7.8 Authentication credentials invalid$' "$T/a"
check "throttled across sessions: the 4th failure from this address waits 1.6 s" took 1 1.6
check "the log counts the failures of both sessions" grep -q 'user=nosuchuser .*failures=4 from this address' "$LOG"
check "the right password still works after failures" grep -q '^auth 235 [0-9.]* 2.7.0' "$T/a"

# A password that verified is remembered (PBKDF2 is slow on purpose), but
# never past a change of password.
auth $TLS alice:sekret
check "a second login is checked from the cache" grep -q 'auth ok from=127.0.0.1 user=alice (cached)$' "$LOG"
prog poczta-ctl -c "$CONF" passwd alice --password fresh >/dev/null 2>&1
auth $TLS alice:sekret
check "after passwd the old password fails, cached or not" grep -q '^auth 535 ' "$T/a"
full=$(grep -c 'auth ok from=127.0.0.1 user=alice$' "$LOG")
auth $TLS alice:fresh
check "the new one works" grep -q '^auth 235 ' "$T/a"
check_eq "... checked in full the first time" $((full + 1)) "$(grep -c 'auth ok from=127.0.0.1 user=alice$' "$LOG")"

auth $TLS "$(printf 'evil\nMSA info: forged line')":x
check "a user name with a line end: 535" grep -q '^auth 535 ' "$T/a"
check "and it cannot forge a log line" sh -c "! grep -q '^MSA info: forged line' '$LOG'"

# fp PORT [starttls]: the SHA-256 fingerprint of the certificate served there
fp () {
	openssl s_client -connect "127.0.0.1:$1" ${2:+-starttls smtp} </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'
}
old=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')
check_eq "STARTTLS serves the sandbox certificate" "$old" "$(fp $SUB starttls)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=poczta.test -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
new=$(openssl x509 -in "$T/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
cp "$T/key.pem" "$T/sb/tls/key.pem"; cp "$T/cert.pem" "$CERT"
pid=$(cat "$T/sb/data/run/msa.pid")
kill -HUP "$pid"
i=0; while [ $i -lt 100 ] && [ "$(fp $SUB starttls)" != "$new" ]; do sleep 0.1; i=$((i + 1)); done
check_eq "SIGHUP: STARTTLS serves the new certificate" "$new" "$(fp $SUB starttls)"
i=0; while [ $i -lt 100 ] && [ "$(fp $TLS)" != "$new" ]; do sleep 0.1; i=$((i + 1)); done
check_eq "SIGHUP: implicit TLS serves it too" "$new" "$(fp $TLS)"
check "the reload is logged" grep -q 'SIGHUP: certificate and key reloaded' "$LOG"
echo broken >"$CERT"
kill -HUP "$pid"
i=0; while [ $i -lt 100 ] && ! grep -q 'SIGHUP: the certificate stays as it was' "$LOG"; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP with a broken certificate: the log says the old one stays" \
	grep -q 'SIGHUP: the certificate stays as it was' "$LOG"
check_eq "and the last good one is still served" "$new" "$(fp $SUB starttls)"
check "the MSA is still running" kill -0 "$pid"

done_testing
