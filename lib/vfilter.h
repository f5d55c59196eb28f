/* vfilter.h -- query filters on stored fields: FIELD=VALUE, FIELD in [...] */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VFILTER_H
#define ETV_VFILTER_H

#include <jansson.h>

/*
 * One filter clause: the field it looks at and the values it accepts.
 * A value that reads as a JSON scalar is that scalar ("3", "true",
 * "\"x,y\""); anything else is the string as written (en, d0#0).
 */
struct vfilter {
	char		*path;		/* the field, dotted: "meta.lang"; owned */
	json_t		*vals;		/* the accepted values, an array; owned */
	int		 root;		/* the caller's: what path names */
};

/*
 * Parse "PATH=VALUE" or "PATH in [V1,V2,...]" (brackets or parentheses
 * optional; commas inside double quotes do not split) into f.  Returns 0,
 * or -1 with *why set to static text and f left empty.
 */
int	 vfilter_parse(struct vfilter *f, const char *expr, const char **why);

/* Free what f owns.  An empty (zeroed) filter is accepted. */
void	 vfilter_release(struct vfilter *f);

/*
 * Whether v is one of f's values or, when v is an array, whether one of
 * its elements is.  A missing value (NULL) matches nothing.
 */
int	 vfilter_match(const struct vfilter *f, const json_t *v);

#endif
