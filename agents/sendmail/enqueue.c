/* enqueue.c - -bm, the default mode: the recipients from the command line
 * (and with -t from the message), the message from standard input, both
 * into the queue; exit 0 only once the queue has made it durable. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include "i18n.h"
#include "msg.h"
#include "queue.h"
#include "sendmail.h"
#include "strlist.h"
#include "xalloc.h"

/* enqueue_fail - say why on stderr (and in the log); its exit status */
static int enqueue_fail(const struct dsn *d)
{
	msg_warnx("%s", d->text);
	return dsn_sysexits(d);
}

/* enqueue_resolve - each address of list into env; an exit status */
static int enqueue_resolve(struct sm *sm, struct sm_env *env, char **list, unsigned notify)
{
	struct dsn d;

	for (; list && *list; list++)
		if (addr_rcpt(sm, env, *list, notify, &d) < 0)
			return enqueue_fail(&d);
	return 0;
}

/* enqueue_args - the recipient arguments; each may be an address list
 * ("a@x, Name <b@y>"), as some programs give them and Postfix takes them */
static int enqueue_args(struct sm *sm, const struct sm_opts *o, struct sm_env *env)
{
	char **list = NULL;
	const char *why;
	int i, rc;

	for (i = 0; i < o->nrcpts; i++) {
		if (addr_list_parse(o->rcpts[i], strlen(o->rcpts[i]), &list, &why) < 0) {
			msg_warnx(_("%s: not an address (near \"%.40s\")"), o->rcpts[i], why);
			strlist_free(list);
			return EX_USAGE;
		}
	}
	rc = enqueue_resolve(sm, env, list, o->notify);
	strlist_free(list);
	return rc;
}

const char *enqueue_full_name(const struct sm *sm, const struct sm_opts *o)
{
	return o->full_name && *o->full_name ? o->full_name : sm->gecos;
}

void enqueue_env(struct queue_env *qe, const struct sm_env *env, const struct sm_opts *o,
		 const char *helo, const char *proto)
{
	size_t i;

	memset(qe, 0, sizeof(*qe));
	qe->version = 1;
	qe->sender = env->sender;
	qe->created = time(NULL);
	qe->client = (char *)"local";
	qe->helo = (char *)(helo ? helo : "");
	qe->protocol = (char *)proto;
	qe->envid = (char *)o->envid;
	qe->ret_full = o->ret_full;
	qe->body_8bit = o->body_8bit;
	qe->rcpts = xcalloc(env->nrcpts + 1, sizeof(*qe->rcpts));
	qe->nrcpts = env->nrcpts;
	for (i = 0; i < env->nrcpts; i++) {
		qe->rcpts[i].addr = env->rcpts[i].addr;
		qe->rcpts[i].orcpt = env->rcpts[i].orcpt;
		qe->rcpts[i].notify = env->rcpts[i].notify;
		qe->rcpts[i].state = QUEUE_PENDING;
	}
}

/* enqueue_commit - the envelope and the commit, then the MTA told */
static int enqueue_commit(struct sm *sm, const struct sm_opts *o, struct sm_env *env,
			  struct message *m)
{
	struct queue_env qe;
	char id[SM_ID_MAX];
	struct dsn d;
	int rc;

	enqueue_env(&qe, env, o, NULL, "local");
	rc = message_commit(m, &qe, id, &d);
	free(qe.rcpts);
	if (rc < 0)
		return enqueue_fail(&d);
	msg_info("%s id=%s from=<%s> nrcpt=%zu uid=%lu", sm->maildrop ? "maildrop" : "queued", id,
		 env->sender, env->nrcpts, (unsigned long)sm->uid);
	setup_kick(sm);
	return 0;
}

/* enqueue_message - read the message, then commit it */
static int enqueue_message(struct sm *sm, const struct sm_opts *o, struct sm_env *env)
{
	struct header_ctx h = { sm, env->sender, enqueue_full_name(sm, o), o->extract };
	char *received = message_received(sm, NULL, NULL);
	struct message *m;
	struct dsn d;
	int rc;

	m = message_new(sm, received, &h, &d);
	free(received);
	if (m == NULL)
		return enqueue_fail(&d);
	if (input_run(0, o->dot_ends, m, &d) < 0) {
		message_abort(m);
		return enqueue_fail(&d);
	}
	message_done_header(m);
	if (message_failed(m, &d)) {
		message_abort(m);
		return enqueue_fail(&d);
	}
	if (o->extract && (rc = enqueue_resolve(sm, env, message_rcpts(m), o->notify)) != 0) {
		message_abort(m);
		return rc;
	}
	if (env->nrcpts == 0) {
		message_abort(m);
		msg_warnx("%s", _("no recipient addresses found in the message header"));
		return EX_USAGE;
	}
	return enqueue_commit(sm, o, env, m);
}

int enqueue_run(struct sm *sm, const struct sm_opts *o)
{
	struct sm_env env = { NULL, NULL, 0 };
	int rc;

	if (!o->extract && o->nrcpts == 0) {
		msg_warnx("%s", _("recipient addresses must be given on the command line or "
				  "with -t"));
		return EX_USAGE;
	}
	if ((env.sender = addr_sender(sm, o->sender)) == NULL) {
		msg_warnx(_("-f %s: not an address"), o->sender);
		return EX_USAGE;
	}
	rc = enqueue_args(sm, o, &env);
	if (rc == 0)
		rc = enqueue_message(sm, o, &env);
	free(env.sender);
	rcpt_targets_free(env.rcpts, env.nrcpts);
	return rc;
}
