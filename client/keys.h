/* keys.h - the client's key table: every action, the keys bound to it by
 * default (as mutt users expect) and its line on the help screen; bindings
 * from poczta.conf ([client] bind = KEY:ACTION, ...) replace a key's action.
 * Keys are Unicode code points, or KEYS_* for the keys that are not. */
#ifndef POCZTA_CLIENT_KEYS_H
#define POCZTA_CLIENT_KEYS_H
#include <stdbool.h>
#include "buf.h"

enum {
	KEYS_SPECIAL = 0x200000,	/* above every code point */
	KEYS_UP, KEYS_DOWN, KEYS_LEFT, KEYS_RIGHT, KEYS_PGUP, KEYS_PGDN,
	KEYS_HOME, KEYS_END, KEYS_ENTER, KEYS_BACKSPACE, KEYS_DELETE,
	KEYS_RESIZE,
};

enum keys_action {
	ACT_NONE,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST, ACT_LAST,
	ACT_OPEN, ACT_BACK, ACT_QUIT, ACT_SEARCH, ACT_NEXT, ACT_PREV,
	ACT_CHANGE, ACT_FOCUS, ACT_DELETE, ACT_UNDELETE, ACT_FLAG,
	ACT_TOGGLE_UNREAD, ACT_TAG, ACT_ATTACHMENTS, ACT_SAVE, ACT_VIEW,
	ACT_HELP, ACT_REDRAW, ACT_PATH,
	ACT_AGENTS,
	ACT_UNDO_SEND, ACT_OUTBOX, ACT_RETRY, ACT_HOLD, ACT_EDIT, ACT_SENT_COPY,
	/* composing (ui_compose.c) */
	ACT_COMPOSE, ACT_REPLY, ACT_GROUP_REPLY, ACT_LIST_REPLY, ACT_FORWARD, ACT_RECALL,
	/* the compose screen's own keymap (keys_compose_actions) */
	ACT_C_SEND, ACT_C_TO, ACT_C_CC, ACT_C_BCC, ACT_C_SUBJECT, ACT_C_REPLY_TO, ACT_C_FROM,
	ACT_C_EDIT, ACT_C_ATTACH, ACT_C_DETACH, ACT_C_POSTPONE, ACT_C_ABORT,
	ACT_COUNT
};

/* One action and what the help screen says of it. */
struct keys_action_def {
	enum keys_action action;
	const char *name;	/* as written in poczta.conf */
	const char *keys;	/* default keys, space-separated key names */
	const char *help;	/* untranslated; the help screen translates it */
};

extern const struct keys_action_def keys_actions[];	/* ends with ACT_NONE */
/* The compose screen's keys (as mutt's compose menu): a table of its own,
 * since y, t, c, s, r, f, D and P mean other things there; its action
 * names start with "compose-" and bind in the same [client] bind list. */
extern const struct keys_action_def keys_compose_actions[];

#define KEYS_MAX 64

/* The keys in force. */
struct keys {
	struct keys_binding {
		int key;
		enum keys_action action;
	} b[KEYS_MAX];
	int n;
};

/* keys_init - the default bindings */
void keys_init(struct keys *k);
/* keys_bind - bind "KEY:ACTION" (one item of the bind list); false with
 * the reason in err */
bool keys_bind(struct keys *k, const char *spec, struct buf *err);
enum keys_action keys_lookup(const struct keys *k, int key);
/* keys_init_table - the default bindings of table (keys_compose_actions) */
void keys_init_table(struct keys *k, const struct keys_action_def *table);
/* keys_bind_table - keys_bind over the actions of table */
bool keys_bind_table(struct keys *k, const struct keys_action_def *table, const char *spec,
		     struct buf *err);
/* keys_parse - a key name ("j", "Down", "PageUp", "^R", "Enter", "Tab",
 * "Space", "F1"...) to its code; -1 when it is not one */
int keys_parse(const char *name);
/* keys_name - the name of key appended to out */
void keys_name(int key, struct buf *out);
/* keys_of - the keys bound to action, comma-separated, appended to out */
void keys_of(const struct keys *k, enum keys_action a, struct buf *out);

#endif
