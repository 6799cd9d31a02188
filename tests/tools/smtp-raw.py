#!/usr/bin/env python3
"""smtp-raw.py HOST PORT LINE... - a session as a person types it: reads the
greeting, sends each LINE with CRLF and prints the replies.  Lines between
"data" and "." are message text (no reply awaited)."""
import socket, sys

def main():
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
    f = s.makefile("rb")
    def reply():
        while True:
            line = f.readline()
            if not line:
                return
            print(line.decode(errors="replace").rstrip("\r\n"))
            if line[3:4] != b"-":
                return
    reply()
    in_data = False
    for line in sys.argv[3:]:
        s.sendall(line.encode() + b"\r\n")
        if in_data:
            if line == ".":
                in_data = False
                reply()
            continue
        reply()
        if line.lower() == "data":
            in_data = True

main()
