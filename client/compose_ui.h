/* compose_ui.h - one message being written in the client, shared by
 * ui_compose.c (the keys m r g L f R, the editor, sending, postponing)
 * and ui_compose_screen.c (the compose screen and the recall list). */
#ifndef POCZTA_CLIENT_COMPOSE_UI_H
#define POCZTA_CLIENT_COMPOSE_UI_H
#include <stdbool.h>
#include <stddef.h>
#include "compose.h"
#include "ui.h"

struct ui_compose {
	struct compose c;
	char *sig;		/* the signature's text, or NULL */
	char *orig_query;	/* the message replied to or forwarded, or NULL */
	const char *orig_tag;	/* what it is tagged once sent: "+replied", "+passed" */
	char *draft;		/* the Drafts file it was recalled from, or NULL */
	size_t acur;		/* the attachment under the cursor */
	bool modified;		/* changed since the compose screen opened */
	bool help;		/* the compose screen's key list is shown */
	bool done;		/* sent, postponed or aborted */
};

/* ui_compose.c */
/* ui_compose_edit - the message in the editor until it parses; false when
 * it is to be aborted (the editor failed, or the first edit left it
 * unchanged or empty, or the user gave up on a parse error) */
bool ui_compose_edit(struct ui *u, struct ui_compose *uc, bool first);
/* ui_compose_send - build and hand to the outbox; false (said why) when not */
bool ui_compose_send(struct ui *u, struct ui_compose *uc);
/* ui_compose_postpone - build and save into the Drafts folder */
bool ui_compose_postpone(struct ui *u, struct ui_compose *uc);
/* ui_compose_yesno - ask on the bottom row; true for y */
bool ui_compose_yesno(struct ui *u, const char *question);
/* ui_compose_resize - the terminal changed size */
void ui_compose_resize(struct ui *u);

/* ui_compose_screen.c */
/* ui_compose_screen - the compose screen until the message is sent,
 * postponed or aborted */
void ui_compose_screen(struct ui *u, struct ui_compose *uc);
/* ui_compose_pick - choose one of the drafts (paths); its index, or -1 */
long ui_compose_pick(struct ui *u, char *const *files);

#endif
