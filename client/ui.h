/* ui.h - the client's view: ncursesw screens over the model (mbox.h,
 * sidebar.h, mimeview.h).  One screen is drawn at a time into stdscr and
 * sent with wnoutrefresh/doupdate, so only what changed reaches the terminal. */
#ifndef POCZTA_CLIENT_UI_H
#define POCZTA_CLIENT_UI_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "config.h"
#include "mbox.h"
#include "sidebar.h"

struct mimeview;
struct agents;
struct outbox;

/* An index screen: a list and where the cursor is; screens stack up as
 * threads and searches are opened, and q goes back down. */
struct ui_index {
	struct mbox_list *list;
	char *title;
	size_t cur, top;
	bool to_end;		/* End was pressed: the list is being read in steps */
	struct ui_index *prev;
};

/* The pager: one message rendered, and the attachment list over it. */
struct ui_pager {
	struct mimeview *mv;
	char *file;		/* the message's file */
	char *data;		/* its bytes, for saving parts */
	size_t len;
	struct ui_row {
		size_t line;	/* an index into mv->lines */
		size_t off;	/* where in its text the row starts */
	} *rows;		/* the lines wrapped to the screen's width */
	size_t nrows;
	size_t top;		/* the first row shown */
	char *find;		/* the last text searched for, or NULL */
	bool attachments;	/* the attachment list is shown */
	bool path;		/* the path view is shown (ui_path.c) */
	size_t acur;		/* its cursor, an index into mv->parts */
};

struct ui {
	struct client_config *cfg;
	struct mbox_db *db;
	struct sidebar sb;
	size_t sb_cur;
	bool sb_focus, help, quit;
	size_t help_top;
	struct ui_index *ix;
	struct ui_pager *pg;
	char status[512];
	int rows, cols;
	struct agents *agents;	/* the agents screen, shown when not NULL */
	struct outbox *ob;	/* the outbox (outbox.h), NULL when it cannot be
				 * opened; compose sends with outbox_put(u->ob, ...) */
	struct ui_outbox *obs;	/* the outbox screen when shown (ui_outbox.c) */
	time_t ob_due;		/* the soonest due message, for the countdown */
	char *ob_last;		/* the id last sent, which undo-send takes back */
	bool ob_counting;	/* status shows the outbox's countdown */
	bool ob_busy;		/* messages wait or are being sent */
	time_t ob_tick;		/* the outbox's last tick */
};

/* ui_run - the client on cfg's Maildir until the user quits; exit status */
int ui_run(struct client_config *cfg);

/* ui.c, for the screens */
void ui_message(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ui_prompt - read a line on the bottom row; newly allocated, NULL when
 * the user gave up (Esc, ^G) */
char *ui_prompt(struct ui *u, const char *question, const char *initial);
/* ui_prompt_complete - ui_prompt where Tab replaces the last
 * comma-separated item with complete's candidates for it in turn (a
 * strlist, freed with strlist_free; NULL or empty: none) */
char *ui_prompt_complete(struct ui *u, const char *question, const char *initial,
			 char **(*complete)(void *ctx, const char *prefix), void *ctx);
/* ui_key - the next key as keys.h codes (curses' own codes mapped); -1
 * when none came within the timeout */
int ui_key(void);
/* ui_put - text cut or padded to exactly cols columns at (y, x) in pair */
void ui_put(int y, int x, const char *text, int cols, int pair, int attrs);
/* ui_page - the lines a screen scrolls by */
int ui_page(const struct ui *u);

/* ui_index.c */
bool ui_index_push(struct ui *u, const char *query, enum mbox_kind kind, const char *title);
void ui_index_pop(struct ui *u);
void ui_index_draw(struct ui *u);
void ui_index_key(struct ui *u, int action);
/* ui_index_reload - run the screen's query again, the cursor kept on its entry */
void ui_index_reload(struct ui_index *ix);
/* ui_index_step - a step of the index's work that waits for no key (End
 * reading the list to its end); returns whether there was any */
bool ui_index_step(struct ui *u);
void ui_sidebar_draw(struct ui *u, int width);
void ui_sidebar_key(struct ui *u, int action);
int ui_sidebar_width(const struct ui *u);

/* ui_pager.c */
bool ui_pager_open(struct ui *u, const char *file);
void ui_pager_close(struct ui *u);
void ui_pager_draw(struct ui *u);
void ui_pager_key(struct ui *u, int action);

/* ui_compose.c - m, r, g, L, f and R: write, send or postpone a message */
void ui_compose_key(struct ui *u, int action);

/* ui_path.c - the path view: the message's hops, read back from its
 * Received fields (lib/hops.h), as poczta-ctl trace shows them */
void ui_path_draw(struct ui *u);
/* ui_pager_relayout - render again for a new width, keeping the place */
void ui_pager_relayout(struct ui *u);

/* ui_agents.c - the agents screen: the chain MUA -> MSA -> MTA -> MDA ->
 * MAA -> MRA as boxes with each agent's state, address, queue, last log
 * line and protocol lines (client/agents.h), refreshed on the idle tick */
void ui_agents_open(struct ui *u);
void ui_agents_close(struct ui *u);
void ui_agents_refresh(struct ui *u);
void ui_agents_draw(struct ui *u);
void ui_agents_key(struct ui *u, int action);
/* ui_outbox.c - the outbox: its tick, the countdown, undo-send, the
 * screen of mail on its way out */
void ui_outbox_open(struct ui *u);
void ui_outbox_close(struct ui *u);
/* ui_outbox_sent - compose calls it after outbox_put(u->ob, ..., &id):
 * the countdown starts, undo-send can take id back; takes id */
void ui_outbox_sent(struct ui *u, char *id);
/* ui_outbox_tick - the outbox's work; true when the loop should tick
 * every second (a countdown or a submission under way) */
bool ui_outbox_tick(struct ui *u);
/* ui_outbox_key - the undo-send and outbox keys from any screen; true
 * when the key was one of them */
bool ui_outbox_key(struct ui *u, int action);
void ui_outbox_draw(struct ui *u);

#endif
