/* rmodel.h -- an entity resolution model: fields, levels, blocking, weights */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RMODEL_H
#define ETV_RMODEL_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"

struct rnorm_syn;

/*
 * A model says which fields of a record are compared, how each is
 * normalised, the levels of agreement a pair of values can have, the
 * blocking rules that choose the pairs to compare and, once trained, the
 * Fellegi-Sunter parameters: for each field and level m (the chance of
 * the level for a pair of the same entity) and u (for a pair of
 * different entities), and the prior (the chance that two records drawn
 * at random are the same entity).  The file format is in etv-resolve(1).
 */

/* Normalisers, applied in the order given. */
enum {
	RN_NONE,		/* the value as it is */
	RN_TEXT,		/* rnorm_text */
	RN_ORG,			/* rnorm_org */
	RN_DIGITS,		/* rnorm_digits, arg the digits kept */
	RN_EMAIL,		/* rnorm_email, arg its flags */
	RN_URL,			/* rnorm_url, arg its flags */
	RN_SYNONYMS,		/* rnorm_syn_apply with the field's table */
	RN_DATE			/* rnorm_date, arg its order */
};

/* The comparisons a level can ask for. */
enum {
	RC_EXACT,		/* the same normalised value */
	RC_JARO_WINKLER,	/* similarity >= arg */
	RC_JARO,
	RC_TOKEN_JACCARD,
	RC_QGRAM,		/* with q */
	RC_LEVENSHTEIN,		/* distance <= arg */
	RC_DAMERAU,
	RC_ABSDIFF,		/* numbers, |a - b| <= arg */
	RC_RELDIFF,		/* numbers, relative difference <= arg */
	RC_DATE_SWAP,		/* dates, day and month swapped */
	RC_DATE_YEAR,		/* dates, years one apart */
	RC_DATE_DAYS,		/* dates, at most arg days apart */
	RC_SOUNDEX,		/* the same Soundex code */
	RC_DMETAPHONE,		/* a Double Metaphone code in common */
	RC_INITIAL,		/* one is the other's initial */
	RC_SWAPPED		/* crossed with the field other */
};

struct rm_level {
	int		 cmp;		/* RC_* */
	double		 arg;		/* its threshold */
	unsigned	 q;		/* q of RC_QGRAM */
	int		 other;		/* the field of RC_SWAPPED */
	char		*label;		/* "jaro_winkler>=0.92"; owned */
};

/* Derived forms of a field's values some comparison or key needs. */
enum {
	RV_SOUNDEX = 1 << 0,
	RV_DMETAPHONE = 1 << 1,
	RV_NUMBER = 1 << 2,
	RV_DATE = 1 << 3
};

#define RM_MAX_NORM	4	/* normalisers a field */
#define RM_MAX_LEVELS	14	/* levels a field, "else" not counted */
#define RM_MAX_FIELDS	64	/* fields a model */
#define RM_MAX_RULES	16	/* blocking rules */
#define RM_MAX_TERMS	8	/* terms a rule */
#define RM_MAX_GROUP	8	/* fields a group */

/* The level of a pair with a value missing: neutral. */
#define RM_NULL		0xff

struct rm_field {
	char		*name;		/* the member (a dotted path); owned */
	int		 norm[RM_MAX_NORM]; /* RN_* */
	int		 normarg[RM_MAX_NORM]; /* and their arguments */
	int		 nnorm;		/* normalisers */
	struct rnorm_syn *syn;		/* synonyms, or NULL; owned */
	char		*synpath;	/* their file, absolute; owned */
	struct rm_level	 level[RM_MAX_LEVELS]; /* in the order tried */
	int		 nlevel;	/* levels before "else" */
	int		 tf;		/* term frequency adjustment of exact */
	int		 group;		/* its group, or -1 */
	unsigned	 views;		/* RV_* the model needs */
	double		 m[RM_MAX_LEVELS + 1]; /* trained, "else" last */
	double		 u[RM_MAX_LEVELS + 1];
	int		 trained;	/* m and u are set */
	struct strmap	*tfmap;		/* with tf, once trained: the values
					   of two records or more; owned */
	double		*tfcount;	/* the records of each */
	double		 tfrecords;	/* the records with a value */
};

/* Functions of a blocking term. */
enum {
	RB_VALUE,		/* the normalised value */
	RB_SOUNDEX,
	RB_DMETAPHONE,		/* the primary code */
	RB_YEAR,		/* a date's year */
	RB_FIRST,		/* the first n code points */
	RB_LAST,		/* the last n code points */
	RB_TOKENS		/* each word: one key a word */
};

struct rm_term {
	int		 fn;		/* RB_* */
	int		 field;		/* index in the model's fields */
	unsigned	 n;		/* of RB_FIRST and RB_LAST */
};

struct rm_rule {
	char		*text;		/* as written; owned */
	struct rm_term	 term[RM_MAX_TERMS];
	int		 nterm;
};

/*
 * Fields that depend on each other among different entities (street,
 * city and postcode: two people of one household agree on all three)
 * form a group: the chance of their levels together for a pair of
 * different entities is estimated as one, from the random pairs (each
 * combination of levels, a pattern, counted), rather than as the product
 * of each field's u, which would count one shared address three times.
 * m stays a product: errors in one field say nothing of the others.
 */
struct rm_group {
	char		*name;		/* owned */
	int		 field[RM_MAX_GROUP]; /* its fields, in model order */
	int		 n;
	struct strmap	*pat;		/* patterns: n levels (RM_NULL for
					   a missing value); owned */
	double		*count;		/* random pairs of each pattern */
	size_t		 cap;		/* allocated counts */
	struct strmap	*mask;		/* which values are missing: n bytes
					   of 0 or 1; owned */
	double		*total;		/* random pairs of each mask */
	size_t		 tcap;		/* allocated totals */
};

struct rmodel {
	struct rm_field	 field[RM_MAX_FIELDS];
	int		 nfield;
	struct rm_group	 group[RM_MAX_FIELDS / 2];
	int		 ngroup;
	struct rm_rule	 rule[RM_MAX_RULES];
	int		 nrule;
	char		*id_field;	/* owned, or NULL: the command's */
	char		*source_field;	/* owned; "source" by default */
	double		 threshold;	/* match probability, or -1 */
	json_t		*golden;	/* the "golden" member, or NULL */
	double		 prior;		/* trained prior, or -1 */
	double		 records;	/* the records it was trained on, or 0 */
	json_t		*doc;		/* the file as read (written back
					   with its parameters) */
};

/*
 * Read a model from a file (its synonym files are relative to its
 * directory).  Returns a new model, or NULL with "FILE: field 'x':
 * problem" in err: every member is checked (unknown keys, types, ranges,
 * comparators that do not suit a normaliser, parameters that do not fit
 * the levels).
 */
struct rmodel *rmodel_load(const char *path, struct buf *err);

/* The same from a parsed document (borrowed), with dir for synonyms. */
struct rmodel *rmodel_parse(const json_t *doc, const char *dir,
	    struct buf *err);

/*
 * Add a blocking rule ("zip", "soundex(surname)+year(dob)").  Returns
 * 0, or -1 with the reason in err (an unknown field or function, too
 * many rules or terms, a second tokens term).
 */
int	 rmodel_add_rule(struct rmodel *, const char *text, struct buf *err);

/* Drop the model's blocking rules. */
void	 rmodel_clear_rules(struct rmodel *);

/* The index of the field named name, or -1. */
int	 rmodel_field(const struct rmodel *, const char *name);

/*
 * Count n more random pairs of pattern pat (the levels of the group's
 * fields) in group g.
 */
void	 rmodel_group_add(struct rm_group *, const unsigned char *pat,
	    double n);

/* Forget a group's counts. */
void	 rmodel_group_clear(struct rm_group *);

/*
 * The chance of pattern pat among pairs of different entities with the
 * same values missing: its count over theirs, with half a pair added to
 * each pattern (so that none is impossible).
 */
double	 rmodel_group_u(const struct rm_group *, const unsigned char *pat);

/*
 * Keep the term frequencies of field f: count records of value
 * val[0..len) (a call a value), among records records with a value.
 * The first call forgets the table the field had.
 */
void	 rmodel_tf_begin(struct rm_field *, double records);
void	 rmodel_tf_add(struct rm_field *, const char *val, size_t len,
	    double count);

/*
 * The share of records with value val[0..len) in field f by its table:
 * its count (1 for a value not in it) over the records; NaN when the
 * field has no table.
 */
double	 rmodel_tf_share(const struct rm_field *, const char *val,
	    size_t len);

/* Do all fields have m and u, all groups their patterns, and the model
 * a prior? */
int	 rmodel_trained(const struct rmodel *);

/*
 * Do the fields with "tf" have their tables (a model a run trained and
 * wrote has them; parameters written by hand may not: the run then takes
 * the frequencies from its records)?
 */
int	 rmodel_tf_ready(const struct rmodel *);

/*
 * The model as a document, with its current rules, threshold and
 * parameters: what --model-out writes.  A new reference.
 */
json_t	*rmodel_dump(const struct rmodel *);

/*
 * Normalise the value p[0..n) of field f.  Returns 0 with the normal
 * form appended to out, 1 when the value is empty after normalising or
 * not of its kind (a date that is no date: the value counts as missing),
 * -1 with the reason in err when it is not UTF-8.  scratch is working
 * space.
 */
int	 rmodel_normalize(const struct rm_field *, const char *p, size_t n,
	    struct buf *out, struct buf *scratch, struct buf *err);

/* Free a model; NULL is accepted. */
void	 rmodel_free(struct rmodel *);

#endif
