#!/usr/bin/env python3
"""make-corpus.py DIR - write a corpus of varied, real-world-shaped messages.

Each file is exact bytes: MIME, 8-bit, encoded headers, broken headers, no
final newline, CRLF and bare LF, NUL bytes, long lines. Deterministic, so a
failing case can be found again by its name."""
import base64, os, sys

def msg(*lines, eol=b"\n", final=True):
    out = eol.join(l.encode() if isinstance(l, str) else l for l in lines)
    return out + (eol if final else b"")

C = {}
C["plain"] = msg("From: Alice <alice@example.org>", "To: bob@poczta.test",
                 "Subject: lunch?", "Date: Sun, 22 Nov 2026 10:00:00 +0100",
                 "Message-ID: <plain@example.org>", "", "Shall we?", "-- ", "Alice")
C["crlf"] = msg("From: a@example.org", "To: b@poczta.test", "Subject: crlf",
                "Message-ID: <crlf@example.org>", "", "line one", "line two", eol=b"\r\n")
C["no-final-newline"] = msg("From: a@example.org", "Subject: eof", "Message-ID: <eof@x>",
                            "", "no newline at the end", final=False)
C["headers-only"] = msg("From: a@example.org", "Subject: nothing else", "Message-ID: <ho@x>")
C["utf8-8bit"] = msg("From: =?UTF-8?Q?Zo=C5=9Bka_Kowalska?= <zoska@example.pl>",
                     "Subject: =?UTF-8?B?WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQ=?=",
                     "Message-ID: <pl@example.pl>", "MIME-Version: 1.0",
                     "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit",
                     "", "Zażółć gęślą jaźń. Съешь же ещё этих мягких французских булок. Räksmörgås.")
C["latin2-8bit"] = msg(b"From: a@example.pl", b"Subject: latin2", b"Message-ID: <l2@x>",
                       b"Content-Type: text/plain; charset=ISO-8859-2", b"",
                       "Zażółć gęślą jaźń".encode("iso-8859-2"))
att = base64.encodebytes(bytes(range(256)) * 8).decode().rstrip("\n").split("\n")
C["mime-attachment"] = msg("From: a@example.org", "To: b@poczta.test", "Subject: report",
                           "Message-ID: <mime@x>", "MIME-Version: 1.0",
                           'Content-Type: multipart/mixed; boundary="b1"', "",
                           "preamble", "--b1", "Content-Type: text/plain; charset=us-ascii", "",
                           "See attached.", "--b1",
                           "Content-Type: application/octet-stream; name=\"data.bin\"",
                           "Content-Transfer-Encoding: base64",
                           "Content-Disposition: attachment; filename*=UTF-8''dane%20%C5%BC.bin",
                           "", *att, "--b1--", "epilogue")
C["broken-headers"] = msg("From: a@example.org", "this line has no colon", "Subject: broken",
                          ": empty name", "X-Very-Long: " + "x" * 3000, "\tfolded continuation",
                          "", "body")
C["bare-lf-in-crlf"] = b"From: a@x\r\nSubject: mixed\r\n\r\nline\nbare lf\r\nbare\rcr\r\n"
C["nul-bytes"] = b"From: a@x\nSubject: nul\n\nbefore\x00after\n"
C["dots"] = msg("From: a@x", "Subject: dots", "", ".", "..", ".leading dot", "end")
C["long-line"] = msg("From: a@x", "Subject: long", "", "y" * 20000)
C["from-line"] = msg("From: a@x", "Subject: body From line", "", "From here on", ">From quoted")
C["html"] = msg("From: news@example.com", "Subject: news", "MIME-Version: 1.0",
                'Content-Type: multipart/alternative; boundary="alt"', "", "--alt",
                "Content-Type: text/plain", "", "text", "--alt", "Content-Type: text/html", "",
                "<html><body><p>text</p></body></html>", "--alt--")
C["bad-mime"] = msg("From: a@x", "Subject: bad mime", "MIME-Version: 1.0",
                    'Content-Type: multipart/mixed; boundary="never"', "",
                    "no boundary ever", "Content-Transfer-Encoding: base64", "!!!notbase64")

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(C.items()):
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(data)

main()
