/* fuzz_conf.c - libFuzzer target: any bytes given to the poczta.conf reader
 * against the real schema, then every key read back through the getters. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "buf.h"
#include "conf.h"

/* fuzz_read_all - every getter on every key, as the agents would */
static void fuzz_read_all(const struct conf *c)
{
	const struct conf_section_def *s;
	const struct conf_option *o;

	for (s = poczta_conf_schema; s->name; s++) {
		const char *name = s->named ? conf_name(c, s->name, 0) : NULL;
		if (s->named && name == NULL)
			continue;
		for (o = s->options; o->name; o++) {
			char *p;
			char **l;
			switch (o->type) {
			case CONF_INT: (void)conf_get_int(c, s->name, name, o->name); break;
			case CONF_BOOL: (void)conf_get_bool(c, s->name, name, o->name); break;
			case CONF_SIZE: (void)conf_get_size(c, s->name, name, o->name); break;
			case CONF_DURATION: (void)conf_get_duration(c, s->name, name, o->name); break;
			case CONF_PATH:
				p = conf_get_path(c, s->name, name, o->name);
				free(p);
				break;
			case CONF_LIST:
				l = conf_get_list(c, s->name, name, o->name, NULL);
				conf_list_free(l);
				break;
			default: (void)conf_get(c, s->name, name, o->name); break;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf errors = BUF_INIT;
	struct conf *c = conf_parse("fuzz.conf", (const char *)data, size, poczta_conf_schema,
				    &errors);

	fuzz_read_all(c);
	conf_free(c);
	buf_free(&errors);
	return 0;
}
