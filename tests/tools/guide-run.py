#!/usr/bin/env python3
"""guide-run.py - run every command of doc/guide.md as a reader would.

  guide-run.py script GUIDE        print a bash script that runs the guide
  guide-run.py dialogue GUIDE N HOST PORT [starttls|tls]
                                   replay the N-th dialogue block

In the guide, a fenced block whose info string is "sh" holds commands on
lines starting with "$ "; every one must exit 0 (the script prints a TAP
line for each).  A block whose info string is a protocol ("smtp", "imap",
"pop3") is a dialogue: its first line is the command that connects ("$ nc
-C 127.0.0.1 $((BASE + 25))", "$ openssl s_client ..."), then "C:" lines the
reader types and "S:" lines the server answers.  The replay sends the C:
lines and checks each answer's status (the SMTP code, the IMAP tagged
status, POP3's +OK/-ERR): the rest of a reply (ids, dates) may differ.

A block whose info string is "tmux" is a session in a terminal program:
its first line is the command ("$ bin/poczta"), started in a tmux session
of its own; then "K:" lines are keys the reader presses (text as it is,
key names in angle brackets: "<Enter>", "<Up>", "<Esc>"; tmux's names) and
"S:" lines text that must appear on the screen (waited for up to 30 s).
When the block ends, the program must have ended too (within 30 s).

HTML comments the reader does not see add checks:
  <!-- check: CMD -->   CMD must exit 0
  <!-- wait: CMD -->    CMD is retried for up to 30 s until it exits 0
Assignments of BASE= and LAB= are overridden by GUIDE_BASE and GUIDE_LAB
from the environment, so that a test picks free ports and its own
directory.
"""
import re
import shlex
import socket
import ssl
import sys


def blocks(path):
    """(info, lines) for each fenced block, and ('comment', [text]) for
    check/wait comments, in order"""
    out, cur, info = [], None, None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if cur is None:
            m = re.match(r"^```(\w*)\s*$", line)
            if m:
                cur, info = [], m.group(1)
                continue
            m = re.match(r"^<!-- (check|wait): (.*) -->$", line)
            if m:
                out.append((m.group(1), [m.group(2)]))
        elif line.startswith("```"):
            out.append((info, cur))
            cur = None
        else:
            cur.append(line)
    return out


def script(guide):
    runner = shlex.quote(sys.argv[0])
    q = shlex.quote(guide)
    lines = ["n=0", "fail=0",
             "step () { n=$((n + 1)); if [ $1 -eq 0 ]; then echo \"ok $n - guide: $2\"; "
             "else echo \"not ok $n - guide: $2 (exit $1)\"; fail=1; fi; }"]
    lines += ['tmx () { tmux -L "guide-$$" "$@"; }',
              "screen_has () { i=0; while [ $i -lt 300 ]; do "
              "tmx capture-pane -p -t guide 2>/dev/null | grep -qF -- \"$1\" && return 0; "
              "sleep 0.1; i=$((i + 1)); done; tmx capture-pane -p -t guide 2>/dev/null | "
              "sed 's/^/# /'; return 1; }",
              "session_ended () { i=0; while tmx has-session -t guide 2>/dev/null; do "
              "[ $i -ge 300 ] && { tmx kill-server; return 1; }; sleep 0.1; i=$((i + 1)); "
              "done; return 0; }"]
    ndialogue = 0
    for info, body in blocks(guide):
        if info == "sh":
            for line in body:
                if not line.startswith("$ "):
                    continue
                cmd = line[2:]
                lines.append(cmd)
                lines.append("step $? %s" % shlex.quote(cmd))
                if re.match(r"^(BASE|LAB)=", cmd):
                    lines.append('BASE=${GUIDE_BASE:-$BASE} LAB=${GUIDE_LAB:-$LAB}')
        elif info == "check":
            lines.append(body[0])
            lines.append("step $? %s" % shlex.quote("check: " + body[0]))
        elif info == "wait":
            lines.append("i=0; st=1; while :; do if %s; then st=0; break; fi; i=$((i + 1)); "
                         "[ $i -ge 300 ] && break; sleep 0.1; done >/dev/null 2>&1" % body[0])
            lines.append("step $st %s" % shlex.quote("wait: " + body[0]))
        elif info == "tmux":
            lines += tmux_block(body)
        elif info in ("smtp", "imap", "pop3"):
            ndialogue += 1
            connect = body[0][2:]
            m = re.match(r"^nc -C (\S+) (.*)$", connect)
            if m:
                host, port, mode = m.group(1), m.group(2), "plain"
            else:
                m = re.match(r"^openssl s_client .*-connect ([^:\s]+):(\$\(\([^)]*\)\)|\S+)",
                             connect)
                if not m:
                    raise SystemExit("guide: cannot replay %r" % connect)
                host, port = m.group(1), '"%s"' % m.group(2)
                mode = "starttls" if "-starttls" in connect else "tls"
            lines.append("python3 %s dialogue %s %d %s %s %s %s" % (
                runner, q, ndialogue, host, port, mode, info))
            lines.append("step $? %s" % shlex.quote("dialogue: " + connect))
    lines.append("exit $fail")
    print("\n".join(lines))


def tmux_keys(text):
    """the send-keys commands that press text: literal runs with -l, and
    <Name> as tmux's key Name"""
    out = []
    for i, part in enumerate(re.split(r"<(\w+)>", text)):
        if not part:
            continue
        if i % 2:
            out.append("tmx send-keys -t guide %s" % shlex.quote(part))
        else:
            out.append("tmx send-keys -t guide -l %s" % shlex.quote(part))
    return out


def tmux_block(body):
    """shell lines that run a tmux block: the program in a session of its
    own (100x30, the guide's variables exported), keys, screen checks"""
    cmd = body[0][2:]
    lines = ["export BASE LAB",
             'tmx new-session -d -s guide -x 100 -y 30 -c "$PWD" %s' % shlex.quote(cmd),
             "step $? %s" % shlex.quote("tmux: " + cmd)]
    for line in body[1:]:
        if line.startswith("K: "):
            lines += tmux_keys(line[3:])
        elif line.startswith("S: "):
            lines.append("screen_has %s" % shlex.quote(line[3:]))
            lines.append("step $? %s" % shlex.quote("screen: " + line[3:]))
    lines.append("session_ended")
    lines.append("step $? %s" % shlex.quote("tmux: %s ended" % cmd))
    return lines


class Peer:
    def __init__(self, host, port, mode, proto):
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.proto = proto
        self.buf = b""
        if mode == "tls":
            self.tls()
        elif mode == "starttls":
            self.starttls()

    def tls(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the sandbox's self-signed certificate
        self.sock = ctx.wrap_socket(self.sock)

    def starttls(self):
        # what openssl s_client -starttls does before the reader types
        if self.proto == "smtp":
            self.reply()
            self.send("EHLO guide")
            self.reply()
            self.send("STARTTLS")
        elif self.proto == "imap":
            self.line()
            self.send(". STARTTLS")
        else:
            self.line()
            self.send("STLS")
        self.line()
        self.tls()

    def send(self, text):
        self.sock.sendall(text.encode("utf-8") + b"\r\n")

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit("guide: connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """one SMTP reply: its lines, the last one without a '-'"""
        out = [self.line()]
        while len(out[-1]) > 3 and out[-1][3] == "-":
            out.append(self.line())
        return out


def status(proto, line):
    if proto == "smtp":
        return line[:3]
    if proto == "pop3":
        return line.split(" ", 1)[0]
    words = line.split(" ")  # imap: "* OK", "a1 OK", "+ ..."
    return " ".join(words[:2]) if words[0] != "+" else "+"


def dialogue(guide, n, host, port, mode, proto):
    body = [b for b in blocks(guide) if b[0] in ("smtp", "imap", "pop3")][n - 1][1]
    peer = Peer(host, port, mode, proto)
    expect = []
    for line in body[1:] + ["C: (end)"]:
        if line.startswith("S:"):
            expect.append(line[3:])
            continue
        if expect:
            if proto == "imap":
                # untagged data ("* ...") is there for the reader; what is
                # checked is the greeting and each tagged status, read past
                # whatever comes before it (literals included)
                tagged = [w for w in expect if not w.startswith("* ")]
                wants = tagged[-1:] if tagged else expect[:1]
            else:
                wants = expect if proto != "smtp" else [expect[-1]]
            for want in wants:
                got = peer.reply()[-1] if proto == "smtp" else peer.line()
                if proto == "imap" and not want.startswith("* "):
                    tag = want.split(" ", 1)[0]
                    while not got.startswith(tag + " "):
                        got = peer.line()
                if status(proto, got) != status(proto, want):
                    print("# expected %r, got %r" % (want, got))
                    return 1
            expect = []
        if line.startswith("C:") and line != "C: (end)":
            peer.send(line[3:])
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "script":
        script(sys.argv[2])
    else:
        sys.exit(dialogue(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
                          sys.argv[6], sys.argv[7]))
