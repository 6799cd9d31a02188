/* proc.c - the stack's processes: writing pid files (reading them is
 * lib/stackinfo.c), starting one detached, stopping one, and the tail of
 * its log. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ctl.h"
#include "fsutil.h"
#include "i18n.h"
#include "stackinfo.h"
#include "xalloc.h"

int proc_write_pid(const char *path, pid_t pid)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)pid);

	return atomic_write_file(path, text, (size_t)n, 0644);
}

/* proc_child - in the child: detach, redirect, exec; on failure write errno
 * to fd and exit */
static _Noreturn void proc_child(char *const argv[], const char *log, int fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int err;

	if (setsid() < 0 || null < 0 || out < 0 || dup2(null, 0) < 0 ||
	    dup2(out, 1) < 0 || dup2(out, 2) < 0 || chdir("/") < 0)
		goto fail;
	execv(argv[0], argv);
fail:
	err = errno;
	if (write(fd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

pid_t proc_spawn(char *const argv[], const char *log, struct buf *err)
{
	int fds[2], child_errno = 0;
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		buf_printf(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		proc_child(argv, log, fds[1]);
	close(fds[1]);
	while ((n = read(fds[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR);
	close(fds[0]);
	if (n > 0) {	/* exec failed; the pipe closes on a successful exec */
		buf_printf(err, _("cannot run %s (log %s): %s"), argv[0], log, strerror(child_errno));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR);
		return -1;
	}
	return pid;
}

/* proc_sleep_ms - sleep ms milliseconds */
static void proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR);
}

/* proc_gone - wait up to timeout_ms for pid to end; whether it did */
static bool proc_gone(pid_t pid, int timeout_ms)
{
	int waited;

	for (waited = 0; waited <= timeout_ms; waited += 50) {
		if (!stackinfo_alive(pid, ""))
			return true;
		proc_sleep_ms(50);
	}
	return false;
}

bool proc_stop(pid_t pid, int timeout_ms)
{
	if (kill(pid, SIGTERM) < 0 && errno == ESRCH)
		return true;
	if (proc_gone(pid, timeout_ms))
		return true;
	kill(pid, SIGKILL);
	return proc_gone(pid, 2000);
}

void proc_log_tail(const char *path, int lines, struct buf *out)
{
	size_t len;
	char *text = read_file(path, &len);
	size_t start = len;

	if (text == NULL)
		return;
	if (start > 0 && text[start - 1] == '\n')
		start--;
	while (start > 0 && lines > 0)
		if (text[--start] == '\n')
			lines--;
	if (text[start] == '\n')
		start++;
	buf_append(out, text + start, len - start);
	free(text);
}
