#!/bin/sh
# t-client-compose.sh - writing mail in poczta --demo, driven through tmux
# with EDITOR set to a script that edits the file as the test tells it
# ($T/edit.cmd): a new message with a Polish subject and a binary
# attachment sent through the whole local chain (MSA, MTA, MDA) and the
# attachment saved back byte for byte; a reply that joins its thread with
# In-Reply-To; group and list replies' recipients, and L without
# List-Post; forwards inline and as an attachment; abort asks; postpone to
# Drafts and recall.
. "$(dirname "$0")/../lib.sh"

. "$(dirname "$0")/../client.sh"
command -v swaks >/dev/null || { not_ok "swaks is installed"; done_testing; }

# edit COMMANDS: what the editor does next to the file "$f"
edit () { printf '%s\n' "$1" >"$T/edit.cmd"; }
# back_to_inbox: q until the index of tag:inbox is in front
back_to_inbox () {
	i=0
	until screen | grep -q '^poczta: tag:inbox'; do
		[ $i -lt 10 ] || return 1
		keys q
		sleep 0.3
		i=$((i + 1))
	done
}

cat >"$T/editor.sh" <<EOF
#!/bin/sh
f="\$1"
echo "\$f" >"$T/edited-path"
cp "\$f" "$T/seen.txt"
. "$T/edit.cmd"
EOF
chmod +x "$T/editor.sh"
# a binary attachment: every byte value, NUL and bare CR included
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 9 + b"\r\n\x00end")' >"$T/blob.bin"

mkdir -p "$T/cwd"
tm new-session -d -s demo -x 120 -y 40 \
	"cd '$T/cwd' && EDITOR='$T/editor.sh' VISUAL= TMPDIR='$T' LANG=C.UTF-8 LC_ALL=C.UTF-8 $BIN/poczta --demo; echo \"exit=\$?\"; sleep 60"
check "the demo opens on the inbox" wait_for "poczta: tag:inbox" 60
box=$(ls -d "$T"/poczta-demo.* | head -n 1)
maildir="$box/mail/user"

# 1. a new message to the demo user, a Polish subject, a binary attachment
edit "sed -i -e 's/^To:.*/To: Anna Nowak <user@poczta.test>/' \
	-e 's/^Subject:.*/Subject: Zażółć gęślą jaźń — test/' \
	-e '0,/^\$/s|^\$|Attach: $T/blob.bin dane binarne\n|' \"\$f\"
printf 'Treść wiadomości.\n' >>\"\$f\""
keys m
check "m opens the compose screen after the editor" wait_for "poczta: Compose"
check "the editor's file had the header block" grep -q '^From: user@poczta.test$' "$T/seen.txt"
check "... with every field, even empty" sh -c "grep -q '^Cc:' '$T/seen.txt' && grep -q '^Reply-To:' '$T/seen.txt'"
check "the editor's file was made under TMPDIR" grep -q "^$T/poczta-compose" "$T/edited-path"
check "... and removed afterwards" sh -c "! test -e \"\$(cat '$T/edited-path')\""
check "the compose screen shows the Polish subject" wait_for "Subject: Zażółć gęślą jaźń — test"
check "the compose screen lists the attachment with its type and size" wait_for "[application/octet-stream, 2.3K]  blob.bin"
keys "?"
check "? lists the compose screen's keys" wait_for "compose-postpone"
keys x
wait_for "poczta: Compose" >/dev/null
keys y
check "y sends: the outbox counts down to sending it" wait_for "Sending in"
check "the message arrives through MSA, MTA and MDA" wait_for "Zażółć gęślą jaźń — test" 90
check "... submitted to the MSA with AUTH under TLS" sh -c "grep -l '(poczta-msa) with ESMTPSA' '$maildir'/new/* | xargs grep -l 'dane binarne' | grep -q ."
keys Home Enter
wait_for "poczta: Zażółć gęślą jaźń — test  [1]" >/dev/null
keys Enter
check "its pager shows the subject" wait_for "Subject: Zażółć gęślą jaźń — test"
check "... and the text" wait_for "Treść wiadomości."
keys v
check "the attachment list has blob.bin" wait_for "blob.bin"
keys j s
wait_for "Save to: blob.bin" >/dev/null
keys Enter
check "the attachment is saved" wait_for "Saved blob.bin."
check "the attachment survived byte for byte" cmp "$T/blob.bin" "$T/cwd/blob.bin"
keys m
check "m in the attachment list views the part (mailcap) rather than composing" \
	sh -c "sleep 1; tmux -L $SOCK capture-pane -p -t demo | grep -Eq 'No mailcap entry views|ended with status'"
back_to_inbox

# 2. a reply joins its thread
edit "sed -i -e 's/^To:.*/To: user@poczta.test/' \"\$f\"; printf 'Jag kommer gärna!\n' >>\"\$f\""
keys / "subject:Kräftskiva" Enter
wait_for "poczta: subject:Kräftskiva" >/dev/null
keys r
check "r opens the compose screen" wait_for "poczta: Compose"
check "the reply's subject has Re: once" grep -q '^Subject: Re: Kräftskiva på fredag$' "$T/seen.txt"
check "the reply quotes the original under the attribution" grep -q '^> Flygande bäckasiner' "$T/seen.txt"
check "the reply is to the author" grep -q '^To: .*asa@example.se' "$T/seen.txt"
keys y
check "the reply is sent" wait_for "Sending in"
check "the original is marked replied (Maildir flag R)" eventually 20 sh -c "grep -l 'demo-6@' '$maildir'/cur/* | grep -q ':2,R'"
keys q
wait_for "poczta: tag:inbox" >/dev/null
keys / "subject:Kräftskiva" Enter
check "the thread has two messages once the reply is delivered" wait_for "(  2) Kräftskiva på fredag" 90
keys Enter
check "the thread view shows the reply under the original" wait_for "└> Re: Kräftskiva på fredag"
check "the delivered reply has In-Reply-To" sh -c "grep -l '^In-Reply-To: <demo-6@poczta.test>' '$maildir'/new/* '$maildir'/cur/* | grep -q ."
back_to_inbox

# 3. group reply: the author and every other recipient, less the user
swaks --server "127.0.0.1:$(awk -F: '/^\[/ { s = $0 } s == "[mta]" && /^listen = / { print $NF }' "$box/poczta.conf")" \
	--from zofia@example.pl --to user@poczta.test \
	--header 'Subject: Group plans' --header 'Cc: Piotr <piotr@example.pl>, user@poczta.test' \
	--header 'To: user@poczta.test, marek@example.pl' --body 'Who comes?' >"$T/swaks.out" 2>&1
check "the group message arrives" wait_for "Group plans" 30
edit "exit 1"
keys / "subject:Group" Enter
wait_for "poczta: subject:Group" >/dev/null
keys g
check "an editor that fails aborts the message" wait_for "ended with status 1."
check "g replies to the author" grep -q '^To: .*zofia@example.pl' "$T/seen.txt"
check "... and the other recipients" sh -c "grep -E '^(To|Cc):' '$T/seen.txt' | grep -q marek@example.pl && grep -E '^(To|Cc):' '$T/seen.txt' | grep -q piotr@example.pl"
check "... but not the user" sh -c "! grep -E '^(To|Cc):' '$T/seen.txt' | grep -q user@poczta.test"
keys r
wait_for "ended with status 1." >/dev/null
check "r replies to the author alone" sh -c "grep -q '^To: .*zofia@example.pl' '$T/seen.txt' && ! grep -q marek '$T/seen.txt'"
keys L
check "L without List-Post says so" wait_for "List-Post"
back_to_inbox

# 4. list reply: the demo's list mail has List-Post
rm -f "$T/seen.txt"
keys / "from:announce@lists.debian.org" Enter
wait_for "Debian Announce" >/dev/null
keys L
check "L replies to the List-Post address" eventually 20 sh -c "grep -q '^To: .*debian-announce@lists.debian.org' '$T/seen.txt' 2>/dev/null"
back_to_inbox

# 5. forward inline and as an attachment; abort asks
keys / "subject:Kräftskiva" Enter
wait_for "poczta: subject:Kräftskiva" >/dev/null
keys Enter
wait_for "(  2)" >/dev/null
keys Home Enter
wait_for "Flygande" >/dev/null
edit "sed -i -e 's/^To:.*/To: olle@example.se/' \"\$f\""
keys f
check "f asks inline or attachment" wait_for "Forward as attachment? (y/n)"
keys n
check "n forwards inline" wait_for "poczta: Compose"
check "... with the Fwd: subject" grep -q '^Subject: Fwd: Kräftskiva på fredag$' "$T/seen.txt"
check "... and the original's text in the body" grep -q 'Flygande bäckasiner' "$T/seen.txt"
keys q
check "q asks before aborting a modified message" wait_for "Abort modified message? (y/n)"
keys n
check "n keeps the message" wait_for "poczta: Compose"
keys q y
check "y aborts" wait_for "Message aborted."
keys f y
check "y forwards as an attachment" wait_for "[message/rfc822"
check "... the text does not hold the original" sh -c "! grep -q 'Flygande' '$T/seen.txt'"
keys D
check "D removes the attachment" sh -c "sleep 0.5; ! tmux -L $SOCK capture-pane -p -t demo | grep -q 'message/rfc822'"
keys q y
wait_for "Message aborted." >/dev/null
back_to_inbox

# 6. postpone and recall
edit "sed -i -e 's/^To:.*/To: user@poczta.test/' -e 's/^Subject:.*/Subject: Odłożona wiadomość/' -e 's/^Bcc:.*/Bcc: hidden@poczta.test/' \"\$f\"
printf 'Do dokończenia.\n' >>\"\$f\""
keys m
wait_for "poczta: Compose" >/dev/null
keys c
wait_for "Cc: " >/dev/null
keys "luk" Tab
check "Tab completes an address from the index" wait_for "Cc: Łukasz Wójcik <lukasz@example.pl>"
keys Escape
keys P
check "P postpones to Drafts" wait_for "Message postponed to Drafts."
check "the draft is in .Drafts/cur with flags D and S" sh -c "ls '$maildir'/.Drafts/cur | grep -q ':2,DS$'"
check "... and holds the text and the Bcc" sh -c "grep -q 'Do doko' '$maildir'/.Drafts/cur/* && grep -q '^Bcc: hidden@poczta.test' '$maildir'/.Drafts/cur/*"
keys R
check "R recalls the draft into the compose screen" wait_for "Subject: Odłożona wiadomość"
check "... with its Bcc" wait_for "Bcc: hidden@poczta.test"
keys q
check "q on an unchanged recalled draft asks about an unmodified message" wait_for "Abort unmodified message? (y/n)"
keys y
check "aborting keeps the draft" sh -c "ls '$maildir'/.Drafts/cur | grep -q ':2,DS$'"
keys R
wait_for "Subject: Odłożona wiadomość" >/dev/null
keys y
check "the recalled draft is sent" wait_for "Sending in"
check "... and then removed from Drafts" sh -c "test -z \"\$(ls '$maildir'/.Drafts/cur)\""
check "the recalled message arrives" wait_for "Odłożona wiadomość" 90
keys R
check "R with no drafts says so" wait_for "No postponed messages."

keys Q
check "the client ends with status 0" wait_for "exit=0"
done_testing
