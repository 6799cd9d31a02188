/* config.h - the client's settings from poczta.conf's [client] and
 * [search NAME] sections, with no curses in it. */
#ifndef POCZTA_CLIENT_CONFIG_H
#define POCZTA_CLIENT_CONFIG_H
#include <stdbool.h>
#include "buf.h"
#include "conf.h"
#include "keys.h"
#include "outbox.h"

/* What the screen paints, each with its own colour pair (pair = element + 1). */
enum cfg_color {
	COL_NORMAL, COL_STATUS, COL_SELECTED, COL_UNREAD, COL_FLAGGED, COL_DELETED,
	COL_SIDEBAR, COL_HEADER, COL_QUOTE, COL_SIGNATURE, COL_ATTACHMENT, COL_NOTE,
	COL_COUNT
};

/* A colour pair: curses colour numbers (0 black .. 7 white), -1 the default. */
struct cfg_pair {
	short fg, bg;
};

/* A line of the sidebar: a folder or a saved search. */
struct cfg_search {
	char *name;
	char *query;
};

struct client_config {
	char *maildir;
	char *start;
	bool threads, oldest_first, sidebar, prefer_html;
	int sidebar_width;
	char **headers;		/* NULL-terminated */
	char *mailcap;		/* or NULL */
	struct cfg_pair colors[COL_COUNT];
	struct keys keys;
	struct cfg_search *searches;
	size_t nsearches;
	const struct conf *conf;	/* the whole file, borrowed (the agents screen) */
	/* composing (composer.h, ui_compose.c) */
	struct keys compose_keys;	/* the compose screen's keymap */
	char *from;		/* [client] from, else user@first domain */
	char **alternates;	/* NULL-terminated */
	char *signature;	/* the file, or NULL */
	char *attribution;
	char *editor;		/* or NULL: $VISUAL, $EDITOR, vi */
	char *drafts;		/* the Maildir++ folder */
	bool flowed;
	char *hostname;		/* for Message-IDs */
	char *aliases;		/* [mta] aliases, for completion; or NULL */
	char *index_spool;	/* DATA_DIR/index: drafts are noted there for indexing */
	struct outbox_config outbox;	/* outbox_conf.c */
};

/* cfg_load - the client's settings from c; false with every problem in
 * err (one line each, "file:line: key: what") */
bool cfg_load(struct client_config *cfg, const struct conf *c, struct buf *err);
void cfg_free(struct client_config *cfg);
/* cfg_color - apply "ELEMENT:FG/BG"; false with the reason in err */
bool cfg_color(struct client_config *cfg, const char *spec, struct buf *err);

#endif
