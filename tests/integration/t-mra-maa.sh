#!/bin/sh
# t-mra-maa.sh - poczta-mra against poczta-maa: a sandbox's stack is the
# remote server (IMAP STARTTLS, IMAPS, POP3 STLS with its own CA), another
# configuration fetches from it: first and incremental fetches, keep and
# delete, nothing twice.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

base=$(free_port_base)
prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
SB=$T/sb/poczta.conf
sed -i 's/^allow_clear_auth = yes$/allow_clear_auth = no/' "$SB"
"$BIN/poczta-ctl" -c "$SB" up >"$T/up.log" 2>&1 || { not_ok "poczta-ctl up: $(cat "$T/up.log")"; done_testing; }
trap '"$BIN/poczta-ctl" -c "$SB" down >/dev/null 2>&1; cleanup' EXIT
ok "the remote stack (poczta-maa) is up"
A=$T/sb/mail/alice

# remote N: N messages delivered to alice on the remote side
remote () {
	i=0
	while [ $i -lt "$1" ]; do
		seq=$(( ${seq:-0} + 1 )); i=$((i + 1))
		printf 'From: s@example.org\nSubject: remote %s\nMessage-ID: <r%s@example.org>\n\nbody %s\n' \
			"$seq" "$seq" "$seq" | "$BIN/poczta-mda" -c "$SB" -f s@example.org -d alice@poczta.test
	done
}

mra_setup secret
mra_account maa imap $((base + 143)) starttls "ca=$T/sb/tls/cert.pem"
sed -i 's/^user = me$/user = alice/' "$T/poczta.conf"
mra () { prog poczta-mra -c "$T/poczta.conf" -q "$@"; }
remote 3
mra fetch maa
check_eq "IMAP STARTTLS from poczta-maa: first fetch" 3 "$(local_count)"
remote 2
mra fetch maa
check_eq "incremental fetch" 5 "$(local_count)"
mra fetch maa
check_eq "nothing twice" "" "$(local_dups)"

mra_account maas imap $((base + 993)) implicit "ca=$T/sb/tls/cert.pem" keep=no
mra_account pop pop3 $((base + 110)) starttls "ca=$T/sb/tls/cert.pem" keep=no
sed -i 's/^user = me$/user = alice/' "$T/poczta.conf"
rm -rf "$T/Maildir"
mra fetch maas
check_eq "IMAPS with keep = no: all five" 5 "$(local_count)"
check_eq "expunged on poczta-maa" 0 "$(find "$A/new" "$A/cur" -type f | wc -l)"
remote 2
rm -rf "$T/Maildir"
mra fetch pop
check_eq "POP3 STLS from poczta-maa" 2 "$(local_count)"
check_eq "deleted on poczta-maa after QUIT" 0 "$(find "$A/new" "$A/cur" -type f | wc -l)"
check_eq "nothing twice over POP3" "" "$(local_dups)"
done_testing
