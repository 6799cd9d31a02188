/* mra.h - poczta-mra, the retrieval agent: what its files share.
 *
 * A fetch is: open a link to the server (TCP, then TLS at once or by
 * STARTTLS, through lib/'s OpenSSL layer under libetpan), log in, list what
 * is new against the journaled state, hand each message to poczta-mda over a
 * pipe (the MDA's own delivery code: Sieve, Maildir, notmuch notes), journal
 * it, and only then delete or mark it on the server.  The sources are
 * drivers as isync's are: imap.c and pop3.c behind struct mra_driver. */
#ifndef POCZTA_MRA_H
#define POCZTA_MRA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "conf.h"

struct conn;
struct _mailstream;
struct tls_client;
struct mailimap;
struct mra_lmtp;

enum mra_tls { MRA_TLS_STARTTLS, MRA_TLS_IMPLICIT, MRA_TLS_NONE };

/* One [account NAME] section, read once. */
struct mra_account {
	const char *name;
	const char *type;	/* "imap" or "pop3" */
	const char *host;
	char port[8];
	enum mra_tls tls;
	const char *user;
	char *password_file;	/* or NULL */
	const char *password_command;	/* or NULL */
	char **folders;
	bool keep, watch, trace, sync_flags;
	const char *local_user;	/* or NULL: the MDA's default user */
	char *ca;		/* or NULL */
	const char *pin;	/* or NULL */
	int timeout_ms;
};

/* The program's context, passed everywhere (no globals). */
struct mra {
	const struct conf *conf;
	char *config_path;
	char *mda;		/* the poczta-mda program */
	char *state_dir;	/* DATA_DIR/mra */
	char *hostname;
	char *user;		/* the MDA's default recipient: [global] user, else ours */
	struct mra_lmtp *lmtp;	/* the MDA's LMTP session, started at the first message */
	struct mra_link *link;	/* the server link open now, named in Received */
	bool quiet, progress;
};

/* What one account's fetch did. */
struct mra_stats {
	unsigned long done, total;
	unsigned long long bytes, total_bytes;
	unsigned long deleted;
	unsigned long refused;	/* messages poczta-mda refuses, left on the server */
};

/* A connection to a server: socket, TLS and libetpan stream. */
struct mra_link {
	struct conn *c;
	struct _mailstream *s;
	struct tls_client *tls;
	struct buf trace_c, trace_s;	/* partial lines for --trace */
	bool tracing;
	bool handed;		/* s belongs to the libetpan session now */
};

/* account.c */
/* mra_account_load - the account called name; false with err set when it
 * cannot be used (no host, tls=none off loopback) */
bool mra_account_load(const struct conf *c, const char *name, struct mra_account *a,
		      struct buf *err);
void mra_account_free(struct mra_account *a);
/* mra_password - the account's password from its file or command; newly
 * allocated, NULL with err set */
char *mra_password(const struct mra_account *a, struct buf *err);

/* link.c */
/* mra_link_open - connect; with tls=implicit the handshake is done too;
 * 0 or -1 with err */
int mra_link_open(struct mra_link *l, const struct mra_account *a, struct buf *err);
/* mra_link_starttls - right after the server's positive STARTTLS/STLS
 * reply: refuse bytes injected before the handshake, then do it */
int mra_link_starttls(struct mra_link *l, const struct mra_account *a, struct buf *err);
void mra_link_close(struct mra_link *l);
/* mra_link_trace - libetpan's logger: one "MRA C:"/"MRA S:" line per
 * protocol line, private data (passwords) masked */
void mra_link_trace(struct mra_link *l, int log_type, const char *p, size_t n);

/* deliver.c */
/* mra_deliver - hand one message to poczta-mda, with a Received field
 * naming the source; id makes a repeat after a crash a no-op in the MDA.
 * 0 delivered (durably), -1 temporary failure, -2 permanent (err says) */
int mra_deliver(struct mra *m, const struct mra_account *a, const char *proto,
		const char *id, const char *data, size_t len, struct buf *err);
/* mra_deliver_send - the same, pipelined: the message is sent, its answer
 * is left for mra_deliver_result (in the order sent); fresh: it was never
 * handed to the MDA before (XFRESH: no earlier copy to look for); 0, or
 * -1 with err */
int mra_deliver_send(struct mra *m, const struct mra_account *a, const char *proto,
		     const char *id, bool fresh, const char *data, size_t len, struct buf *err);
/* mra_deliver_result - the answer to the oldest message sent: 0 delivered
 * (durably), -1 temporary failure, -2 permanent (err says); the session
 * is closed once no answer is due after a broken one */
int mra_deliver_result(struct mra *m, struct buf *err);
/* lmtp.c */
/* mra_lmtp_open - start poczta-mda --lmtp on a socketpair, LHLO; NULL
 * with err */
struct mra_lmtp *mra_lmtp_open(struct mra *m, struct buf *err);
/* mra_lmtp_close - QUIT, wait for the MDA */
void mra_lmtp_close(struct mra_lmtp *l);
/* mra_lmtp_send - RSET, MAIL, RCPT and BDAT LAST with the message, without
 * waiting for the replies; 0, or -1 when the MDA is gone */
int mra_lmtp_send(struct mra_lmtp *l, const char *sender, const char *rcpt, const char *id,
		  bool fresh, const struct buf *head, const char *p, size_t n);
/* mra_lmtp_result - the outcome of the oldest transaction sent: 0
 * delivered, -1 temporary failure, -2 permanent (err says) */
int mra_lmtp_result(struct mra_lmtp *l, struct buf *err);
/* mra_lmtp_broken - whether the session is no longer usable */
bool mra_lmtp_broken(const struct mra_lmtp *l);
/* mra_lmtp_pending - transactions sent whose replies were not read */
size_t mra_lmtp_pending(const struct mra_lmtp *l);
/* mra_id - a delivery id from the account and two more keys */
char *mra_id(const struct mra_account *a, const char *k1, const char *k2);

/* state.c: the journaled fetch state under DATA_DIR/mra/ACCOUNT/ */
char *mra_state_path(struct mra *m, const struct mra_account *a, const char *kind,
		     const char *folder);
/* IMAP: UIDVALIDITY and the highest UID delivered */
struct mra_imap_state {
	unsigned long uidvalidity;
	unsigned long last;
	unsigned long sent;		/* no UID above it was ever handed to the MDA */
	unsigned long long modseq;	/* HIGHESTMODSEQ when last done (RFC 7162) */
	unsigned long *refused;		/* UIDs poczta-mda refused, kept on the server */
	size_t nrefused;
};
int mra_imap_state_load(const char *path, struct mra_imap_state *st);
int mra_imap_state_save(const char *path, const struct mra_imap_state *st);
/* mra_imap_state_append - journal one more delivered UID (the file must
 * exist: mra_imap_state_save made it) */
int mra_imap_state_append(const char *path, unsigned long last);
/* mra_imap_state_refuse - journal a UID refused for good (and st's list) */
int mra_imap_state_refuse(const char *path, struct mra_imap_state *st, unsigned long uid);
void mra_imap_state_free(struct mra_imap_state *st);
/* mra_imap_state_sync - make the appended lines durable (once a batch):
 * a line lost with the machine before it costs nothing but a fetch again,
 * which the MDA recognises by the delivery id and does not store twice */
int mra_imap_state_sync(const char *path);
/* POP3: the UIDLs delivered, one per line, appended (and fsync'ed with
 * sync, else by mra_uidl_sync once a window, as mra_imap_state_sync);
 * "refused" keeps those poczta-mda refused for good the same way */
char **mra_uidl_load(const char *path);
int mra_uidl_append(const char *path, const char *uidl, bool sync);
int mra_uidl_sync(const char *path);
int mra_uidl_rewrite(const char *path, char *const *uidls);
/* mra_lock - one poczta-mra per account: the lock's fd, or -1 (errno
 * EWOULDBLOCK: another one has it) */
int mra_lock(struct mra *m, const struct mra_account *a);
/* Message-IDs delivered from an IMAP folder, for a UIDVALIDITY change */
char **mra_ids_load(const char *path);
void mra_ids_append(const char *path, const char *message_id);
/* mra_ids_prune - keep the list bounded: once it holds more than twice
 * keep_last ids, only the keep_last last ones (a lost one can only cost a
 * duplicate after a UIDVALIDITY change, never a message) */
void mra_ids_prune(const char *path, size_t keep_last);

/* progress.c */
void mra_progress(struct mra *m, const struct mra_account *a, const struct mra_stats *st);
void mra_summary(struct mra *m, const struct mra_account *a, const struct mra_stats *st,
		 const char *error);

/* imap.c, pop3.c: fetch what is new; 0 or -1 with err */
int mra_imap_fetch(struct mra *m, const struct mra_account *a, struct mra_stats *st,
		   struct buf *err);
int mra_pop3_fetch(struct mra *m, const struct mra_account *a, struct mra_stats *st,
		   struct buf *err);
/* flags.c */
/* mra_flags_maildir - the Maildir the MDA delivers the account's mail to;
 * newly allocated, NULL when unknown */
char *mra_flags_maildir(const struct conf *c, const struct mra_account *a);
/* mra_flags_sync - two-way \Seen, \Flagged and trash for the selected
 * folder's UIDs 1..last, whose delivery ids start with id_base; the
 * server's flags only of the messages changed since the mod-sequence
 * changedsince when it is not 0 (CONDSTORE) */
int mra_flags_sync(struct mra *m, const struct mra_account *a, struct mailimap *imap,
		   const char *id_base, uint32_t last, uint64_t changedsince, struct buf *err);
/* mra_imap_watch - stay in IDLE on the first folder, fetching whenever the
 * server says something changed; returns only on an error (-1 with err) */
int mra_imap_watch(struct mra *m, const struct mra_account *a, struct buf *err);

#endif
