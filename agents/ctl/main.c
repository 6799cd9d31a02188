/* main.c - poczta-ctl's entry: the global options and the table of commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "msg.h"

static const struct {
	const char *name;
	ctl_handler *handler;
	const char *usage;
} commands[] = {
	{ "init", init_cmd,
	  "init DIR [--domain D] [--user NAME] [--password P] [--port-base N]" },
	{ "up", stack_up, "[-c FILE] up" },
	{ "down", stack_down, "[-c FILE] down" },
	{ "status", stack_status, "[-c FILE] status" },
	{ "check", check_cmd, "check [-c FILE] [--list-keys]" },
	{ "adduser", usercmd_adduser,
	  "[-c FILE] adduser USER [--password P] [--address A]..." },
	{ "passwd", usercmd_passwd, "[-c FILE] passwd USER [--password P]" },
	{ "reindex", reindex_cmd, "[-c FILE] reindex [USER]..." },
	{ "trace", trace_cmd, "[-c FILE] trace FILE|MESSAGE-ID" },
	{ "account", account_cmd, "[-c FILE] account add NAME URL [--password-command CMD] "
	  "[--ca FILE] [--pin SHA256] | account list | account remove NAME" },
};

/* usage - the list of commands on stream */
static void usage(FILE *stream)
{
	size_t i;

	fprintf(stream, _("usage: poczta-ctl [-c FILE] COMMAND [ARGS]\n"));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stream, "       poczta-ctl %s\n", commands[i].usage);
	fprintf(stream, _("See poczta-ctl(8).\n"));
}

/* dispatch - run the command argv[0]; its exit status */
static int dispatch(struct ctl *ctl, int argc, char **argv)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0) {
			optind = 0;	/* restart getopt for the command's options */
			return commands[i].handler(ctl, argc, argv);
		}
	fprintf(stderr, _("poczta-ctl: unknown command %s\n"), argv[0]);
	usage(stderr);
	return EX_USAGE;
}

/* ctl_run - parse the global options and run one command */
static int ctl_run(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ctl_conf_option(ctl, optarg); break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf("poczta-ctl %s\n", POCZTA_VERSION); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	return dispatch(ctl, argc - optind, argv + optind);
}

int main(int argc, char **argv)
{
	struct ctl ctl = { NULL, NULL };
	int rc;

	i18n_init();
	msg_init("poczta-ctl", "CTL");
	msg_set_fatal_status(EX_SOFTWARE);
	rc = ctl_run(&ctl, argc, argv);
	ctl_free(&ctl);
	return rc;
}
