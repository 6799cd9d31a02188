/* test_queue_bounce.c - the delivery status notifications the queue makes
 * (RFC 3464): failed, delayed and RET=FULL reports, the null sender and
 * NOTIFY=NEVER. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <libetpan/libetpan.h>
#include "fsutil.h"
#include "queue.h"
#include "strlist.h"
#include "xalloc.h"
#include "queue_fixtures.h"

/* mime_type - "type/subtype" of a parsed part, newly allocated */
static char *mime_type(const struct mailmime *m)
{
	static const char *const discrete[] = { "?", "text", "image", "audio", "video",
						"application", "x" };
	const struct mailmime_type *t = m->mm_content_type->ct_type;
	const char *type;

	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE)
		type = discrete[t->tp_data.tp_discrete_type->dt_type];
	else
		type = t->tp_data.tp_composite_type->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE
		    ? "message" : "multipart";
	return xasprintf("%s/%s", type, m->mm_content_type->ct_subtype);
}

/* mime_body - the body text of a part, newly allocated */
static char *mime_body(const struct mailmime *m)
{
	const struct mailmime_data *b = m->mm_body ? m->mm_body : m->mm_data.mm_single;

	assert_non_null(b);
	return xstrndup(b->dt_data.dt_text.dt_data, b->dt_data.dt_text.dt_length);
}

/* A parsed report: its whole text and its three parts' types and bodies. */
struct report {
	char *text;
	char *type[3], *body[3];
	size_t nparts;
};

/* report_parse - check the report's shape with libetpan's MIME parser */
static void report_parse(const char *text, struct report *r)
{
	struct mailmime *mime = NULL, *mp;
	size_t idx = 0;
	clistiter *it;
	char *type, *param;

	memset(r, 0, sizeof(*r));
	r->text = xstrdup(text);
	assert_int_equal(mailmime_parse(text, strlen(text), &idx, &mime), MAILIMF_NO_ERROR);
	assert_int_equal(mime->mm_type, MAILMIME_MESSAGE);
	mp = mime->mm_data.mm_message.mm_msg_mime;
	assert_non_null(mp);
	type = mime_type(mp);
	assert_string_equal(type, "multipart/report");
	free(type);
	param = mailmime_content_param_get(mp->mm_content_type, (char *)"report-type");
	assert_non_null(param);
	assert_string_equal(param, "delivery-status");
	for (it = clist_begin(mp->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it)) {
		struct mailmime *part = clist_content(it);
		assert_true(r->nparts < 3);
		r->type[r->nparts] = mime_type(part);
		r->body[r->nparts] = mime_body(part);
		r->nparts++;
	}
	assert_int_equal(r->nparts, 3);
	mailmime_free(mime);
}

static void report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nparts; i++) {
		free(r->type[i]);
		free(r->body[i]);
	}
	free(r->text);
}

/* lines_valid - no CR, no line over 998 (RFC 5322 2.1.1) */
static void lines_valid(const char *text)
{
	const char *p = text;

	assert_null(strchr(text, '\r'));
	while (*p) {
		size_t n = strcspn(p, "\n");
		assert_true(n <= 998);
		p += n + (p[n] ? 1 : 0);
	}
}

static const char original[] = "From: Alice <alice@example.org>\nTo: r0@example.net\n"
			       "Subject: original\nMessage-ID: <orig@x>\n\nthe secret body\n";

/* bounce_setup - queue the original with recipients in various states */
static struct queue *bounce_setup(struct queue_env *env, const char *sender)
{
	struct queue *q = queue_open(scratch, NULL);
	size_t i;

	env_init(env, sender, 4);
	env->envid = xstrdup("ENV-123");
	assert_int_equal(commit_msg(q, env, original), 0);
	env->rcpts[0].state = QUEUE_FAILED;
	env->rcpts[0].orcpt = xstrdup("rfc822;R0@example.net");
	snprintf(env->rcpts[0].dsn, sizeof(env->rcpts[0].dsn), "5.1.1");
	env->rcpts[0].attempts = 1;
	env->rcpts[0].last = xstrdup("550 5.1.1 <r0@example.net>: Recipient address rejected: "
				     "User unknown in virtual mailbox table, and here is more "
				     "text\r\nwith a CRLF and \"quotes\" to make it long enough to fold");
	env->rcpts[1].state = QUEUE_FAILED;
	env->rcpts[1].notify = QUEUE_NOTIFY_NEVER;
	env->rcpts[2].state = QUEUE_DELIVERED;
	env->rcpts[3].state = QUEUE_DEFERRED;
	for (i = 0; i < 4; i++)
		env->rcpts[i].attempts++;
	return q;
}

/* other_id - the id in the queue that is not id; NULL when none */
static char *other_id(struct queue *q, const char *id)
{
	char **ids = queue_list(q), *found = NULL;
	size_t i;

	for (i = 0; ids[i]; i++)
		if (strcmp(ids[i], id) != 0) {
			assert_null(found);
			found = xstrdup(ids[i]);
		}
	strlist_free(ids);
	return found;
}

static void test_bounce_failed(void **state)
{
	struct queue_env env, back, b;
	struct queue *q = bounce_setup(&env, "alice@example.org");
	struct report r;
	struct dsn d;
	char *bid, *text;

	assert_int_equal(queue_bounce(q, &env, "mx.example", &d), 0);
	assert_int_equal(env.rcpts[0].state, QUEUE_BOUNCED);
	assert_int_equal(env.rcpts[1].state, QUEUE_BOUNCED);
	assert_int_equal(env.rcpts[2].state, QUEUE_DELIVERED);
	assert_int_equal(env.rcpts[3].state, QUEUE_DEFERRED);
	assert_int_equal(queue_load(q, env.id, &back, &d), 0);	/* marked on disk too */
	assert_int_equal(back.rcpts[0].state, QUEUE_BOUNCED);
	assert_int_equal(back.rcpts[1].state, QUEUE_BOUNCED);
	queue_env_free(&back);
	bid = other_id(q, env.id);
	assert_non_null(bid);
	assert_int_equal(queue_load(q, bid, &b, &d), 0);
	assert_string_equal(b.sender, "");
	assert_int_equal(b.nrcpts, 1);
	assert_string_equal(b.rcpts[0].addr, "alice@example.org");
	assert_int_equal(b.rcpts[0].notify, QUEUE_NOTIFY_NEVER);
	text = read_data(q, bid);
	lines_valid(text);
	assert_non_null(strstr(text, "MAILER-DAEMON@mx.example"));
	assert_non_null(strstr(text, "\nTo: <alice@example.org>\n"));
	assert_non_null(strstr(text, "\nSubject: Undelivered Mail Returned to Sender\n"));
	assert_non_null(strstr(text, "\nAuto-Submitted: auto-replied\n"));
	report_parse(text, &r);
	assert_string_equal(r.type[0], "text/plain");
	assert_non_null(strstr(r.body[0], "<r0@example.net>: 550 5.1.1"));
	assert_string_equal(r.type[1], "message/delivery-status");
	assert_non_null(strstr(r.body[1], "Reporting-MTA: dns; mx.example\n"));
	assert_non_null(strstr(r.body[1], "Original-Envelope-Id: ENV-123\n"));
	assert_non_null(strstr(r.body[1], "Arrival-Date: "));
	assert_non_null(strstr(r.body[1], "Final-Recipient: rfc822; r0@example.net\n"));
	assert_non_null(strstr(r.body[1], "Original-Recipient: rfc822;R0@example.net\n"));
	assert_non_null(strstr(r.body[1], "Action: failed\nStatus: 5.1.1\n"));
	assert_non_null(strstr(r.body[1], "Diagnostic-Code: smtp; 550 5.1.1"));
	assert_non_null(strstr(r.body[1], "address\n rejected"));	/* folded (RFC 5322 2.2.3) */
	assert_non_null(strstr(r.body[1], "text with\n a CRLF"));	/* the CRLF is gone */
	assert_non_null(strstr(r.body[1], "Last-Attempt-Date: "));
	assert_null(strstr(r.body[1], "r1@example.net"));	/* NOTIFY=NEVER */
	assert_null(strstr(r.body[1], "r2@example.net"));
	assert_null(strstr(r.body[1], "r3@example.net"));
	assert_string_equal(r.type[2], "text/rfc822-headers");
	assert_non_null(strstr(r.body[2], "Subject: original"));
	assert_null(strstr(text, "the secret body"));
	report_free(&r);
	free(text);
	queue_env_free(&b);
	free(bid);
	queue_env_free(&env);
	queue_close(q);
}

static void test_bounce_full_and_delay(void **state)
{
	struct queue_env env;
	struct queue *q = bounce_setup(&env, "alice@example.org");
	struct report r;
	struct dsn d;
	char *bid, *text, **ids;

	env.ret_full = true;
	env.rcpts[0].state = QUEUE_DEFERRED;	/* nothing failed: a delay report */
	env.rcpts[0].notify = QUEUE_NOTIFY_DELAY;
	snprintf(env.rcpts[0].dsn, sizeof(env.rcpts[0].dsn), "4.4.1");
	env.rcpts[1].state = QUEUE_DELIVERED;
	env.rcpts[2].notify = QUEUE_NOTIFY_SUCCESS | QUEUE_NOTIFY_FAILURE;
	assert_int_equal(queue_bounce(q, &env, "mx.example", &d), 0);
	bid = other_id(q, env.id);
	assert_non_null(bid);
	text = read_data(q, bid);
	lines_valid(text);
	assert_non_null(strstr(text, "\nSubject: Delayed Mail (still being retried)\n"));
	report_parse(text, &r);
	assert_non_null(strstr(r.body[1], "Final-Recipient: rfc822; r0@example.net\n"));
	assert_non_null(strstr(r.body[1], "Action: delayed\nStatus: 4.4.1\n"));
	assert_non_null(strstr(r.body[1], "Final-Recipient: rfc822; r2@example.net\n"
			       "Action: delivered\nStatus: 2.0.0\n"));
	assert_null(strstr(r.body[1], "r3@example.net"));
	assert_string_equal(r.type[2], "message/rfc822");
	assert_non_null(strstr(text, "the secret body"));
	/* each notice is given once */
	assert_int_equal(env.rcpts[0].notify, QUEUE_NOTIFY_NEVER);
	assert_int_equal(env.rcpts[2].notify, QUEUE_NOTIFY_FAILURE);
	assert_int_equal(queue_bounce(q, &env, "mx.example", &d), 0);
	ids = queue_list(q);
	assert_int_equal(strlist_len(ids), 2);
	strlist_free(ids);
	report_free(&r);
	free(text);
	free(bid);
	queue_env_free(&env);
	queue_close(q);
}

static void test_bounce_null_sender_and_never(void **state)
{
	struct queue_env env;
	struct queue *q = bounce_setup(&env, "");
	struct dsn d;
	char *bid;

	assert_int_equal(queue_bounce(q, &env, "mx.example", &d), 0);
	bid = other_id(q, env.id);
	assert_null(bid);	/* no bounce of a bounce */
	assert_int_equal(env.rcpts[0].state, QUEUE_BOUNCED);
	assert_int_equal(env.rcpts[1].state, QUEUE_BOUNCED);
	queue_env_free(&env);
	queue_close(q);
	teardown(state);
	setup(state);
	q = bounce_setup(&env, "alice@example.org");
	env.rcpts[0].notify = QUEUE_NOTIFY_NEVER;
	env.rcpts[3].notify = QUEUE_NOTIFY_SUCCESS;	/* not DELAY: no delay report */
	assert_int_equal(queue_bounce(q, &env, "mx.example", &d), 0);
	bid = other_id(q, env.id);
	assert_null(bid);
	assert_int_equal(env.rcpts[0].state, QUEUE_BOUNCED);
	queue_env_free(&env);
	queue_close(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bounce_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_full_and_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_null_sender_and_never, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
