/* outbox_run.c - the outbox's work on the main loop's tick (outbox.h):
 * entries due are submitted each in a child process, which is reaped with
 * waitpid(WNOHANG) on a later tick; the UI never waits on the network. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "i18n.h"
#include "outbox.h"
#include "outbox_int.h"
#include "xalloc.h"

/* outbox_kid_of - whether a child of ours is already at id */
static bool outbox_kid_of(const struct outbox *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->nkids; i++)
		if (strcmp(o->kids[i].id, id) == 0)
			return true;
	return false;
}

/* outbox_child - the child's side: no terminal (curses owns it), then
 * the submission; never returns */
static void outbox_child(struct outbox *o, const char *id)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	_exit(submit_run(o, id));
}

/* outbox_spawn - start submitting id; false when fork failed (the entry
 * stays waiting and the next tick tries again) */
static bool outbox_spawn(struct outbox *o, const char *id)
{
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		outbox_child(o, id);
	o->kids = xreallocarray(o->kids, o->nkids + 1, sizeof(*o->kids));
	o->kids[o->nkids].pid = pid;
	o->kids[o->nkids++].id = xstrdup(id);
	return true;
}

/* outbox_note - what a child's exit status says, for the status line */
static void outbox_note(struct buf *note, int status)
{
	int r = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	if (note == NULL)
		return;
	buf_reset(note);
	switch (r) {
	case OUTBOX_SENT: buf_puts(note, _("Message sent.")); break;
	case OUTBOX_QUEUED:
		buf_puts(note, _("The MSA could not be reached: the message waits in the local "
				 "queue."));
		break;
	case OUTBOX_REFUSED:
		buf_puts(note, _("Sending failed: the message is kept in the outbox (O)."));
		break;
	case OUTBOX_PARTIAL:
		buf_puts(note, _("Sent, but some recipients were refused: see the outbox (O)."));
		break;
	case OUTBOX_DEFERRED:
		buf_puts(note, _("Could not send now: the message stays in the outbox and is "
				 "tried again."));
		break;
	case OUTBOX_GONE: break;
	default: buf_puts(note, _("Sending stopped unexpectedly: the message stays in the "
				  "outbox.")); break;
	}
}

/* outbox_reap - the children that ended */
static void outbox_reap(struct outbox *o, struct buf *note)
{
	size_t i = 0;
	int status;

	while (i < o->nkids) {
		pid_t r = waitpid(o->kids[i].pid, &status, WNOHANG);

		if (r == 0 || (r < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		if (r > 0)
			outbox_note(note, status);
		free(o->kids[i].id);
		o->kids[i] = o->kids[--o->nkids];
	}
}

/* outbox_due - whether e should be submitted now: waiting and due, or
 * left "submitting" by a process that is gone (a crash: picked up again) */
static bool outbox_due(const struct outbox_entry *e, time_t now)
{
	if (e->state == OUTBOX_WAITING)
		return e->due <= now;
	return e->state == OUTBOX_SUBMITTING && !outbox_alive(e->pid);
}

size_t outbox_tick(struct outbox *o, time_t now, time_t *next_due, struct buf *note)
{
	size_t n, i, busy = 0;
	struct outbox_entry *v;

	outbox_reap(o, note);
	v = outbox_list(o, &n);
	*next_due = 0;
	for (i = 0; i < n; i++) {
		if (v[i].state == OUTBOX_FAILED)
			continue;
		busy++;
		if (outbox_kid_of(o, v[i].id))
			continue;
		if (outbox_due(&v[i], now))
			outbox_spawn(o, v[i].id);
		else if (v[i].state == OUTBOX_WAITING && (*next_due == 0 || v[i].due < *next_due))
			*next_due = v[i].due;
	}
	outbox_list_free(v, n);
	return busy ? busy : o->nkids;
}
