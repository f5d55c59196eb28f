/* tpl.h -- text of a record from its fields: templates and column lists */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_TPL_H
#define ETV_TPL_H

#include <jansson.h>

#include "lib/base/buf.h"

struct tpl;

/*
 * Compile a template: literal text with "{name}" placeholders for fields;
 * "{{" and "}}" stand for '{' and '}'.  Returns NULL with a message in
 * err when a '{' is not closed, a '}' is not opened or a name is empty.
 * Caller frees with tpl_free.
 */
struct tpl *tpl_parse(const char *spec, struct buf *err);

/*
 * A column list "a,b,c": the text is the values of those fields, one per
 * line, empty values left out.  Returns NULL with a message in err when a
 * name is empty.  Caller frees with tpl_free.
 */
struct tpl *tpl_columns(const char *list, struct buf *err);

/*
 * Append the text for rec (an object whose fields are strings, numbers,
 * booleans or null) to out.  With t NULL every field is a "name: value"
 * line, in the record's order, empty values left out.  Returns 0, or -1
 * when a field named by t is missing; then *missing is its name (borrowed
 * from t) and out holds a partial text.
 */
int	 tpl_render(const struct tpl *t, const json_t *rec, struct buf *out,
	    const char **missing);

/* Free a template.  NULL is accepted. */
void	 tpl_free(struct tpl *);

#endif
