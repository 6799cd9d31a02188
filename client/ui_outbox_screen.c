/* ui_outbox_screen.c - the outbox screen (O): every message not yet
 * delivered - the spool's (waiting, being sent, failed with the reply)
 * and the local queue's (each recipient's state) - with retry, hold and
 * release, edit (take back) and cancel. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "outbox_queue.h"
#include "ui.h"
#include "ui_outbox.h"
#include "xalloc.h"

/* ui_ob_subject - the Subject of a message (raw, one line), newly allocated */
static char *ui_ob_subject(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *nl;

	while (p < end && *p != '\n') {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > 8 && strncasecmp(p, "Subject:", 8) == 0) {
			p += 8;
			while (p < nl && (*p == ' ' || *p == '\t'))
				p++;
			return xstrndup(p, (size_t)(nl - p));
		}
		p = nl + 1;
	}
	return xstrdup("");
}

/* ui_ob_add - a row */
static struct ui_ob_row *ui_ob_add(struct ui_outbox *s)
{
	s->rows = xreallocarray(s->rows, s->n + 1, sizeof(*s->rows));
	memset(&s->rows[s->n], 0, sizeof(*s->rows));
	return &s->rows[s->n++];
}

/* ui_ob_spool_state - "waiting 4 s", "sending", "failed" */
static void ui_ob_spool_state(const struct outbox_entry *e, time_t now, struct buf *b)
{
	if (e->state == OUTBOX_WAITING && e->due > now)
		/* L10N: an outbox entry waiting; %lld is seconds */
		buf_printf(b, _("waiting %lld s"), (long long)(e->due - now));
	else if (e->state == OUTBOX_WAITING)
		buf_puts(b, _("due"));
	else if (e->state == OUTBOX_SUBMITTING)
		buf_puts(b, _("sending"));
	else
		buf_puts(b, _("failed"));
}

/* ui_ob_spool_rows - the spool's entries */
static void ui_ob_spool_rows(struct ui *u, struct ui_outbox *s, time_t now)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct outbox_entry *v, e;
	struct ui_ob_row *r;
	size_t n, i;

	v = outbox_list(u->ob, &n);
	for (i = 0; i < n; i++) {
		char *subject = NULL;

		if (outbox_load(u->ob, v[i].id, &e, &err) == 0) {
			subject = ui_ob_subject(e.msg, e.len);
			outbox_entry_free(&e);
		}
		buf_reset(&b);
		ui_ob_spool_state(&v[i], now, &b);
		buf_printf(&b, "  %s%s  %s", v[i].rcpts[0], v[i].nrcpts > 1 ? ", ..." : "",
			   subject ? subject : "");
		r = ui_ob_add(s);
		snprintf(r->id, sizeof(r->id), "%s", v[i].id);
		r->line = buf_detach(&b);
		r->detail = v[i].reply ? xstrdup(v[i].reply) : NULL;
		free(subject);
	}
	outbox_list_free(v, n);
	buf_free(&b);
	buf_free(&err);
}

/* ui_ob_queue_rows - the local queue's messages from the user */
static void ui_ob_queue_rows(struct ui *u, struct ui_outbox *s, time_t now)
{
	struct outbox_qmsg *q;
	struct ui_ob_row *r;
	size_t n, i;

	q = outbox_queue_list(u->ob, &n);
	for (i = 0; i < n; i++) {
		struct buf b = BUF_INIT, d = BUF_INIT;

		outbox_queue_describe(&q[i], now, &b, &d);
		r = ui_ob_add(s);
		snprintf(r->id, sizeof(r->id), "%s", q[i].id);
		r->queued = true;
		r->held = q[i].held;
		r->line = buf_detach(&b);
		r->detail = d.len ? buf_detach(&d) : NULL;
		buf_free(&d);
	}
	outbox_queue_free(q, n);
}

static void ui_ob_rows_free(struct ui_outbox *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->rows[i].line);
		free(s->rows[i].detail);
	}
	free(s->rows);
	s->rows = NULL;
	s->n = 0;
}

void ui_outbox_reload(struct ui *u)
{
	struct ui_outbox *s = u->obs;
	time_t now = time(NULL);

	ui_ob_rows_free(s);
	ui_ob_spool_rows(u, s, now);
	ui_ob_queue_rows(u, s, now);
	if (s->cur >= s->n)
		s->cur = s->n ? s->n - 1 : 0;
}

void ui_outbox_screen_open(struct ui *u)
{
	u->obs = xcalloc(1, sizeof(*u->obs));
	ui_outbox_reload(u);
}

void ui_outbox_screen_free(struct ui *u)
{
	if (u->obs == NULL)
		return;
	ui_ob_rows_free(u->obs);
	free(u->obs);
	u->obs = NULL;
}

void ui_outbox_draw(struct ui *u)
{
	struct ui_outbox *s = u->obs;
	int y = 1, per = 2, fit = (u->rows - 2) / per;
	size_t i;

	ui_put(0, 0, _("Outbox: mail not yet delivered (q: back, ?: keys)"), u->cols,
	       COL_STATUS + 1, A_BOLD);
	if (s->n == 0)
		ui_put(2, 2, _("Nothing on its way out."), u->cols - 2, 0, A_NORMAL);
	if (fit < 1)
		fit = 1;
	if (s->cur < s->top)
		s->top = s->cur;
	if (s->cur >= s->top + (size_t)fit)
		s->top = s->cur - (size_t)fit + 1;
	for (i = s->top; i < s->n && y < u->rows - 2; i++) {
		struct buf b = BUF_INIT;
		bool sel = i == s->cur;

		buf_printf(&b, "%s %s", s->rows[i].queued ? _("queue") : _("spool"), s->rows[i].line);
		ui_put(y++, 0, buf_cstr(&b), u->cols, sel ? COL_SELECTED + 1 : 0,
		       sel ? A_BOLD : A_NORMAL);
		if (s->rows[i].detail)
			ui_put(y, 6, s->rows[i].detail, u->cols - 6, COL_NOTE + 1, A_NORMAL);
		y++;
		buf_free(&b);
	}
}

/* ui_ob_confirm - ask yes or no on the bottom row */
static bool ui_ob_confirm(struct ui *u, const char *question)
{
	char *a = ui_prompt(u, question, NULL);
	/* L10N: the answer to a yes/no question starts with this letter */
	bool yes = a && (a[0] == 'y' || a[0] == 'Y' || strncmp(a, _("y"), 1) == 0);

	free(a);
	return yes;
}

/* ui_ob_act - one action on the row under the cursor */
static void ui_ob_act(struct ui *u, const struct ui_ob_row *r, int action)
{
	struct buf err = BUF_INIT, msg = BUF_INIT;
	int rc = -1;

	if (action == ACT_RETRY)
		rc = r->queued ? outbox_queue_retry(u->ob, r->id, &err) : outbox_retry(u->ob, r->id, &err);
	else if (action == ACT_HOLD && r->queued)
		rc = outbox_queue_hold(u->ob, r->id, !r->held, &err);
	else if (action == ACT_HOLD)
		buf_puts(&err, _("only a message in the local queue can be held"));
	else if (action == ACT_EDIT && (rc = outbox_take(u->ob, r->id, &msg, &err)) == 0)
		ui_outbox_reopen(u, &msg);
	else if (action == ACT_DELETE) {
		if (!ui_ob_confirm(u, _("Cancel this message, never to be sent? (y/n) ")))
			rc = 1;
		else if (r->queued)
			rc = outbox_queue_cancel(u->ob, r->id, &err);
		else
			rc = outbox_cancel(u->ob, r->id, &err);
		if (rc == 0)
			ui_message(u, "%s", _("Cancelled."));
	}
	if (rc < 0)
		ui_message(u, "%s", buf_cstr(&err));
	else if (rc == 0 && action == ACT_RETRY)
		ui_message(u, "%s", _("Trying again now."));
	else if (rc == 0 && action == ACT_HOLD)
		ui_message(u, "%s", r->held ? _("Released.") : _("Held."));
	u->ob_tick = 0;
	buf_free(&err);
	buf_free(&msg);
}

void ui_outbox_screen_key(struct ui *u, int action)
{
	struct ui_outbox *s = u->obs;

	switch (action) {
	case ACT_BACK: case ACT_OUTBOX: ui_outbox_screen_free(u); return;
	case ACT_DOWN: if (s->cur + 1 < s->n) s->cur++; return;
	case ACT_UP: if (s->cur > 0) s->cur--; return;
	case ACT_FIRST: s->cur = 0; return;
	case ACT_LAST: s->cur = s->n ? s->n - 1 : 0; return;
	case ACT_RETRY: case ACT_HOLD: case ACT_EDIT: case ACT_DELETE:
		if (s->n) {
			struct ui_ob_row r = s->rows[s->cur];

			ui_ob_act(u, &r, action);
			ui_outbox_reload(u);
		}
		return;
	default: ui_message(u, "%s", _("Not in the outbox: Y retry, H hold, e edit, d cancel.")); return;
	}
}
