#!/bin/sh
# t-maa-getmail.sh - poczta-maa read by getmail6, a client nobody here
# wrote: over POP3 with implicit TLS (keeping, then deleting the mail on
# the server) and over IMAP with implicit TLS, the certificate checked
# against the sandbox's own (ca_certs) both times.
. "$(dirname "$0")/../lib.sh"

command -v getmail >/dev/null || { not_ok "getmail is installed (debian-packages: getmail6)"; done_testing; }
sandbox alice secret
IMAPS=$((base + 993)) POP3S=$((base + 995))
A=$T/sb/mail/alice
CA=$T/sb/tls/cert.pem
sandbox_up

for i in 1 2 3; do
	printf 'From: a@example.org\nSubject: getmail %s\nMessage-ID: <g%s@example.org>\n\nbody %s\n' \
		$i $i $i >"$A/new/100$i.srv"
done

# getmailrc TYPE PORT DELETE DEST: a getmail6 configuration
getmailrc () {
	mkdir -p "$T/d" "$4/cur" "$4/new" "$4/tmp" "$T/gm" "$T/gm-del" "$T/gm-bad"
	printf '[retriever]\ntype = %s\nserver = localhost\nport = %s\nusername = alice\n' "$1" "$2"
	printf 'password = secret\nca_certs = %s\n\n' "$CA"
	printf '[destination]\ntype = Maildir\npath = %s/\n' "$4"
	# getmail refuses to deliver as root: as root, it delivers as nobody
	if [ "$(id -u)" = 0 ]; then
		chmod o+x "$T" && chmod 755 "$T/d"
		chown -R nobody "$4"
		printf 'user = nobody\n'
	fi
	printf '\n'
	printf '[options]\nread_all = false\ndelete = %s\nverbose = 1\n' "$3"
}
count () { ls "$1/new" "$1/cur" 2>/dev/null | grep -cv '^$\|:$'; }

# --- POP3 over TLS, keeping the mail ---
getmailrc SimplePOP3SSLRetriever $POP3S false "$T/d/pop" >"$T/pop.rc"
timeout 60 getmail --getmaildir "$T/gm" --rcfile "$T/pop.rc" >"$T/pop1.log" 2>&1
check "getmail POP3S: exit 0" test $? -eq 0
check "getmail POP3S: three messages fetched" test "$(count "$T/d/pop")" -eq 3
check "getmail POP3S: the bodies arrived whole" sh -c "cat '$T'/d/pop/new/* | grep -c '^body [123]$' | grep -qx 3"
check "getmail POP3S: kept on the server" test "$(count "$A")" -eq 3
# a second run fetches nothing new: the UIDLs are stable (RFC 1939 7)
timeout 60 getmail --getmaildir "$T/gm" --rcfile "$T/pop.rc" >"$T/pop2.log" 2>&1
check "getmail POP3S: second run, nothing fetched twice" test "$(count "$T/d/pop")" -eq 3

# --- IMAP over TLS ---
getmailrc SimpleIMAPSSLRetriever $IMAPS false "$T/d/imap" >"$T/imap.rc"
timeout 60 getmail --getmaildir "$T/gm" --rcfile "$T/imap.rc" >"$T/imap.log" 2>&1
check "getmail IMAPS: exit 0" test $? -eq 0
check "getmail IMAPS: three messages fetched" test "$(count "$T/d/imap")" -eq 3
check "getmail IMAPS: a subject arrived" sh -c "grep -l '^Subject: getmail 2' '$T'/d/imap/new/* >/dev/null"

# --- POP3 deleting: DELE takes effect at QUIT ---
getmailrc SimplePOP3SSLRetriever $POP3S true "$T/d/pop-del" >"$T/del.rc"
timeout 60 getmail --getmaildir "$T/gm-del" --rcfile "$T/del.rc" >"$T/del.log" 2>&1
check "getmail POP3S delete: exit 0" test $? -eq 0
check "getmail POP3S delete: three messages fetched" test "$(count "$T/d/pop-del")" -eq 3
check "getmail POP3S delete: the server's copies are gone" test "$(count "$A")" -eq 0

# --- a certificate getmail cannot verify is refused, nothing fetched ---
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other.pem" \
	-subj /CN=localhost -days 1 >/dev/null 2>&1
printf 'From: a@example.org\nSubject: late\n\nlate\n' >"$A/new/2001.srv"
getmailrc SimplePOP3SSLRetriever $POP3S false "$T/d/bad" | sed "s|^ca_certs = .*|ca_certs = $T/other.pem|" >"$T/bad.rc"
timeout 60 getmail --getmaildir "$T/gm-bad" --rcfile "$T/bad.rc" >"$T/bad.log" 2>&1
check "getmail, wrong CA: fails" test $? -ne 0
check "getmail, wrong CA: for the certificate" grep -qi 'certificate' "$T/bad.log"
check "getmail, wrong CA: nothing fetched" test "$(count "$T/d/bad")" -eq 0
[ $tap_failed = 0 ] || sed 's/^/#   /' "$T"/*.log | tail -40
done_testing
