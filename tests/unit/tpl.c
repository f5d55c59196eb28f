/* tpl.c -- unit tests of lib/text/tpl: templates and column lists */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/text/tpl.h"
#include "tests/unit/unit.h"

/* Render a template (or a column list with cols) over a JSON object. */
static void
render(int line, const char *spec, int cols, const char *json,
    const char *want)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const char *missing = NULL;
	struct tpl *t = NULL;
	json_t *rec;
	char got[512];

	unit_run++;
	rec = json_loads(json, 0, NULL);
	if (spec && (t = cols ? tpl_columns(spec, &why) :
	    tpl_parse(spec, &why)) == NULL)
		snprintf(got, sizeof(got), "!%s", why.data);
	else if (tpl_render(t, rec, &out, &missing) != 0)
		snprintf(got, sizeof(got), "?%s", missing);
	else
		snprintf(got, sizeof(got), "%s", out.data);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s:%d: render '%s': want '%s', got '%s'\n",
		    __FILE__, line, spec ? spec : "(all)", want, got);
		unit_failed++;
	}
	tpl_free(t);
	json_decref(rec);
	buf_release(&out);
	buf_release(&why);
}

#define R(spec, json, want)	render(__LINE__, spec, 0, json, want)
#define C(spec, json, want)	render(__LINE__, spec, 1, json, want)

int
main(void)
{
	/* Templates and column lists. */
	R("{name}, {city}", "{\"name\":\"Ann\",\"city\":\"Rome\"}",
	    "Ann, Rome");
	R("{{literal}} {x}}}", "{\"x\":\"1\"}", "{literal} 1}");
	R("n={n} b={b} z={z}", "{\"n\":42,\"b\":true,\"z\":null}",
	    "n=42 b=true z=");
	R("{nope}", "{\"x\":\"1\"}", "?nope");
	R("{open", "{}", "!'{' is not closed (write '{{' for a brace)");
	R("close}", "{}", "!'}' without '{' (write '}}' for a brace)");
	R("{}", "{}", "!a placeholder needs a field name");
	R("", "{\"x\":\"1\"}", "");
	C("b,a", "{\"a\":\"1\",\"b\":\"2\"}", "2\n1");
	C("a,b,c", "{\"a\":\"1\",\"b\":\"\",\"c\":\"3\"}", "1\n3");
	C("a,,b", "{}", "!a column name is empty");
	C("a,missing", "{\"a\":\"1\"}", "?missing");
	R(NULL, "{\"name\":\"Ann\",\"note\":\"\",\"city\":\"Rome\"}",
	    "name: Ann\ncity: Rome");
	return unit_done("tpl");
}
