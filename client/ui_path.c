/* ui_path.c - the path view of the message in the pager: one row per hop,
 * oldest first, from the author's Date through each agent's Received field
 * (RFC 5321 4.4), with the role, the program, the host, the protocol, TLS
 * and the delay since the hop before — what poczta-ctl trace prints. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "hops.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

/* ui_path_time - a hop's time as local "MM-DD HH:MM:SS", or "-" */
static void ui_path_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (t == (time_t)-1 || localtime_r(&t, &tm) == NULL)
		snprintf(out, size, "-");
	else
		strftime(out, size, "%m-%d %H:%M:%S", &tm);
}

static const char *ui_path_cell(const char *s)
{
	return s && *s ? s : "-";
}

void ui_path_draw(struct ui *u)
{
	struct ui_pager *pg = u->pg;
	struct buf b = BUF_INIT;
	struct hops h;
	char when[32], delay[32];
	time_t prev;
	size_t i;
	int y = 1, page = ui_page(u);

	ui_put(0, 0, _("poczta: the path of this message  (any key: back)"), u->cols,
	       COL_STATUS + 1, A_BOLD);
	if (hops_parse(pg->data, pg->len, &h) < 0) {
		ui_put(y, 0, _("The message has no header."), u->cols, COL_NOTE + 1, A_NORMAL);
		return;
	}
	{	/* headings padded by screen columns: they are translated */
		static const int w[] = { 3, 5, 17, 21, 10, 9, 15, 0 };
		const char *head[] = { "#", _("role"), _("agent"), _("host"), _("protocol"), "TLS",
				       _("time"), _("delay") };
		for (i = 0; i < 8; i++)
			text_fit(&b, head[i], w[i] ? w[i] : text_width(head[i]), 1);
	}
	ui_put(y++, 0, buf_cstr(&b), u->cols, COL_HEADER + 1, A_BOLD);
	ui_path_time(h.date, when, sizeof(when));
	buf_reset(&b);
	buf_printf(&b, "%-2d %-4s %-16s %-20s %-9s %-8s %-14s", 0, "MUA", _("(Date: field)"), "-",
		   "-", "-", when);
	ui_put(y++, 0, buf_cstr(&b), u->cols, COL_NORMAL + 1, A_NORMAL);
	prev = h.date;
	for (i = 0; i < h.n && y <= page; i++) {
		const struct hop *p = &h.hop[i];

		ui_path_time(p->when, when, sizeof(when));
		hops_delay(prev, p->when, delay, sizeof(delay));
		if (p->when != (time_t)-1)
			prev = p->when;
		buf_reset(&b);
		buf_printf(&b, "%-2zu %-4s %-16.16s %-20.20s %-9.9s %-8.8s %-14s %s", i + 1, p->role,
			   ui_path_cell(p->program), ui_path_cell(p->by), ui_path_cell(p->protocol),
			   ui_path_cell(p->tls), when, delay);
		ui_put(y++, 0, buf_cstr(&b), u->cols, COL_NORMAL + 1, A_NORMAL);
	}
	if (h.n == 0 && y <= page)
		ui_put(y++, 0, _("No Received fields: the message has not passed through a mail agent."),
		       u->cols, COL_NOTE + 1, A_NORMAL);
	if (h.delivered_to && y + 1 <= page) {
		buf_reset(&b);
		buf_printf(&b, _("Delivered to %s, return path <%s>"), h.delivered_to,
			   h.return_path ? h.return_path : "");
		ui_put(y + 1, 0, buf_cstr(&b), u->cols, COL_NOTE + 1, A_NORMAL);
	}
	hops_free(&h);
	buf_free(&b);
}
