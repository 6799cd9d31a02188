#!/bin/sh
# dovecot-ref.sh - write NAME.exp for each message from a private Dovecot's
# answer to FETCH, so that test_imapmsg compares lib/imapmsg with Dovecot.
# Not run by make check (it needs dovecot-imapd and root to become nobody):
#   sh tests/unit/imapmsg/dovecot-ref.sh [NAME...]
# The first line of NAME.exp lists the BODY[section]s asked for, "|"-separated;
# the rest is Dovecot's "* 1 FETCH" line without its FLAGS.  The .exp files
# here came from Dovecot 2.3.19.1 (Debian 12).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/imapmsg-dovecot.XXXXXX)
trap 'rm -rf "$D"' EXIT
cat > "$D/dovecot.conf" <<CONF
mail_location = maildir:$D/Maildir
base_dir = $D/run
log_path = $D/log
ssl = no
protocols = imap
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 0
first_valid_gid = 0
CONF

sections() {
	case $1 in
	plain) echo 'HEADER|TEXT|1|1.MIME|HEADER.FIELDS (FROM SUBJECT X-NOTE)|HEADER.FIELDS.NOT (RECEIVED RETURN-PATH X-NOTE)|HEADER.FIELDS (NO-SUCH)|2' ;;
	mixed) echo '1|2|2.MIME|1.MIME|TEXT|3|1.1' ;;
	# nested: 2.1 and 2.HEADER of an encoded message/rfc822 differ (Dovecot: the
	# body without its last CRLF, which its BODYSTRUCTURE counts)
	nested) echo '1|1.MIME|2|2.MIME|3|1.1|3.1|TEXT' ;;
	unclosed-nest) echo '1|1.1.1.1.1.1.1.1.1.1|1.1.1.1.1.1.1.1.1.1.MIME|1.1.1.1.1.1.1.1.1.MIME' ;;
	thunderbird) echo '1|1.1|1.2|1.2.1|1.2.2|1.2.2.MIME|2|2.MIME|HEADER.FIELDS (SUBJECT FROM)' ;;
	digest|no-boundary|no-delimiter) echo '1|1.MIME|2|2.MIME|3|1.1|2.1|3.1|2.HEADER|TEXT' ;;
	rfc822) echo '1|2|2.MIME|2.HEADER|2.TEXT|2.1|2.2|2.1.MIME|2.HEADER.FIELDS (SUBJECT)|2.3|1.HEADER' ;;
	alternative) echo '1|2|2.MIME' ;;
	no-end-boundary) echo '1|2|TEXT' ;;
	empty) echo 'HEADER|TEXT|1|1.MIME' ;;
	nul|no-colon) echo 'HEADER|TEXT|HEADER.FIELDS (TO)' ;;
	*) echo 'HEADER|TEXT|1' ;;
	esac
}

for f in ${*:-$(cd "$here" && ls *.eml | sed 's/\.eml$//')}; do
	rm -rf "$D/Maildir" "$D/run"
	mkdir -p "$D/Maildir/cur" "$D/Maildir/new" "$D/Maildir/tmp" "$D/run"
	cp "$here/$f.eml" "$D/Maildir/cur/1.x:2,"
	chown -R nobody:nogroup "$D"
	secs=$(sections "$f")
	items="RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY $(echo "$secs" | sed 's/^/BODY.PEEK[/; s/|/] BODY.PEEK[/g; s/$/]/')"
	{
		echo "$secs"
		printf 'a select inbox\r\nb fetch 1 (%s)\r\nc logout\r\n' "$items" |
			USER=nobody HOME="$D" /usr/lib/dovecot/imap -c "$D/dovecot.conf" 2>&1 |
			sed -n '/^\* 1 FETCH/,/^b OK/p' | sed '$d' | sed '1s/FLAGS ([^)]*) //'
	} > "$here/$f.exp"
done
