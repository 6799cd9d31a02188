/* test_hops.c - Received fields as poczta's agents and other servers write
 * them (Postfix, Dovecot LMTP, Exim, Gmail, fetchmail) read back into hops:
 * order, agent, role, protocol, TLS, times; odd and broken fields. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hops.h"

/* one - parse a single Received value */
static struct hop one(const char *value)
{
	struct hop h;

	hops_parse_received(value, &h);
	return h;
}

static void test_poczta_mta_tls(void **state)
{
	struct hop h = one(" from vm ([127.0.0.1])\n\tby poczta.test (poczta-mta) with ESMTPS\n"
			   "\t(TLSv1.3 cipher TLS_AES_256_GCM_SHA384)\n"
			   "\tfor <user@poczta.test>; Sun, 22 Nov 2026 05:16:05 +0000");
	(void)state;
	assert_string_equal(h.from, "vm");
	assert_string_equal(h.by, "poczta.test");
	assert_string_equal(h.program, "poczta-mta");
	assert_string_equal(h.protocol, "ESMTPS");
	assert_string_equal(h.tls, "TLSv1.3");
	assert_string_equal(h.rcpt, "user@poczta.test");
	assert_string_equal(h.role, "MTA");
	assert_int_equal(h.when, 1795324565);
	hop_free(&h);
}

static void test_poczta_mda_lmtp(void **state)
{
	struct hop h = one(" from poczta.test (127.0.0.1:53598)\n"
			   "\tby poczta.test (poczta-mda) with LMTP id 6b027a95ad679jasbhk.R388fa7\n"
			   "\tfor <user@poczta.test>; Sun, 22 Nov 2026 06:16:05 +0100");
	(void)state;
	assert_string_equal(h.program, "poczta-mda");
	assert_string_equal(h.role, "MDA");
	assert_string_equal(h.id, "6b027a95ad679jasbhk.R388fa7");
	assert_null(h.tls);
	assert_int_equal(h.when, 1795324565);	/* the zone is taken off */
	hop_free(&h);
}

static void test_sendmail_local(void **state)
{
	struct hop h = one(" by poczta.test (poczta-sendmail, from userid 0);\n"
			   "\tSun, 22 Nov 2026 05:16:05 +0000");
	(void)state;
	assert_null(h.from);
	assert_string_equal(h.program, "poczta-sendmail");
	assert_string_equal(h.role, "MSA");
	hop_free(&h);
	/* Postfix's pickup writes the same shape */
	h = one(" by mail.example.org (Postfix, from userid 1000)\n\tid 4Xq; Mon, 2 Nov 2026 10:00:00 +0000");
	assert_string_equal(h.program, "Postfix");
	assert_string_equal(h.role, "MSA");
	assert_string_equal(h.id, "4Xq");
	hop_free(&h);
}

static void test_postfix_submission(void **state)
{
	struct hop h = one(" from [192.168.1.5] (unknown [192.168.1.5])\n"
			   "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\n"
			   "\t(No client certificate requested)\n"
			   "\t(Authenticated sender: anna)\n"
			   "\tby mail.example.org (Postfix) with ESMTPSA id 4F1A2B3C4D\n"
			   "\tfor <bob@example.net>; Mon, 2 Nov 2026 10:00:00 +0000 (UTC)");
	(void)state;
	assert_string_equal(h.from, "[192.168.1.5]");
	assert_string_equal(h.program, "Postfix");
	assert_string_equal(h.protocol, "ESMTPSA");
	assert_string_equal(h.tls, "TLSv1.2");
	assert_string_equal(h.role, "MSA");
	assert_int_equal(h.when, 1793613600);
	hop_free(&h);
}

static void test_gmail_exim_dovecot(void **state)
{
	struct hop h = one(" from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\n"
			   "        by mx.google.com with SMTPS id a1sor123\n"
			   "        for <x@gmail.com>\n"
			   "        (Google Transport Security);\n"
			   "        Mon, 02 Nov 2026 02:00:00 -0800 (PST)");
	(void)state;
	assert_null(h.program);
	assert_string_equal(h.protocol, "SMTPS");
	assert_string_equal(h.tls, "TLS");
	assert_string_equal(h.role, "MTA");
	assert_int_equal(h.when, 1793613600);
	hop_free(&h);
	h = one(" from [10.0.0.1] (helo=box)\n\tby smtp.example.com with esmtpsa  (TLS1.3) tls "
		"TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t(envelope-from <a@example.com>)\n"
		"\tid 1abc-000; Mon, 02 Nov 2026 10:00:00 +0000");
	assert_string_equal(h.protocol, "esmtpsa");
	assert_string_equal(h.tls, "TLSv1.3");
	assert_string_equal(h.role, "MSA");
	assert_string_equal(h.program, "Exim");
	hop_free(&h);
	h = one(" from mx.example.org\n\tby imap.example.org with LMTP\n\tid kC3bN (envelope-from "
		"<a@example.org>)\n\tfor <b@example.org>; Mon, 02 Nov 2026 10:00:00 +0000");
	assert_string_equal(h.role, "MDA");
	assert_string_equal(h.rcpt, "b@example.org");
	hop_free(&h);
	h = one(" from imap.example.org [10.1.1.1]\n\tby laptop with IMAP (fetchmail-6.4.37)\n"
		"\tfor <me@localhost> (single-drop); Mon, 02 Nov 2026 10:00:00 +0000 (UTC)");
	assert_string_equal(h.role, "MRA");
	hop_free(&h);
}

static void test_broken(void **state)
{
	struct hop h = one("");
	(void)state;
	assert_null(h.from);
	assert_int_equal(h.when, (time_t)-1);
	hop_free(&h);
	h = one(" from ((((unbalanced by x with ESMTP; not a date");
	assert_int_equal(h.when, (time_t)-1);
	hop_free(&h);
	h = one(" by x (\\) escaped) with SMTP; Mon, 2 Nov 2026 10:00:00 +0000");
	assert_string_equal(h.by, "x");
	assert_string_equal(h.protocol, "SMTP");
	hop_free(&h);
}

static void test_message(void **state)
{
	static const char msg[] =
		"Return-Path: <a@example.org>\n"
		"Delivered-To: user@poczta.test\n"
		"Received: from poczta.test (127.0.0.1:1)\n"
		"\tby poczta.test (poczta-mda) with LMTP id Q1.R2\n"
		"\tfor <user@poczta.test>; Sun, 22 Nov 2026 05:16:07 +0000\n"
		"Received: from vm ([127.0.0.1])\n"
		"\tby poczta.test (poczta-mta) with ESMTP\n"
		"\tfor <user@poczta.test>; Sun, 22 Nov 2026 05:16:06 +0000\n"
		"Date: Sun, 22 Nov 2026 05:16:05 +0000\n"
		"Message-ID: <abc@vm>\n"
		"Subject: hello\n"
		"\n"
		"Received: in the body is not a hop\n";
	struct hops h;
	(void)state;
	assert_int_equal(hops_parse(msg, strlen(msg), &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.hop[0].program, "poczta-mta");	/* oldest first */
	assert_string_equal(h.hop[1].program, "poczta-mda");
	assert_int_equal(h.hop[1].when - h.hop[0].when, 1);
	assert_int_equal(h.hop[0].when - h.date, 1);
	assert_string_equal(h.message_id, "abc@vm");
	assert_string_equal(h.subject, "hello");
	assert_string_equal(h.return_path, "a@example.org");
	assert_string_equal(h.delivered_to, "user@poczta.test");
	hops_free(&h);
	assert_int_equal(hops_parse("", 0, &h), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poczta_mta_tls),
		cmocka_unit_test(test_poczta_mda_lmtp),
		cmocka_unit_test(test_sendmail_local),
		cmocka_unit_test(test_postfix_submission),
		cmocka_unit_test(test_gmail_exim_dovecot),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
