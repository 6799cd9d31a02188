#!/bin/sh
# t-mra.sh - poczta-mra against a private Dovecot on loopback: IMAP and
# POP3 with STARTTLS and implicit TLS, first and incremental fetches, keep
# and delete, certificate checks and a pinned fingerprint, a UIDVALIDITY
# change, --trace with the password masked, --quiet.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

have_dovecot || { echo "ok 1 # skip dovecot is not installed (debian-packages)"; exit 0; }
dovecot_start me 's3cret-pw' || { not_ok "dovecot starts"; cat "$T/dovecot/log"; done_testing; }
ok "dovecot starts on loopback"
mra_setup 's3cret-pw'
mra () { prog poczta-mra -c "$T/poczta.conf" "$@"; }

# --- IMAP, STARTTLS (the default), CA given
mra_account work imap "$IMAP_PORT" starttls "ca=$T/cert.pem"
remote_add 3
out=$(mra fetch work 2>&1)
check_eq "imap starttls: first fetch succeeds" 0 $?
check_eq "imap: 3 messages delivered" 3 "$(local_count)"
case "$out" in *"work: 3 messages"*) ok "summary line per account" ;; *) not_ok "summary line: $out" ;; esac
check "Received names the MRA and the source" \
	grep -q '^Received: from 127.0.0.1$' "$(ls "$T"/Maildir/new/* | head -1)"
check "with IMAPS, by poczta-mra" grep -q 'by .* (poczta-mra) with IMAPS id mra\.' \
	"$(ls "$T"/Maildir/new/* | head -1)"
check "Received names the TLS version and cipher" grep -q '^	(TLSv1\.[23] cipher ' \
	"$(ls "$T"/Maildir/new/* | head -1)"
prog poczta-ctl -c "$T/poczta.conf" trace "$(ls "$T"/Maildir/new/* | head -1)" >"$T/hops" 2>&1
check "poczta-ctl trace shows the MRA hop" grep -q 'MRA  *poczta-mra .*IMAPS  *TLSv1' "$T/hops"
check "Return-Path comes from the message" grep -q '^Return-Path: <sender[0-9]*@example.org>' \
	"$(ls "$T"/Maildir/new/* | head -1)"
check_eq "kept on the server (keep = yes)" 3 "$(remote_count)"
mra fetch work >/dev/null 2>&1
check_eq "a second fetch brings nothing again" 3 "$(local_count)"
remote_add 2
mra fetch work >/dev/null 2>&1
check_eq "incremental fetch: only the 2 new ones" 5 "$(local_count)"
check_eq "no Message-ID twice" "" "$(local_dups)"

# --- --quiet and --trace
remote_add 1
out=$(mra --quiet fetch work 2>&1)
check_eq "--quiet prints nothing on success" "" "$out"
remote_add 1
mra --trace fetch work >"$T/trace" 2>&1
check "--trace shows the client's side" grep -q 'MRA C: [0-9]* UID FETCH' "$T/trace"
check "--trace shows the server's side" grep -q 'MRA S: .*OK' "$T/trace"
check "CONDSTORE is used when offered" grep -q 'MRA C: [0-9]* EXAMINE INBOX (CONDSTORE)' "$T/trace"
mra --trace fetch work >"$T/trace" 2>&1
check "nothing new (same HIGHESTMODSEQ): no UID FETCH at all" sh -c "! grep -q 'UID FETCH' '$T/trace'"
check "--trace masks the password" sh -c "! grep -q 's3cret-pw' '$T/trace'"

# --- implicit TLS
rm -rf "$T/Maildir"
mra_account imaps imap "$IMAPS_PORT" implicit "ca=$T/cert.pem"
mra fetch imaps >/dev/null 2>&1
check_eq "imap implicit TLS: every remote message" "$(remote_count)" "$(local_count)"

# --- certificates
mra_cert other mail.test
mra_account badca imap "$IMAPS_PORT" implicit "ca=$T/other-cert.pem"
out=$(mra fetch badca 2>&1)
check_eq "a certificate from another CA is refused" 75 $?
case "$out" in *certificate*|*verify*) ok "the error names the certificate" ;;
	*) not_ok "the error names the certificate"; echo "# $out" ;; esac
MRA_HOST=localhost mra_account badname imap "$IMAPS_PORT" implicit "ca=$T/cert.pem"
mra fetch badname >/dev/null 2>&1
check_eq "a certificate for another host name is refused" 75 $?
pin=$(openssl x509 -in "$T/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
mra_account pinned imap "$IMAPS_PORT" implicit "ca=$T/other-cert.pem" "pin=$pin"
before=$(local_count)
mra fetch pinned >/dev/null 2>&1
check_eq "a pinned fingerprint is accepted" 0 $?
check "the pinned account delivered" test "$(local_count)" -gt "$before"
MRA_HOST=mail.test mra_account tlsnone imap "$IMAP_PORT" none
out=$(mra fetch tlsnone 2>&1)
case "$out" in *"loopback"*) ok "tls = none refused off loopback" ;; *) not_ok "tls = none off loopback: $out" ;; esac

# --- POP3: STLS and keep, then POP3S and delete
printf 'From: x@example.org\nSubject: dots\nMessage-ID: <dots@x>\n\n.leading dot\n..two dots\n.\nend\n' \
	>"$REMOTE/new/dots.test" && chown dovecot:dovecot "$REMOTE/new/dots.test"
rm -rf "$T/Maildir"
n=$(remote_count)
mra_account pop pop3 "$POP3_PORT" starttls "ca=$T/cert.pem"
mra fetch pop >/dev/null 2>&1
check_eq "pop3 stls: every message" "$n" "$(local_count)"
dots=$(grep -l '^Subject: dots' "$T"/Maildir/new/*)
check_eq "pop3: dot-stuffing undone, and done again for LMTP" ".leading dot
..two dots
.
end" "$(sed '1,/^$/d' "$dots")"
mra fetch pop >/dev/null 2>&1
check_eq "pop3: UIDL state, nothing twice" "$n" "$(local_count)"
check_eq "pop3 keep = yes leaves them" "$n" "$(remote_count)"
remote_add 2
mra_account pops pop3 "$POP3S_PORT" implicit "ca=$T/cert.pem" keep=no
sed -i '/^\[account pop\]$/,/^$/d' "$T/poczta.conf"
rm -rf "$T/Maildir"
mra fetch pops >/dev/null 2>&1
check_eq "pop3s: every message" "$((n + 2))" "$(local_count)"
check_eq "pop3 keep = no deletes on the server" 0 "$(remote_count)"

# --- IMAP delete, then a UIDVALIDITY change
remote_add 3
rm -rf "$T/Maildir"
mra_account del imap "$IMAPS_PORT" implicit "ca=$T/cert.pem" keep=no
mra fetch del >/dev/null 2>&1
check_eq "imap keep = no: fetched" 3 "$(local_count)"
check_eq "imap keep = no: expunged on the server" 0 "$(remote_count)"
check_eq "imap keep = no: no Message-IDs kept for what is gone from the server" 0 \
	"$(cat "$T/data/mra/del/ids.INBOX" 2>/dev/null | wc -l)"
remote_add 2
mra fetch work >/dev/null 2>&1
old=$(sed -n 's/^uidvalidity //p' "$T/data/mra/work/imap.INBOX")
dovecot_stop
rm -f "$REMOTE"/dovecot-uidlist "$REMOTE"/dovecot.index*
sleep 1		# Dovecot's new UIDVALIDITY is the time
dovecot_start me 's3cret-pw' || not_ok "dovecot restarts"
out=$(mra fetch work 2>&1)
check_eq "after a UIDVALIDITY change the fetch succeeds" 0 $?
new=$(sed -n 's/^uidvalidity //p' "$T/data/mra/work/imap.INBOX")
check "the new UIDVALIDITY is journaled" test "$old" != "$new"
case "$out" in *uidvalidity*) ok "the change is reported" ;; *) not_ok "the change is reported: $out" ;; esac
check_eq "UIDVALIDITY change: known Message-IDs are not delivered twice" "" "$(local_dups)"
n=$(local_count)
remote_add 1
mra fetch work >/dev/null 2>&1
check_eq "after the change, a new message is fetched once" "$((n + 1))" "$(local_count)"
dovecot_stop
done_testing
