#!/usr/bin/env python3
# hostile.py MODE PORTFILE LOG - a fake IMAP or POP3 server for one
# connection, for the STARTTLS stripping, refusal, injection and PREAUTH
# cases.  Every line the client sends is written to LOG, so the test can
# check that no credentials went out.  The port it listens on goes to
# PORTFILE.
import socket
import sys

mode, portfile, logname = sys.argv[1:4]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(30)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
import os
os.rename(portfile + ".tmp", portfile)
conn, _ = srv.accept()
conn.settimeout(30)
log = open(logname, "w")
rf = conn.makefile("rb")


def send(s):
    conn.sendall(s.encode())


def lines():
    while True:
        line = rf.readline()
        if not line:
            return
        log.write(line.decode(errors="replace"))
        log.flush()
        yield line.decode(errors="replace").rstrip("\r\n")


if mode.startswith("imap"):
    if mode == "imap-preauth":
        send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in already\r\n")
    else:
        send("* OK hostile IMAP ready\r\n")
    caps = "IMAP4rev1 AUTH=PLAIN" + ("" if mode == "imap-nostarttls" else " STARTTLS")
    for line in lines():
        tag, _, cmd = line.partition(" ")
        cmd = cmd.upper()
        if cmd.startswith("CAPABILITY"):
            send("* CAPABILITY %s\r\n%s OK done\r\n" % (caps, tag))
        elif cmd.startswith("STARTTLS"):
            if mode == "imap-refuse":
                send("%s NO not today\r\n" % tag)
            elif mode == "imap-inject":
                send("%s OK Begin TLS now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n" % tag)
            else:
                send("%s BAD no\r\n" % tag)
        elif cmd.startswith("LOGOUT"):
            send("* BYE\r\n%s OK bye\r\n" % tag)
            break
        else:
            send("%s NO hostile\r\n" % tag)
else:
    send("+OK hostile POP3 ready\r\n")
    for line in lines():
        cmd = line.upper()
        if cmd.startswith("CAPA"):
            send("+OK\r\nUSER\r\nUIDL\r\n%s.\r\n" % ("" if mode == "pop-nostls" else "STLS\r\n"))
        elif cmd.startswith("STLS"):
            if mode == "pop-inject":
                send("+OK go ahead\r\n+OK injected\r\n")
            else:
                send("-ERR not today\r\n")
        elif cmd.startswith("QUIT"):
            send("+OK bye\r\n")
            break
        else:
            send("-ERR hostile\r\n")
conn.close()
