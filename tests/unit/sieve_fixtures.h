/* sieve_fixtures.h - a message the Sieve unit tests share. */
#ifndef POCZTA_SIEVE_FIXTURES_H
#define POCZTA_SIEVE_FIXTURES_H

/* the envelope the runs use unless a case says otherwise */
#define ENV_FROM "coyote@desert.example.org"
#define ENV_TO "roadrunner+sieve@acme.example.com"

static const char msg_coyote[] =
	"Return-Path: <coyote@desert.example.org>\n"
	"Received: from desert.example.org by acme.example.com; Mon, 1 Jan 2024 00:00:00 +0000\n"
	"From: \"Wile E. Coyote\" <coyote@desert.example.org>\n"
	"To: \"Road Runner\" <roadrunner@acme.example.com>,\n"
	" bob+lists@example.org\n"
	"Cc: team: alice@example.net, carol@Example.NET;\n"
	"Subject: I have a present for you\n"
	"X-Caffeine: C8H10N4O2\n"
	"X-Empty:\n"
	"X-Star: 5 * 3?\n"
	"X-Quote: say \"hi\" \\o/\n"
	"X-Spam-Level: ***********\n"
	"Message-ID: <1@desert.example.org>\n"
	"\n"
	"Look, I'm sorry about the whole anvil thing, and I really\n"
	"didn't mean to try and drop it on you from the top of the\n"
	"cliff.  I want to try to make it up to you.\n";

/* CRLF line ends, RFC 2047 words, no final line end */
#endif
