#!/bin/sh
# t-mra-account.sh - poczta-ctl account add, list and remove: URLs, the
# password from stdin into a file only the user reads, the rest of the
# configuration kept byte for byte; an added account fetches from Dovecot;
# poczta-ctl up starts poczta-mra watch for an account with watch = yes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

mra_setup unused
printf '# a comment the user wrote\n\n[mta]\nmax_errors = 7   \n' >>"$T/poczta.conf"
cp "$T/poczta.conf" "$T/orig.conf"
ctl () { prog poczta-ctl -c "$T/poczta.conf" "$@"; }

have_dovecot && dovecot_start me 'pw from stdin' || echo "# no dovecot: the fetch is not tried"
echo 'pw from stdin' | ctl account add work "imap://me@127.0.0.1:${IMAP_PORT:-143}/INBOX?tls=starttls" \
	--ca "$T/cert.pem" >/dev/null
check_eq "account add (IMAP, password on stdin)" 0 $?
check "the rest of the file is kept byte for byte" \
	cmp -s "$T/orig.conf" "$(head -c "$(wc -c <"$T/orig.conf")" "$T/poczta.conf" >"$T/head"; echo "$T/head")"
check "the section names type, host, user, tls" sh -c "grep -qx 'type = imap' '$T/poczta.conf' &&
	grep -qx 'host = 127.0.0.1' '$T/poczta.conf' && grep -qx 'tls = starttls' '$T/poczta.conf' &&
	grep -qx 'user = me' '$T/poczta.conf' && grep -qx 'folders = INBOX' '$T/poczta.conf'"
pwf=$(sed -n 's/^password_file = //p' "$T/poczta.conf")
check_eq "the password file holds the password" "pw from stdin" "$(cat "$pwf" 2>/dev/null)"
check_eq "only the user may read it" "600" "$(stat -c %a "$pwf" 2>/dev/null)"
check "the password is not in poczta.conf" sh -c "! grep -q 'pw from stdin' '$T/poczta.conf'"
ctl account add pop 'pop3s://me%40example.org@mail.test' --password-command 'pass show mail/x' \
	--pin AB:CD >/dev/null
check_eq "account add (POP3S, a password command, a pin)" 0 $?
check "the user is %-decoded" grep -qx 'user = me@example.org' "$T/poczta.conf"
check "the password command is written quoted" grep -qx 'password_command = "pass show mail/x"' "$T/poczta.conf"
check "implicit TLS for pop3s" grep -qx 'tls = implicit' "$T/poczta.conf"
ctl account add work imap://me@h >/dev/null 2>&1 </dev/null
check_eq "the same name twice is refused" 65 $?
ctl account add bad http://me@h >/dev/null 2>&1 </dev/null
check_eq "a URL that is not imap/pop3 is refused" 64 $?
ctl account add bad pop3://me@h/INBOX >/dev/null 2>&1 </dev/null
check_eq "POP3 with a folder is refused" 64 $?
out=$(ctl account list)
case "$out" in *"work"*"imap://me@127.0.0.1"*"keep"*"pop"*"pop3://me@example.org@mail.test"*) ok "account list" ;;
	*) not_ok "account list"; echo "$out" | sed 's/^/# /' ;; esac
prog poczta-ctl check -c "$T/poczta.conf" >/dev/null 2>&1
check_eq "poczta-ctl check accepts the result" 0 $?

if [ -n "${DOVECOT_PID:-}" ]; then
	remote_add 2
	prog poczta-mra -c "$T/poczta.conf" -q fetch work
	check_eq "the added account fetches" 2 "$(local_count)"
	# poczta-ctl up: the watcher, for the account with watch = yes
	sed -i '/^\[account pop\]$/,$d' "$T/poczta.conf"
	echo 'watch = yes' >>"$T/poczta.conf"
	out=$(ctl up 2>&1)
	case "$out" in *"mra: started poczta-mra"*) ok "poczta-ctl up starts poczta-mra watch" ;;
		*) not_ok "poczta-ctl up starts poczta-mra watch"; echo "$out" | sed 's/^/# /' ;; esac
	ctl status | grep -q '^mra .*IDLE:work.*running'
	check_eq "status shows it running" 0 $?
	remote_add 1
	i=0; while [ $i -lt 200 ] && [ "$(local_count)" -lt 3 ]; do sleep 0.1; i=$((i + 1)); done
	check_eq "the watcher started by up delivers" 3 "$(local_count)"
	ctl down >/dev/null 2>&1
	"$BIN/poczta-ctl" -c "$T/poczta.conf" status | grep -q '^mra .*running'
	check_eq "down stops it" 1 $?
	sed -i '/^watch = yes$/d' "$T/poczta.conf"
	echo 'x' | ctl account add pop 'pop3s://me%40example.org@mail.test' --password-command 'pass show mail/x' \
		--pin AB:CD >/dev/null
	dovecot_stop
fi
ctl account remove work >/dev/null
check_eq "account remove" 0 $?
check "the password file is gone" test ! -e "$pwf"
check "the state is gone" test ! -e "$T/data/mra/work"
ctl account remove pop >/dev/null
check "after removing both, the file is as it was" cmp "$T/orig.conf" "$T/poczta.conf"
ctl account remove pop >/dev/null 2>&1
check_eq "removing an unknown account fails" 65 $?
done_testing
