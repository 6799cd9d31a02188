#!/bin/sh
# t-systemd.sh - make install puts a unit for every agent of a system install
# and one for a user's stack; each names a program that is built and an
# argument list the program takes; systemd-analyze verify finds them sound.
. "$(dirname "$0")/../lib.sh"

root=$T/root
check "make install DESTDIR" make -s -C "$top" install DESTDIR="$root"
prefix=$(sed -n 's/^prefix = //p' "$top/config.mk")
sbindir=$(sed -n 's/^sbindir = //p' "$top/config.mk" | sed "s|\$(prefix)|$prefix|")
bindir=$(sed -n 's/^bindir = //p' "$top/config.mk" | sed "s|\$(prefix)|$prefix|")
sys=$(find "$root" -path '*/systemd/system/*' -type f | sort)
user=$(find "$root" -path '*/systemd/user/*' -type f | sort)
check "system units installed" test -n "$sys"
check "poczta.target installed" test -n "$(echo "$sys" | grep 'poczta.target$')"
check "the user's stack unit installed" test -n "$(echo "$user" | grep 'poczta-user.service$')"

# Every ExecStart names an installed program: the unit is rewritten to run
# the build tree's copy, and systemd-analyze checks it (without man pages,
# which are not installed on this machine's man path).
for u in $sys $user; do
	name=${u##*/}
	grep '^Exec' "$u" | while IFS='=' read -r key cmd; do
		prog=${cmd%% *}
		case $prog in
		"$sbindir"/*|"$bindir"/*) test -x "$root$prog" || echo "$name: $prog not installed" ;;
		/bin/*|/usr/bin/*) ;;
		*) echo "$name: $prog outside $sbindir and $bindir" ;;
		esac
	done > "$T/bad"
	check_eq "$name: its programs are installed" "" "$(cat "$T/bad")"
	case $name in *.service)
		sed "s|$sbindir/|$BIN/|g; s|$bindir/|$BIN/|g" "$u" > "$T/$name"
		if command -v systemd-analyze > /dev/null; then
			check "$name: systemd-analyze verify" \
				systemd-analyze verify --man=no "$T/$name"
		fi ;;
	esac
done

# The arguments a system unit gives are ones the program takes: --help of
# poczta-mda lists --lmtp and --listen; poczta-mta knows "serve".
check "poczta-mda takes --lmtp --listen" sh -c "'$BIN/poczta-mda' --help 2>&1 | grep -q -- '--listen'"
check "poczta-mta takes serve" sh -c "'$BIN/poczta-mta' --help 2>&1 | grep -q 'serve'"
done_testing
