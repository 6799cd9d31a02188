/* demo.c - poczta --demo: a sandbox made by poczta-ctl init in a new
 * temporary directory, filled with generated mail and indexed (poczta-ctl
 * reindex), its local stack started (up) for the client's session and
 * stopped (down) when the client ends. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "demo.h"
#include "fsutil.h"
#include "i18n.h"
#include "progpath.h"
#include "xalloc.h"


/* demo_port_free - whether nobody listens on 127.0.0.1:port now */
static bool demo_port_free(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	bool ok;

	if (fd < 0)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* demo_port_base - N with N+24 .. N+995 free, as poczta-ctl init uses them */
static int demo_port_base(void)
{
	static const int offs[] = { 24, 25, 110, 143, 465, 587, 993, 995 };
	int tries, i, n;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (tries = 0; tries < 500; tries++) {
		n = 20000 + rand() % 40000;
		for (i = 0; i < 8 && demo_port_free(n + offs[i]); i++)
			;
		if (i == 8)
			return n;
	}
	return 0;
}

/* demo_ctl - run poczta-ctl with args, its output appended to log; 0 when
 * it succeeded */
static int demo_ctl(const char *ctl, const char *log, char *const args[])
{
	pid_t pid = fork();
	int status, fd;

	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(ctl, args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* demo_trace - turn on every agent's trace (trace = yes in its section of
 * the sandbox's poczta.conf), so that the agents screen (A) and the log
 * show their protocol dialogue live; 0, or -1 when the file cannot be
 * rewritten */
static int demo_trace(const char *conf)
{
	static const char *const sections[] = { "[mda]\n", "[mta]\n", "[msa]\n", "[maa]\n",
						"[client]\n" };
	size_t len, i;
	char *text = read_file(conf, &len), *p, *line;
	struct buf out = BUF_INIT;
	int r;

	if (text == NULL)
		return -1;
	for (p = text; *p; p = line) {
		line = strchr(p, '\n');
		line = line ? line + 1 : p + strlen(p);
		buf_append(&out, p, (size_t)(line - p));
		for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
			if ((size_t)(line - p) == strlen(sections[i]) &&
			    strncmp(p, sections[i], strlen(sections[i])) == 0)
				buf_puts(&out, "# the demo shows each agent's dialogue (poczta.conf(5))\n"
					 "trace = yes\n");
	}
	r = atomic_write_file(conf, out.data, out.len, 0644);
	buf_free(&out);
	free(text);
	return r;
}

/* demo_fill - the generated mail into the sandbox's Maildir, indexed */
static int demo_fill(const char *dir, const char *ctl, const char *conf, const char *log)
{
	struct demo_message *m;
	size_t n = demo_mail(&m, time(NULL));
	struct buf err = BUF_INIT;
	char *root = xasprintf("%s/mail/user", dir);
	int r = demo_write(root, m, n, &err);

	if (r < 0)
		fprintf(stderr, "poczta: %s\n", buf_cstr(&err));
	else
		r = demo_ctl(ctl, log, (char *const[]){ "poczta-ctl", "-c", (char *)conf,
							 "reindex", NULL });
	demo_mail_free(m, n);
	buf_free(&err);
	free(root);
	return r;
}

/* demo_client - the client in a child process, so that the stack is
 * stopped however the client ends; its exit status */
static int demo_client(const char *conf)
{
	struct sigaction ign, old_int, old_quit;
	pid_t pid;
	int status = 0;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		exit(main_client(conf));	/* atexit handlers run: the leak checker */
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (pid < 0)
		return EX_OSERR;
	if (WIFSIGNALED(status))
		fprintf(stderr, _("poczta: the client ended by signal %d\n"), WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : EX_SOFTWARE;
}

int demo_run(const char *argv0)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/poczta-demo.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	char *ctl = progpath_find("poczta-ctl"), *conf, *log, base[16];
	int r = EX_SOFTWARE, port = demo_port_base();

	(void)argv0;
	if (ctl == NULL || mkdtemp(dir) == NULL || port == 0) {
		fprintf(stderr, _("poczta: cannot make the demo: %s\n"),
			ctl == NULL ? _("poczta-ctl not found") : _("no temporary directory or ports"));
		free(ctl);
		free(dir);
		return EX_UNAVAILABLE;
	}
	snprintf(base, sizeof(base), "%d", port);
	conf = xasprintf("%s/poczta.conf", dir);
	log = xasprintf("%s/demo.log", dir);
	printf(_("poczta: making the demo sandbox in %s ...\n"), dir);
	fflush(stdout);
	if (demo_ctl(ctl, log, (char *const[]){ "poczta-ctl", "init", dir, "--user", "user",
						"--domain", "poczta.test", "--port-base", base,
						NULL }) < 0 ||
	    demo_trace(conf) < 0 || demo_fill(dir, ctl, conf, log) < 0 ||
	    demo_ctl(ctl, log, (char *const[]){ "poczta-ctl", "-c", conf, "up", NULL }) < 0) {
		fprintf(stderr, _("poczta: the demo could not be set up; see %s\n"), log);
	} else {
		setenv("POCZTA_CONFIG", conf, 1);
		r = demo_client(conf);
	}
	demo_ctl(ctl, log, (char *const[]){ "poczta-ctl", "-c", conf, "down", NULL });
	printf(_("poczta: the demo's stack is stopped; the sandbox stays in %s\n"
		 "  (its configuration: %s; remove it with: rm -rf %s)\n"), dir, conf, dir);
	free(conf);
	free(log);
	free(ctl);
	free(dir);
	return r;
}
