/* main.c - poczta, the mail client: read poczta.conf, open the notmuch
 * index of the Maildir, run the screens; or poczta --demo. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "config.h"
#include "demo.h"
#include "i18n.h"
#include "msg.h"
#include "settings.h"
#include "ui.h"

static void usage(FILE *f)
{
	fprintf(f, _("usage: poczta [-c FILE] [--demo]\n"
		     "  -c FILE   read FILE instead of $POCZTA_CONFIG or the usual places\n"
		     "  --demo    a sandbox with sample mail and the local stack; see poczta(1)\n"));
}

/* main_client - the client on the configuration at path (NULL: the usual) */
int main_client(const char *path)
{
	struct conf *c = settings_load(path, NULL);
	struct client_config cfg;
	struct buf err = BUF_INIT;
	int r;

	if (!cfg_load(&cfg, c, &err)) {
		fprintf(stderr, "%s", buf_cstr(&err));
		buf_free(&err);
		cfg_free(&cfg);
		conf_free(c);
		return EX_CONFIG;
	}
	r = ui_run(&cfg);
	cfg_free(&cfg);
	conf_free(c);
	buf_free(&err);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL;
	bool demo = false;
	int ch;

	i18n_init();
	msg_init("poczta", "MUA");
	msg_set_fatal_status(EX_CONFIG);
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'D': demo = true; break;
		case 'h': usage(stdout); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EX_USAGE;
	}
	return demo ? demo_run(argv[0]) : main_client(path);
}
