/* ui_outbox.h - what client/ui_outbox*.c share. */
#ifndef POCZTA_CLIENT_UI_OUTBOX_H
#define POCZTA_CLIENT_UI_OUTBOX_H
#include <stdbool.h>
#include "buf.h"
#include "ui.h"

/* One line of the outbox screen: a spool entry or a queued message. */
struct ui_ob_row {
	bool queued;		/* in the local MTA's queue (else the spool) */
	bool held;
	char id[64];
	char *line;		/* what the list shows */
	char *detail;		/* the last reply, shown under it, or NULL */
};

struct ui_outbox {
	struct ui_ob_row *rows;
	size_t n, cur, top;
};

/* ui_outbox.c */
void ui_outbox_reopen(struct ui *u, const struct buf *msg);

/* ui_outbox_screen.c */
void ui_outbox_screen_open(struct ui *u);
void ui_outbox_screen_free(struct ui *u);
void ui_outbox_reload(struct ui *u);
void ui_outbox_screen_key(struct ui *u, int action);

#endif
