#!/bin/sh
# t-mda-sieve.sh - Sieve filtering at delivery: fileinto with imap4flags,
# discard, redirect through the configured command (argv, no shell), a script
# that does not compile (mail kept in INBOX, line and column reported), and
# poczta-mda --test.
. "$(dirname "$0")/../lib.sh"

prog poczta-ctl init "$T/sb" --user alice --password secret --domain poczta.test >/dev/null 2>&1 ||
	{ not_ok "poczta-ctl init"; done_testing; }
CONF=$T/sb/poczta.conf
M=$T/sb/mail/alice
cat >"$T/redirect" <<EOF2
#!/bin/sh
printf '%s\n' "\$@" >"$T/redirect.args"
cat >"$T/redirect.msg"
EOF2
chmod +x "$T/redirect"
sed -i "s|^\[mda\]\$|[mda]\nsieve = sieve/%u.sieve\nredirect_command = $T/redirect -i|" "$CONF"
mkdir -p "$T/sb/sieve"
cat >"$T/sb/sieve/alice.sieve" <<'EOF2'
require ["fileinto", "imap4flags", "envelope", "subaddress"];
if header :contains "List-Id" "debian-devel" {
    fileinto :flags "\\Seen" "Lists/debian";
    stop;
}
if header :is "X-Spam" "yes" { discard; stop; }
if address :domain "from" "forward.example" { redirect "carol@example.net"; }
if envelope :detail "to" "shop" { fileinto "Shopping"; }
EOF2

deliver () { prog poczta-mda -c "$CONF" -f s@example.org -d "$1" 2>>"$T/err"; }

printf 'From: x@lists.debian.org\nList-Id: <debian-devel.lists.debian.org>\nSubject: l\n\nx\n' | deliver alice@poczta.test
check "fileinto Lists/debian lands in .Lists.debian/cur" test "$(ls "$M/.Lists.debian/cur" | wc -l)" = 1
check "with the \\Seen flag as S in the name" sh -c "ls '$M/.Lists.debian/cur' | grep -q ':2,S\$'"
check "and not in INBOX" test "$(ls "$M/new" | wc -l)" = 0

printf 'From: x@spam.example\nX-Spam: yes\nSubject: s\n\nx\n' | deliver alice@poczta.test
check_eq "discard exits 0" "0" "$?"
check_eq "discard delivers nothing" "0" "$(find "$M" -type f -path '*/new/*' | wc -l)"

printf 'From: y@forward.example\nSubject: fwd\n\nbody\n' | deliver alice@poczta.test
check "redirect ran the command with -f sender -- address" \
	sh -c "tr '\n' ' ' <'$T/redirect.args' | grep -q -- '^-i -f s@example.org -- carol@example.net \$'"
check "redirect fed the message with our Delivered-To first" \
	sh -c "head -n 1 '$T/redirect.msg' | grep -qx 'Delivered-To: alice@poczta.test'"
check_eq "redirect cancels the implicit keep" "0" "$(ls "$M/new" | wc -l)"

printf 'Subject: order\n\nx\n' | deliver alice+shop@poczta.test
check "envelope :detail files alice+shop into Shopping" test "$(ls "$M/.Shopping/new" | wc -l)" = 1

# A redirect that fails keeps the message: nothing is lost.
printf '#!/bin/sh\nexit 1\n' >"$T/redirect"
printf 'From: y@forward.example\nSubject: fwd2\n\nbody\n' | deliver alice@poczta.test
check "a failed redirect keeps the message in INBOX" test "$(ls "$M/new" | wc -l)" = 1

# A broken script: kept in INBOX, the error with line and column in the log.
printf 'require "fileinto";\nif header :contains "Subject" "x" {\n  fileinto "A"\n}\n' >"$T/sb/sieve/alice.sieve"
: >"$T/err"
printf 'Subject: x\n\nbroken script\n' | deliver alice@poczta.test
check_eq "a script that does not compile still delivers (exit 0)" "0" "$?"
check "the message is kept in INBOX" test "$(ls "$M/new" | wc -l)" = 2
check "the log names the line and column" grep -q 'line=4 column=1' "$T/err"

# --test tells what would happen and which rule decided.
cat >"$T/t.sieve" <<'EOF2'
require "fileinto";
if header :contains "Subject" "invoice" {
  fileinto "Finance";
}
EOF2
printf 'Subject: your invoice\n\nx\n' | prog poczta-mda --test "$T/t.sieve" >"$T/test.out" 2>&1
check "--test names the folder" grep -q 'Finance' "$T/test.out"
check "--test names the line of the rule" grep -q '3' "$T/test.out"
printf 'Subject: hello\n\nx\n' | prog poczta-mda --test "$T/t.sieve" >"$T/test.out" 2>&1
check "--test says implicit keep otherwise" grep -qi 'keep' "$T/test.out"
printf 'if foo {\n' >"$T/bad.sieve"
printf 'Subject: x\n\nx\n' | prog poczta-mda --test "$T/bad.sieve" >"$T/test.out" 2>&1
check_eq "--test on a broken script exits EX_DATAERR" "65" "$?"
check "--test prints file:line:column" grep -q 'bad.sieve:[0-9]*:[0-9]*:' "$T/test.out"
done_testing
