/* relay.c - remote recipients: through the relayhost (the laptop's
 * smarthost, STARTTLS verified and AUTH by default) or to the domain's MX
 * hosts in order of preference (STARTTLS when offered, or required). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "dns.h"
#include "msg.h"
#include "mta.h"
#include "queue.h"
#include "smtpc.h"
#include "strlist.h"
#include "tls.h"
#include "xalloc.h"

/* relay_password - relay_password, or the first line relay_password_command
 * prints (run with an argv, no shell); newly allocated or NULL */
static char *relay_password(struct mta *m)
{
	const char *cmd = conf_get(m->conf, "mta", NULL, "relay_password_command");
	char **argv, line[512] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (cmd == NULL) {
		const char *pw = conf_get(m->conf, "mta", NULL, "relay_password");
		return pw ? xstrdup(pw) : NULL;
	}
	argv = strlist_split(cmd, " \t");
	if (argv[0] == NULL || pipe(p) < 0) {
		strlist_free(argv);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	strlist_free(argv);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? xstrdup(line) : NULL;
}

/* relay_opts - the client's options for the relayhost or for MX delivery */
static void relay_opts(struct mta *m, bool smarthost, struct smtpc_opts *o, char **password)
{
	const char *tls = conf_get(m->conf, "mta", NULL,
				   smarthost ? "relay_tls" : "mx_tls");
	char *ca = conf_get_path(m->conf, "mta", NULL, "relay_ca");
	struct tls_client_opts verify = { ca, NULL, false }, any = { NULL, NULL, true };
	struct buf err = BUF_INIT;

	memset(o, 0, sizeof(*o));
	o->helo = m->hostname;
	o->timeout_ms = 0;
	if (smarthost)
		o->tls = strcmp(tls, "none") == 0 ? SMTPC_TLS_NONE :
			 strcmp(tls, "implicit") == 0 ? SMTPC_TLS_IMPLICIT : SMTPC_TLS_STARTTLS;
	else
		o->tls = strcmp(tls, "required") == 0 ? SMTPC_TLS_STARTTLS : SMTPC_TLS_MAY;
	o->tls_verify = tls_client_new(&verify, &err);
	o->tls_any = tls_client_new(&any, &err);
	if (o->tls_verify == NULL || o->tls_any == NULL)
		msg_warnx("TLS client: %s", buf_cstr(&err));
	*password = NULL;
	if (smarthost && (o->auth_user = conf_get(m->conf, "mta", NULL, "relay_user")) != NULL)
		o->auth_pass = *password = relay_password(m);
	free(ca);
	buf_free(&err);
}

/* relay_split - "host" or "host:port" or "[v6]:port" into host and port */
static void relay_split(const char *s, char **host, char *port, size_t plen, const char *def)
{
	const char *colon = strrchr(s, ':');

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		*host = xstrndup(s + 1, close ? (size_t)(close - s - 1) : strlen(s + 1));
		snprintf(port, plen, "%s", close && close[1] == ':' ? close + 2 : def);
	} else if (colon && strchr(s, ':') == colon) {
		*host = xstrndup(s, (size_t)(colon - s));
		snprintf(port, plen, "%s", colon + 1);
	} else {
		*host = xstrdup(s);
		snprintf(port, plen, "%s", def);
	}
}

/* relay_mx - the domain's MX hosts in turn, until one takes the transaction
 * or refuses it for good */
static void relay_mx(struct mta *m, const struct smtpc_opts *o, const struct queue_env *env,
		     const char *domain, char **rcpts, size_t n, int fd, struct dsn *out)
{
	struct dsn d, session;
	size_t nmx = 0, i, j;
	struct dns_mx *mx = dns_mx(domain, &nmx, &d);

	if (mx == NULL) {
		for (j = 0; j < n; j++)
			out[j] = d;
		return;
	}
	for (i = 0; i < nmx; i++) {
		if (smtpc_send(o, mx[i].host, "25", env->sender, rcpts, n, fd, out, &session) == 0 ||
		    session.status == DSN_PERMFAIL)
			break;
	}
	dns_mx_free(mx, nmx);
}

void mta_relay(struct mta *m, const struct queue_env *env, const char *domain,
	       const size_t *idx, char **rcpts, size_t n, int fd, struct dsn *out)
{
	const char *relayhost = conf_get(m->conf, "mta", NULL, "relayhost");
	struct smtpc_opts o;
	struct smtpc_params params;
	struct dsn session;
	char *password, *host, port[16];
	unsigned *notify = xcalloc(n + 1, sizeof(*notify));
	char **orcpt = xcalloc(n + 1, sizeof(*orcpt));
	size_t k;

	relay_opts(m, relayhost != NULL, &o, &password);
	/* what the client asked of DSNs goes on with the message (RFC 3461 4) */
	for (k = 0; k < n; k++) {
		notify[k] = env->rcpts[idx[k]].notify;
		orcpt[k] = env->rcpts[idx[k]].orcpt;
	}
	params.envid = env->envid;
	params.ret = env->envid || env->ret_full ? (env->ret_full ? 1 : 2) : 0;
	params.notify = notify;
	params.orcpt = orcpt;
	o.params = &params;
	if (relayhost) {
		relay_split(relayhost, &host, port, sizeof(port),
			    o.tls == SMTPC_TLS_IMPLICIT ? "465" : "25");
		smtpc_send(&o, host, port, env->sender, rcpts, n, fd, out, &session);
		free(host);
	} else
		relay_mx(m, &o, env, domain, rcpts, n, fd, out);
	if (password)
		explicit_bzero(password, strlen(password));
	free(password);
	tls_client_free(o.tls_verify);
	tls_client_free(o.tls_any);
	free(notify);
	free(orcpt);
}
