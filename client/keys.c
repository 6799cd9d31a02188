/* keys.c - the key table and its bindings (keys.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "keys.h"
#include "xalloc.h"

const struct keys_action_def keys_actions[] = {
	{ ACT_DOWN, "down", "j Down", N_("next line") },
	{ ACT_UP, "up", "k Up", N_("previous line") },
	{ ACT_PAGE_DOWN, "page-down", "PageDown Space", N_("next page") },
	{ ACT_PAGE_UP, "page-up", "PageUp -", N_("previous page") },
	{ ACT_FIRST, "first", "Home", N_("first line") },
	{ ACT_LAST, "last", "End", N_("last line") },
	{ ACT_OPEN, "open", "Enter", N_("open the thread, message, folder or attachment") },
	{ ACT_BACK, "back", "q", N_("back to the previous screen; quit from the first") },
	{ ACT_QUIT, "quit", "Q", N_("quit at once") },
	{ ACT_SEARCH, "search", "/", N_("search: a notmuch query in the index, text in a message") },
	{ ACT_NEXT, "next", "n", N_("next unread in the index, next match in a message") },
	{ ACT_PREV, "previous", "N", N_("previous unread, previous match") },
	{ ACT_CHANGE, "change", "c", N_("open a folder, saved search or query by name") },
	{ ACT_FOCUS, "focus", "Tab", N_("move between the sidebar and the index") },
	{ ACT_DELETE, "delete", "d", N_("mark deleted (tag deleted, Maildir flag T)") },
	{ ACT_UNDELETE, "undelete", "u", N_("remove the deleted mark") },
	{ ACT_FLAG, "flag", "F", N_("flag or unflag (tag flagged, Maildir flag F)") },
	{ ACT_TOGGLE_UNREAD, "toggle-unread", "U", N_("mark read or unread (Maildir flag S)") },
	{ ACT_TAG, "tag", "t", N_("change tags: +TAG -TAG ...") },
	{ ACT_ATTACHMENTS, "attachments", "v", N_("list the message's attachments") },
	{ ACT_SAVE, "save", "s", N_("save the attachment (never over an existing file)") },
	{ ACT_VIEW, "view", "", N_("open the attachment through mailcap (the list: Enter, m)") },
	{ ACT_PATH, "path", "P", N_("the message's path through the mail agents") },
	{ ACT_AGENTS, "agents", "A", N_("the mail agents: the chain, each one's state and dialogue") },
	{ ACT_COMPOSE, "compose", "m", N_("write a new message (in the attachment list: view)") },
	{ ACT_REPLY, "reply", "r", N_("reply to the sender (Reply-To, else From)") },
	{ ACT_GROUP_REPLY, "group-reply", "g", N_("reply to the sender and every recipient") },
	{ ACT_LIST_REPLY, "list-reply", "L", N_("reply to the mailing list (List-Post)") },
	{ ACT_FORWARD, "forward", "f", N_("forward the message, inline or as an attachment") },
	{ ACT_RECALL, "recall", "R", N_("go on with a postponed message from Drafts") },
	{ ACT_HELP, "help", "?", N_("this help") },
	{ ACT_REDRAW, "redraw", "^L", N_("redraw the screen") },
	{ ACT_UNDO_SEND, "undo-send", "z", N_("take back the message just sent, while it counts down") },
	{ ACT_OUTBOX, "outbox", "O", N_("the outbox: mail not yet delivered") },
	{ ACT_RETRY, "retry", "Y", N_("outbox: send or deliver the message now") },
	{ ACT_HOLD, "hold", "H", N_("outbox: hold or release a message in the local queue") },
	{ ACT_EDIT, "edit", "e", N_("outbox: take the message back to edit it") },
	{ ACT_SENT_COPY, "sent-copy", "S", N_("outbox: open the Sent copy of a bounced message") },
	{ ACT_NONE, NULL, NULL, NULL }
};

const struct keys_action_def keys_compose_actions[] = {
	{ ACT_C_SEND, "compose-send", "y", N_("send the message") },
	{ ACT_C_TO, "compose-to", "t", N_("edit To (Tab completes addresses)") },
	{ ACT_C_CC, "compose-cc", "c", N_("edit Cc (Tab completes addresses)") },
	{ ACT_C_BCC, "compose-bcc", "b", N_("edit Bcc (Tab completes addresses)") },
	{ ACT_C_SUBJECT, "compose-subject", "s", N_("edit the subject") },
	{ ACT_C_REPLY_TO, "compose-reply-to", "r", N_("edit Reply-To") },
	{ ACT_C_FROM, "compose-from", "f", N_("edit From (Esc f as in mutt)") },
	{ ACT_C_EDIT, "compose-edit", "e", N_("edit the message again in the editor") },
	{ ACT_C_ATTACH, "compose-attach", "a", N_("attach a file") },
	{ ACT_C_DETACH, "compose-detach", "D", N_("remove the attachment under the cursor") },
	{ ACT_C_POSTPONE, "compose-postpone", "P", N_("postpone the message to Drafts") },
	{ ACT_C_ABORT, "compose-abort", "q", N_("abort the message (asks first)") },
	{ ACT_DOWN, "compose-down", "j Down", N_("next attachment") },
	{ ACT_UP, "compose-up", "k Up", N_("previous attachment") },
	{ ACT_HELP, "compose-help", "?", N_("this help") },
	{ ACT_REDRAW, "compose-redraw", "^L", N_("redraw the screen") },
	{ ACT_NONE, NULL, NULL, NULL }
};

static const struct {
	const char *name;
	int key;
} keys_names[] = {
	{ "Up", KEYS_UP }, { "Down", KEYS_DOWN }, { "Left", KEYS_LEFT },
	{ "Right", KEYS_RIGHT }, { "PageUp", KEYS_PGUP }, { "PageDown", KEYS_PGDN },
	{ "Home", KEYS_HOME }, { "End", KEYS_END }, { "Enter", KEYS_ENTER },
	{ "Backspace", KEYS_BACKSPACE }, { "Delete", KEYS_DELETE },
	{ "Tab", '\t' }, { "Space", ' ' }, { "Esc", 27 },
	{ NULL, 0 }
};

static void keys_set(struct keys *k, int key, enum keys_action a)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->b[i].key == key) {
			k->b[i].action = a;
			return;
		}
	if (k->n < KEYS_MAX) {
		k->b[k->n].key = key;
		k->b[k->n++].action = a;
	}
}

void keys_init(struct keys *k)
{
	keys_init_table(k, keys_actions);
	keys_set(k, '\r', ACT_OPEN);	/* Enter arrives as either */
	keys_set(k, '\n', ACT_OPEN);
}

void keys_init_table(struct keys *k, const struct keys_action_def *table)
{
	const struct keys_action_def *d;
	char *copy, *save, *w;

	k->n = 0;
	for (d = table; d->action != ACT_NONE; d++) {
		copy = xstrdup(d->keys);
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			keys_set(k, keys_parse(w), d->action);
		free(copy);
	}
}

int keys_parse(const char *name)
{
	size_t i, n = strlen(name);
	wchar_t wc;
	int len;

	for (i = 0; keys_names[i].name; i++)
		if (strcasecmp(name, keys_names[i].name) == 0)
			return keys_names[i].key;
	if (n == 2 && name[0] == '^' && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - '@';
	len = mbtowc(&wc, name, n);
	if (len > 0 && (size_t)len == n && wc > ' ')
		return (int)wc;
	return -1;
}

void keys_name(int key, struct buf *out)
{
	size_t i;
	char mb[8];
	int n;

	for (i = 0; keys_names[i].name; i++)
		if (keys_names[i].key == key) {
			buf_puts(out, keys_names[i].name);
			return;
		}
	if (key > 0 && key < ' ') {
		buf_printf(out, "^%c", key + '@');
		return;
	}
	n = wctomb(mb, (wchar_t)key);
	if (n > 0)
		buf_append(out, mb, (size_t)n);
	else
		buf_printf(out, "#%d", key);
}

bool keys_bind(struct keys *k, const char *spec, struct buf *err)
{
	return keys_bind_table(k, keys_actions, spec, err);
}

bool keys_bind_table(struct keys *k, const struct keys_action_def *table, const char *spec,
		     struct buf *err)
{
	const char *colon = strrchr(spec, ':');
	const struct keys_action_def *d;
	char *name;
	int key;

	if (colon == NULL || colon == spec) {
		buf_printf(err, _("\"%s\" is not KEY:ACTION"), spec);
		return false;
	}
	name = xstrndup(spec, (size_t)(colon - spec));
	key = keys_parse(name);
	free(name);
	if (key < 0) {
		buf_printf(err, _("\"%s\": unknown key"), spec);
		return false;
	}
	if (strcmp(colon + 1, "none") == 0) {
		keys_set(k, key, ACT_NONE);
		return true;
	}
	for (d = table; d->action != ACT_NONE; d++)
		if (strcmp(colon + 1, d->name) == 0) {
			keys_set(k, key, d->action);
			return true;
		}
	buf_printf(err, _("\"%s\": unknown action"), spec);
	return false;
}

enum keys_action keys_lookup(const struct keys *k, int key)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->b[i].key == key)
			return k->b[i].action;
	return ACT_NONE;
}

void keys_of(const struct keys *k, enum keys_action a, struct buf *out)
{
	int i, shown = 0;

	for (i = 0; i < k->n; i++) {
		if (k->b[i].action != a || k->b[i].key == '\r' || k->b[i].key == '\n')
			continue;
		if (shown++)
			buf_puts(out, ", ");
		keys_name(k->b[i].key, out);
	}
}
