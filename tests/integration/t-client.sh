#!/bin/sh
# t-client.sh - poczta --demo driven through tmux as a person would: the
# demo's sandbox and stack, moving, a thread, the pager's decoded Polish
# (ISO-8859-2) and Russian (KOI8-R) text, a notmuch search, tags synchronised
# to Maildir flags, an attachment saved without overwriting, resizing, and
# quitting, which stops the stack.
. "$(dirname "$0")/../lib.sh"

. "$(dirname "$0")/../client.sh"

# bar_at COLUMN: the sidebar's bar is at COLUMN (from 0) on the second row
bar_at () {
	screen | python3 -c 'import sys; l = sys.stdin.read().splitlines(); sys.exit(l[1].find("\u2502") != int(sys.argv[1]))' "$1"
}

mkdir -p "$T/cwd"
tm new-session -d -s demo -x 100 -y 30 \
	"cd '$T/cwd' && TMPDIR='$T' LANG=C.UTF-8 LC_ALL=C.UTF-8 $BIN/poczta --demo; echo \"exit=\$?\"; sleep 60"
check "the demo opens on the inbox" wait_for "poczta: tag:inbox" 60
box=$(ls -d "$T"/poczta-demo.* | head -n 1)
check "the sandbox was made in TMPDIR" test -f "$box/poczta.conf"
check "the stack is up while the client runs" sh -c "'$BIN/poczta-ctl' -c '$box/poczta.conf' status | grep -q 'mta .*running'"
check "the sidebar lists INBOX and the folders" sh -c "screen_out=\$(tmux -L $SOCK capture-pane -p -t demo); echo \"\$screen_out\" | grep -q '^INBOX ' && echo \"\$screen_out\" | grep -q '^Zażółć'"
check "encoded subjects are shown decoded" wait_for "Kräftskiva på fredag"
check "a thread shows its message count" wait_for "(  3) Spotkanie w środę"
check "a subject with CJK and emoji is shown" wait_for "日本語と絵文字😀 wide"
# the subject column lines up whatever the widths before it (wcwidth):
# 山田太郎 takes 8 columns, the emoji 2
screen | python3 -c '
import sys, unicodedata
def col(line, text):
    i = line.index(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i])
rows = sys.stdin.read().splitlines()
a = [r for r in rows if "日本語と絵文字" in r][0]
b = [r for r in rows if "Kräftskiva" in r][0]
sys.exit(col(a, "日本語と絵文字") != col(b, "Kräftskiva"))' >"$T/cols.out" 2>&1
check_eq "wide characters keep the subject column in line" 0 $?

# mail delivered through the demo's stack shows up while the client is open
port=$(awk -F: '/^\[/ { s = $0 } s == "[mta]" && /^listen = / { print $NF }' "$box/poczta.conf")
swaks --server "127.0.0.1:$port" --from a@example.org --to user@poczta.test \
	--header 'Subject: =?UTF-8?B?xYJhZG5hIHBvZ29kYQ==?=' --body 'new' >"$T/swaks.out" 2>&1
check "new mail delivered by the stack appears in the open index" wait_for "ładna pogoda" 30
# its path through the stack: P in the pager (issue 9's path view)
keys Home Enter
wait_for "poczta: ładna pogoda" >/dev/null
keys Enter
wait_for "From: a@example.org" >/dev/null
keys P
check "P shows the message's path" wait_for "the path of this message"
check "... the MTA's hop, by ESMTP" sh -c "tmux -L $SOCK capture-pane -p -t demo | grep -Eq '^1 +MTA +poczta-mta .* ESMTP'"
check "... then the MDA's, by LMTP" sh -c "tmux -L $SOCK capture-pane -p -t demo | grep -Eq '^2 +MDA +poczta-mda .* LMTP'"
keys x
check "any key goes back to the message" wait_for "From: a@example.org"
keys q q
wait_for "poczta: tag:inbox" >/dev/null
keys Home j j j Enter
check "Enter on a thread lists its messages" wait_for "poczta: Spotkanie w środę  [3]"
check "replies are indented under their parent" wait_for "└> Re: Spotkanie w środę"
keys Enter
check "the pager decodes Polish in ISO-8859-2 quoted-printable" wait_for "i zażółć gęślą jaźń, jak zawsze."
check "the pager shows the decoded From" wait_for "From: Łukasz Wójcik <lukasz@example.pl>"
keys q q
check "q goes back to the index" wait_for "poczta: tag:inbox"

keys /
check "/ asks for a notmuch query" wait_for "Search (notmuch query):"
keys "from:ivan" Enter
check "the search lists the Russian thread" wait_for "Привет из Москвы"
keys Enter Enter
check "the pager decodes Russian in KOI8-R" wait_for "Съешь же ещё этих мягких французских булок"
keys q q q
keys / "subject:Kräftskiva" Enter
wait_for "poczta: subject:Kräftskiva" >/dev/null
keys Enter Enter
check "the pager decodes Swedish in ISO-8859-1" wait_for "Flygande bäckasiner söka hwila på mjuka tuvor."
check "a line longer than the screen is wrapped, not cut" wait_for "hela vägen till slutet."
keys q q q

keys c
keys "subject:Faktura" Enter
check "c opens a query" wait_for "poczta: subject:Faktura"
keys t
keys "+urgent" Enter
check "t adds a free tag, shown in the index" wait_for "[urgen"
keys F
check "F flags the message" wait_for "NF  "
check "the flag reaches the Maildir file name (F)" sh -c "ls '$box'/mail/user/cur | grep -q ':2,F'"
keys d
check "d marks it deleted" wait_for "NFD "
check "deleted reaches the Maildir as T" sh -c "ls '$box'/mail/user/cur | grep -q ':2,FT'"
keys u
check "u undeletes" wait_for "NF  "
keys Enter Enter
check "the pager lists the attachments" wait_for "[-- Attachment"
keys v
check "v shows the attachment list with RFC 2231 names" wait_for "faktura-żółta.pdf"
keys j s
check "s proposes the attachment's name" wait_for "Save to: faktura-żółta.pdf"
keys Enter
check "the attachment is saved" wait_for "Saved faktura-żółta.pdf."
check "the saved file is the decoded PDF" grep -q '^%PDF-1.4' "$T/cwd/faktura-żółta.pdf"
keys s Enter
check "saving again never overwrites" wait_for "exists; nothing was written."
keys q q q
check "reading marked the message read" sh -c "ls '$box'/mail/user/cur | grep -q ':2,FS'"

keys q
wait_for "poczta: tag:inbox" >/dev/null
keys Home j j j
check "before the resize the sidebar is 24 columns wide" eventually 20 bar_at 23
tm resize-window -t demo -x 60 -y 20
check "the sidebar narrows to a third of 60 columns" eventually 20 bar_at 19
keys Enter
check "the place is kept: Enter opens the same thread" wait_for "poczta: Spotkanie w środę"
keys q
tm resize-window -t demo -x 250 -y 40
check "at 250 columns the sidebar is 24 wide again" eventually 20 bar_at 23
check "and the index fills the width" wait_for "Kräftskiva på fredag"
keys "?"
check "? shows the key table" wait_for "toggle-unread"
keys q Q
check "quitting ends the client with status 0" wait_for "exit=0"
check "quitting says where the sandbox stays" wait_for "the sandbox stays in $box"
check "quitting stopped the stack" sh -c "'$BIN/poczta-ctl' -c '$box/poczta.conf' status | grep -q 'mta .*stopped'"
done_testing
