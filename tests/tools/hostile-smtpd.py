#!/usr/bin/env python3
"""hostile-smtpd.py - a small SMTP server for the relay client's tests.

It speaks enough ESMTP to take a message, and misbehaves on request:

  --mode normal   an ordinary server (the default)
  --mode inject   after "220 ready" to STARTTLS, more bytes in the same write
                  (a man in the middle's injected reply, CVE-2020-15953)
  --mode split    every reply is multi-line and written a few bytes at a time
  --mode stall    greets, then never answers
  --mode silent   accepts the connection and never says anything

  --cert/--key    offer STARTTLS with this certificate; with --implicit, TLS
                  from the first byte (port 465 style)
  --no-starttls   do not offer STARTTLS even with a certificate
  --no-pipelining, --no-esmtp
  --dsn, --smtputf8  announce DSN (RFC 3461), SMTPUTF8 (RFC 6531)
  --auth USER:PASS  offer AUTH PLAIN LOGIN and check the credentials
  --reject ADDR   550 5.1.1 to RCPT TO:<ADDR>; --tempreject ADDR: 450 4.2.1
  --reject-mail ADDR  553 5.7.1 to MAIL FROM:<ADDR>
  --log FILE      every command line received, one per line (AUTH data too,
                  so a test can check what was sent); "TLS" when a handshake
                  completes; "DATA-END" after a message
  --data FILE     the last message received, as it came (dot-stuffed, CR LF)

It writes its pid to --pidfile, serves connections one after another until
killed, and listens on 127.0.0.1 only.
"""
import argparse
import base64
import os
import socket
import ssl
import sys
import time


class Session:
    def __init__(self, sock, args, log):
        self.sock = sock
        self.args = args
        self.log = log
        self.buf = b""
        self.tls = False
        self.rcpts = 0
        self.mail = False

    def record(self, line):
        self.log.write(line + "\n")
        self.log.flush()

    def send(self, data):
        if self.args.mode == "split":
            # odd boundaries: 1, 2, 3 ... bytes per write
            i, n = 0, 1
            while i < len(data):
                self.sock.sendall(data[i:i + n])
                i += n
                n = n % 5 + 1
                time.sleep(0.002)
        else:
            self.sock.sendall(data)

    def reply(self, code, *lines):
        if self.args.mode == "split" and len(lines) == 1:
            lines = ("this reply", "comes in pieces") + lines
        out = b""
        for i, text in enumerate(lines):
            sep = " " if i == len(lines) - 1 else "-"
            out += ("%d%s%s\r\n" % (code, sep, text)).encode()
        self.send(out)

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def ehlo_lines(self, name):
        a = self.args
        lines = ["hostile.poczta.test greets " + name]
        if not a.no_pipelining:
            lines.append("PIPELINING")
        lines += ["SIZE 10000000", "8BITMIME", "ENHANCEDSTATUSCODES"]
        if a.dsn:
            lines.append("DSN")
        if a.smtputf8:
            lines.append("SMTPUTF8")
        if a.cert and not a.implicit and not a.no_starttls and not self.tls:
            lines.append("STARTTLS")
        if a.auth:
            lines.append("AUTH PLAIN LOGIN")
        return lines

    def starttls(self):
        if self.args.mode == "inject":
            self.send(b"220 2.0.0 ready\r\n250 2.0.0 injected\r\n")
        else:
            self.reply(220, "2.0.0 ready")
        self.handshake()

    def handshake(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.args.cert, self.args.key)
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.record("TLS-FAILED " + str(e))
            raise ConnectionError
        self.buf = b""
        self.tls = True
        self.record("TLS")

    def auth(self, arg):
        user, _, password = self.args.auth.partition(":")
        parts = arg.split()
        if parts[0].upper() == "PLAIN" and len(parts) == 2:
            got = base64.b64decode(parts[1])
        elif parts[0].upper() == "LOGIN":
            self.reply(334, "VXNlcm5hbWU6")
            u = base64.b64decode(self.readline() or "")
            self.reply(334, "UGFzc3dvcmQ6")
            p = base64.b64decode(self.readline() or "")
            got = b"\0" + u + b"\0" + p
        else:
            self.reply(504, "5.5.4 mechanism not supported")
            return
        if got == b"\0" + user.encode() + b"\0" + password.encode():
            self.reply(235, "2.7.0 authenticated")
        else:
            self.reply(535, "5.7.8 bad credentials")

    def data(self):
        self.reply(354, "go ahead")
        text = b""
        while True:
            line = None
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return False
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            if line == b".\r":
                break
            text += line + b"\n"
        if self.args.data:
            with open(self.args.data, "wb") as f:
                f.write(text)
        self.record("DATA-END")
        self.reply(250, "2.0.0 queued as 4711")
        return True

    def rcpt(self, arg):
        addr = arg.split(":", 1)[1].strip() if ":" in arg else ""
        addr = addr.split(">")[0].lstrip("<")
        if addr in self.args.reject:
            self.reply(550, "5.1.1 <%s>: no such user" % addr)
        elif addr in self.args.tempreject:
            self.reply(450, "4.2.1 <%s>: try later" % addr)
        else:
            self.rcpts += 1
            self.reply(250, "2.1.5 ok")

    def run(self):
        a = self.args
        if a.mode == "silent":
            time.sleep(3600)
        if a.implicit:
            self.handshake()
        self.reply(220, "hostile.poczta.test ESMTP")
        while True:
            line = self.readline()
            if line is None:
                return
            self.record(line)
            if a.mode == "stall":
                time.sleep(3600)
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO" and not a.no_esmtp:
                self.reply(250, *self.ehlo_lines(arg))
            elif verb == "HELO":
                self.reply(250, "hostile.poczta.test")
            elif verb == "STARTTLS" and a.cert and not a.no_starttls and not self.tls:
                self.starttls()
            elif verb == "AUTH" and a.auth:
                self.auth(arg)
            elif verb == "MAIL" and any("<%s>" % m in arg for m in a.reject_mail):
                self.reply(553, "5.7.1 sender refused")
            elif verb == "MAIL":
                self.mail = True
                self.reply(250, "2.1.0 ok")
            elif verb in ("RCPT", "DATA") and not self.mail:
                self.reply(503, "5.5.1 MAIL first")
            elif verb == "RCPT":
                self.rcpt(arg)
            elif verb == "DATA" and self.rcpts == 0:
                self.reply(554, "5.5.1 no valid recipients")  # RFC 2920 3.1
            elif verb == "DATA":
                self.rcpts = 0
                self.mail = False
                if not self.data():
                    return
            elif verb == "RSET" or verb == "NOOP":
                self.reply(250, "2.0.0 ok")
            elif verb == "QUIT":
                self.reply(221, "2.0.0 bye")
                return
            else:
                self.reply(502, "5.5.2 command not implemented")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", default="normal",
                   choices=["normal", "inject", "split", "stall", "silent"])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit", action="store_true")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--no-esmtp", action="store_true")
    p.add_argument("--dsn", action="store_true")
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempreject", action="append", default=[])
    p.add_argument("--reject-mail", action="append", default=[])
    p.add_argument("--log", required=True)
    p.add_argument("--data")
    p.add_argument("--pidfile")
    args = p.parse_args()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(5)
    if args.pidfile:
        with open(args.pidfile + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.pidfile + ".tmp", args.pidfile)
    log = open(args.log, "a")
    while True:
        conn, _ = srv.accept()
        s = Session(conn, args, log)
        try:
            s.run()
        except (ConnectionError, OSError, ssl.SSLError):
            pass
        finally:
            try:
                s.sock.close()
            except OSError:
                pass
        log.write("CLOSED\n")
        log.flush()


if __name__ == "__main__":
    sys.exit(main())
