/* check.h -- the check of one record: schema, contract, text, PII */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CHECK_H
#define ETV_CHECK_H

#include <stddef.h>

#include <jansson.h>

#include "lib/json/record.h"
#include "lib/validate/contract.h"
#include "lib/validate/jdoc.h"
#include "lib/validate/jsonschema.h"

/* What is done with personal data found in the fields. */
enum check_pii {
	CHECK_PII_OFF,		/* not looked for */
	CHECK_PII_DETECT,	/* listed in a "pii" member */
	CHECK_PII_REDACT,	/* masked (or pseudonymised with a key) */
	CHECK_PII_REJECT	/* the record is rejected */
};

/* What is done with text that is not NFC or holds control characters. */
enum check_nfc {
	CHECK_NFC_OFF,		/* nothing */
	CHECK_NFC_CHECK,	/* the record is rejected */
	CHECK_NFC_FIX		/* the text is repaired */
};

/* Most errors listed for one rejected record. */
#define CHECK_MAX_ERRORS	20

/* The checks of a record; all fields are set by the caller. */
struct check {
	struct js_schema *js;		/* compiled schema, or NULL; borrowed */
	struct contract	*ct;		/* contract, or NULL; borrowed */
	int		 values;	/* any JSON value, not only objects */
	enum check_pii	 pii;		/* what to do with personal data */
	unsigned	 pii_types;	/* PII_* mask of kinds to look for */
	const char	*pii_key;	/* pseudonym key, or NULL; borrowed */
	enum check_nfc	 nfc;		/* what to do with unclean text */
	char *const	*fields;	/* text fields for PII and NFC; borrowed */
	size_t		 nfields;	/* their number */
	unsigned long	 rejected;	/* records rejected so far (with ct) */
};

/*
 * Check the parsed record v of the item it and write it (rec_emit*):
 * unchanged when it passes, with its text fixed or redacted, with a "pii"
 * member in detect mode; or reject it (rec_reject) with its errors, the
 * first in the message, every other one on a line of its own, and an
 * "errors" member on the rejected object.  With a contract the record is
 * counted there (and a rejection for another cause reported to it), and
 * c->rejected grows: then the calls must come one at a time, in input
 * order.  Without one, check_record only reads c and may run in several
 * threads.
 */
void	 check_record(struct check *c, struct rec_item *it, json_t *v);

/* The argument of check_item: the checks and one arena per worker. */
struct check_pool {
	struct check	*c;		/* the checks (ct NULL); borrowed */
	struct jdoc_arena *arenas;	/* one per worker; owned by the caller */
};

/*
 * The pool_run() work function of records checked without a contract
 * (arg is a struct check_pool).  Valid records that need no change are
 * parsed in the worker's arena and written as they came; the others go
 * through check_record.
 */
void	 check_item(struct rec_item *it, void *arg, int worker);

#endif
