#!/bin/sh
# t-sendmail-maildrop.sh - poczta-sendmail run by a user who may not write
# the queue (a system install's: the sandbox's queue is root's, 0700, and
# the user is nobody, who may not read the users file either): the message
# goes into the maildrop, which poczta-mta picks up within seconds and
# delivers, with the Received field naming the real user id; nobody cannot
# list the maildrop; an unknown local recipient bounces to the sender; with
# the MTA stopped the message waits in the maildrop and is delivered once
# after it starts.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || { not_ok "run as root (to run sendmail as nobody)"; done_testing; }
command -v setpriv >/dev/null || { not_ok "setpriv is installed (util-linux)"; done_testing; }
sandbox alice x
A=$T/sb/mail/alice
MD=$T/sb/data/maildrop
sandbox_up
NOBODY=$(id -u nobody)
# nobody reaches the configuration and the data directory, no further
chmod 755 "$T" "$T/sb" "$T/sb/data"
chmod 644 "$CONF"

# as_nobody COMMAND...: run it as nobody, exit status in $rc, stderr in $T/err
as_nobody () { setpriv --reuid="$NOBODY" --regid="$(id -g nobody)" --clear-groups "$@" 2>"$T/err"; rc=$?; }
# found SUBJECT [SECONDS]: the delivered message with that subject
found () {
	i=0
	while [ $i -lt $((${2:-10} * 10)) ]; do
		f=$(grep -l "^Subject: $1\$" "$A"/new/* "$A"/cur/* 2>/dev/null | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# waiting: the files in the maildrop
waiting () { find "$MD" -type f | wc -l; }

i=0
while [ ! -d "$MD" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "the MTA made the maildrop writable by all, listable by it (1733)" 1733 \
	"$(stat -c %a "$MD" 2>/dev/null)"
check "the queue is not nobody's to write" sh -c "! setpriv --reuid=$NOBODY --regid=$NOBODY \
	--clear-groups test -w '$T/sb/data/queue'"

printf 'Subject: from nobody\n\nhello alice\n' >"$T/m"
as_nobody "$BIN/poczta-sendmail" -C "$CONF" alice@poczta.test <"$T/m"
check_eq "sendmail as nobody exits 0" 0 "$rc"
sed 's/^/#   /' "$T/err"
f=$(found "from nobody")
check "the MTA picked it up and delivered it" test -n "$f"
check "the Received field names nobody's user id, written by the pickup" \
	grep -q "^Received: by poczta.test (poczta-sendmail, from userid $NOBODY);" "$f"
check_eq "... once" 1 "$(grep -c '(poczta-sendmail, from userid' "$f")"
check "the sender is nobody at the first domain" grep -q "^Return-Path: <nobody@poczta.test>" "$f"
check_eq "the maildrop is empty again" 0 "$(waiting)"
as_nobody ls "$MD"
check "nobody cannot list the maildrop" test "$rc" -ne 0

printf 'Subject: to a ghost\n\nx\n' >"$T/m"
as_nobody "$BIN/poczta-sendmail" -C "$CONF" -f alice@poczta.test ghost@poczta.test <"$T/m"
check_eq "an unknown local recipient: sendmail cannot know, exits 0" 0 "$rc"
b=$(found "Undelivered Mail Returned to Sender" 20)
check "... and the pickup's refusal bounces to the sender" test -n "$b"
check "... naming the recipient" grep -q "ghost@poczta.test" "$b"

"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
printf 'Subject: while down\n\nx\n' >"$T/m"
as_nobody "$BIN/poczta-sendmail" -C "$CONF" alice@poczta.test <"$T/m"
check_eq "the MTA stopped: sendmail as nobody still exits 0" 0 "$rc"
check_eq "... the message waits in the maildrop" 1 "$(waiting)"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
f=$(found "while down")
check "after up it is delivered" test -n "$f"
sleep 2
check_eq "... exactly once" 1 "$(grep -l '^Subject: while down$' "$A"/new/* "$A"/cur/* 2>/dev/null | wc -l)"
check_eq "... and the maildrop is empty" 0 "$(waiting)"
done_testing
