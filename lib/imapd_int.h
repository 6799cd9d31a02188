/* imapd_int.h - what the imapd files share: the session, the command
 * being parsed, the tokenizer (imapd_parse.c) and the command handlers. */
#ifndef POCZTA_IMAPD_INT_H
#define POCZTA_IMAPD_INT_H
#include "imapd.h"
#include <time.h>
#include "mstore.h"

#define IMAPD_FLUSH (256 * 1024)	/* octets of a long answer held before the flush hook */

enum imapd_state {
	IS_NOTAUTH = 1, IS_AUTH = 2, IS_SELECTED = 4, IS_LOGOUT = 8,
};

/* A command as received: its text with each literal's octets taken out
 * ("{n}" stays in the text where the literal was) and the literals apart. */
struct imapd_cmd {
	struct buf text;
	struct buf *lits;
	size_t nlits, lit_next;
	size_t pos;
	char *tag;
	char **arena;		/* strings the tokenizer made, freed with the command */
	size_t narena;
	int depth;
};

/* A sequence set (RFC 3501 9 sequence-set); UINT32_MAX stands for "*". */
struct imapd_range { uint32_t lo, hi; };
struct imapd_seqset { struct imapd_range *r; size_t n; };

struct imapd {
	char *hostname;
	struct imapd_limits lim;
	struct imapd_hooks hooks;
	enum imapd_state state;
	bool tls, offer_tls, clear_ok, stls_pending, over;
	int errors, auth_failures;
	char *user, *root;
	struct mstore_box *box;
	struct mstore_cache *cache;	/* of the selected folder, loaded on first need */
	/* input assembly */
	struct imapd_cmd cmd;
	uint64_t lit_left;	/* octets of a literal still to come */
	uint64_t lit_total;
	bool discarding;	/* the line is too long: skip to its end */
	size_t seg;		/* where the current line starts in cmd.text */
	struct buf tagged;	/* the tagged reply, sent after the untagged ones */
	/* continuations */
	bool idling;
	char *idle_tag;
	bool authenticating;
	char *auth_tag;
	bool condstore;
	bool qresync;		/* RFC 7162 3.2.3: ENABLE QRESYNC */
	size_t kw_told;		/* keywords the client was told of in FLAGS */
	bool imap_uid;		/* the command running is a UID command */		/* RFC 7162 3.1: a CONDSTORE enabling command was seen */
};

/* imapd_parse.c */
void imapd_cmd_reset(struct imapd_cmd *c);
bool imapd_sp(struct imapd_cmd *c);
bool imapd_at_end(const struct imapd_cmd *c);
int imapd_peek(const struct imapd_cmd *c);
bool imapd_eat(struct imapd_cmd *c, char ch);
/* imapd_atom - an atom (RFC 3501 9 atom; with ']' when brackets is true,
 * for fetch attributes such as BODY[HEADER]); NULL if there is none */
const char *imapd_atom(struct imapd_cmd *c, bool brackets);
/* imapd_astring - atom, quoted string or literal without NUL */
const char *imapd_astring(struct imapd_cmd *c);
/* imapd_string - quoted or literal (length in *len; literal octets as sent) */
const char *imapd_string(struct imapd_cmd *c, size_t *len);
/* imapd_nstring - NIL (NULL, *nil true) or a string */
const char *imapd_nstring(struct imapd_cmd *c, bool *nil);
bool imapd_number(struct imapd_cmd *c, uint64_t *v);
bool imapd_seqset(struct imapd_cmd *c, struct imapd_seqset *s);
bool imapd_seqset_has(const struct imapd_seqset *s, uint32_t v, uint32_t star);
/* imapd_list_pattern - list-mailbox (RFC 3501 9): a string, or atom
 * characters with the wildcards "%" and "*" */
const char *imapd_list_pattern(struct imapd_cmd *c);
/* a flag list: system flags and keywords (strings of the command) */
struct imapd_flags {
	unsigned sys;
	char *kw[MSTORE_KEYWORDS];
	size_t nkw;
};
bool imapd_flag_list(struct imapd_cmd *c, struct imapd_flags *f, bool parens);
/* imapd_flags_announce - "* FLAGS" and PERMANENTFLAGS of the selected
 * mailbox (RFC 3501 7.2.6), when its keywords changed since told (always
 * when force) */
void imapd_flags_announce(struct imapd *e, struct buf *out, bool force);
/* imapd_quote - append s as a quoted string, or a literal if it needs one */
void imapd_quote(struct buf *out, const char *s);
char *imapd_arena(struct imapd_cmd *c, char *s);

/* imapd_qresync.c */
struct imapd_qresync {
	bool on;
	uint32_t uidvalidity;
	uint64_t modseq;
	bool has_known;
	struct imapd_seqset known;
};
void imapd_uid_ranges(const uint32_t *uids, size_t n, struct buf *out);
/* imapd_vanished_earlier - "* VANISHED (EARLIER)" for the UIDs of known
 * (NULL: 1 to UIDNEXT-1) that are not in the mailbox */
void imapd_vanished_earlier(struct imapd *e, const struct imapd_seqset *known, struct buf *out);
bool imapd_qresync_param(struct imapd_cmd *c, struct imapd_qresync *q);
void imapd_qresync_select(struct imapd *e, const struct imapd_qresync *q, struct buf *out);

/* imapd_msg.c: a message as FETCH and SEARCH read it */
struct imapd_msg;
/* imapd_msg_new - parse data (the stored bytes, LF line ends; freed here) */
struct imapd_msg *imapd_msg_new(char *data, size_t len);
void imapd_msg_free(struct imapd_msg *m);
/* imapd_msg_section - append BODY[spec] with CRLF line ends; false for a
 * spec that is not valid syntax (a part that does not exist is empty) */
bool imapd_msg_section(const struct imapd_msg *m, const char *spec, struct buf *wire);
bool imapd_msg_section_ok(const char *spec);
void imapd_msg_envelope(const struct imapd_msg *m, struct buf *out);
void imapd_msg_bodystructure(const struct imapd_msg *m, bool ext, struct buf *out);
bool imapd_msg_header_has(const struct imapd_msg *m, const char *field, const char *needle);
bool imapd_msg_body_has(const struct imapd_msg *m, const char *needle);
bool imapd_msg_text_has(const struct imapd_msg *m, const char *needle);
/* imapd_msg_sent_day - the Date: header's day at 00:00 UTC, or -1 */
time_t imapd_msg_sent_day(const struct imapd_msg *m);

/* imapd.c */
void imapd_reply(struct imapd *e, struct buf *out, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void imapd_capabilities(const struct imapd *e, struct buf *out);
void imapd_report(struct imapd *e, struct mstore_changes *ch, struct buf *out);
bool imapd_login(struct imapd *e, const char *user, const char *pass, struct buf *out);

/* Handlers: parse the arguments after the verb, act, append responses
 * (the tagged one included).  uid is set for UID FETCH/STORE/... */
typedef void imapd_handler(struct imapd *e, struct buf *out, bool uid);
imapd_handler imapd_cmd_select, imapd_cmd_examine, imapd_cmd_create, imapd_cmd_delete,
	imapd_cmd_rename, imapd_cmd_subscribe, imapd_cmd_unsubscribe, imapd_cmd_list,
	imapd_cmd_lsub, imapd_cmd_status, imapd_cmd_append, imapd_cmd_namespace;
imapd_handler imapd_cmd_close, imapd_cmd_unselect, imapd_cmd_expunge, imapd_cmd_search,
	imapd_cmd_fetch, imapd_cmd_store, imapd_cmd_copy, imapd_cmd_move, imapd_cmd_check;
/* imapd_msgs - the 0-based indexes of the messages a set names (UIDs when
 * uid), ascending; newly allocated */
bool imapd_set_arg(struct imapd *e, struct buf *out, bool uid, struct imapd_seqset *s);
size_t *imapd_msgs(const struct imapd *e, const struct imapd_seqset *s, bool uid, size_t *n);

#endif
