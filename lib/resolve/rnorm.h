/* rnorm.h -- field normalisers for entity resolution */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_RNORM_H
#define ETV_RNORM_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * Each normaliser appends the normal form of a UTF-8 value to out and
 * leaves what out held before it alone, so that several fields can be
 * joined into one key.  The same value always gives the same bytes.
 * Those that decode the value fail on ill-formed UTF-8: they return -1
 * with a message in err and leave out as it was; the others cannot fail.
 */

/*
 * Text: compatibility decomposition, Unicode case folding, combining
 * marks stripped, then composed again (NFC): "Société" is "societe",
 * "ﬁ" is "fi".  Apostrophes (' ’ ʼ) are dropped, so that "O'Brien" is
 * "obrien"; every other character that is not a letter, a digit or a
 * mark (punctuation, symbols, white space, controls) separates words.
 * The words are written with one space between them, none at either
 * end.  Stripping marks also strips the vowel signs of Indic scripts:
 * the form is for comparing, not for showing.  Returns 0, or -1 when
 * p[0..n) is not UTF-8.
 */
int	 rnorm_text(const char *p, size_t n, struct buf *out, struct buf *err);

/*
 * An organisation's name: rnorm_text, then legal forms cut from its end,
 * again and again ("Acme Co., Ltd." is "acme"), never its first word (a
 * name that is only "Company" stays "company").  Only legal forms are
 * cut, not business words: "Acme Holdings Ltd." is "acme holdings",
 * "Acme Group" stays.  The forms, as words after rnorm_text (so "S.A."
 * is "s a" and "A/S" is "a s"):
 *
 *   English  inc incorporated corp corporation co company ltd limited
 *            llc l l c llp l l p lp l p plc pty pte
 *   German   gmbh ag kg kgaa ohg ug
 *   French, Spanish, Portuguese  sa s a sas s a s sarl s a r l ltda
 *            sl s l srl s r l (Italian, Romanian too)
 *   Italian  spa s p a
 *   Dutch, Belgian  nv n v bv b v bvba
 *   Nordic   ab oy oyj as a s asa aps a p s
 *   Japanese kk k k
 *   Malaysian  bhd sdn
 *
 * So "ACME Corp." and "Acme Corporation" are both "acme", and "Société
 * Générale S.A." is "societe generale".  Returns as rnorm_text.
 */
int	 rnorm_org(const char *p, size_t n, struct buf *out, struct buf *err);

/*
 * The digits of p[0..n), in order, everything else dropped: "+1 (555)
 * 010-9999" is "15550109999".  ASCII and full-width digits count.  With
 * last > 0 only the last that many digits are kept (a phone number
 * without its country and trunk prefixes): 10 makes "+1 555 010 9999"
 * and "(555) 010-9999" equal.  A value with fewer digits keeps them all.
 */
void	 rnorm_digits(const char *p, size_t n, size_t last, struct buf *out);

/* Options of rnorm_email, or-ed. */
enum {
	RNORM_EMAIL_TAG = 1 << 0,	/* drop a +tag of the local part */
	RNORM_EMAIL_GMAIL = 1 << 1	/* Gmail's rules, for Gmail only */
};

/*
 * An e-mail address: white space around it and one pair of angle
 * brackets ("<a@b.org>") or a "mailto:" before it removed, then lower
 * case, all of it (RFC 5321 lets the local part be case-sensitive; no
 * mail system in use makes it so), and a final dot of the domain
 * dropped.  The address is split at its last "@".  With
 * RNORM_EMAIL_TAG, "+" and what follows it in the local part are
 * dropped (sub-addressing: "ann+news@x.org" is "ann@x.org").  Dots of
 * the local part are kept: they are part of the address everywhere but
 * at Gmail, so only with RNORM_EMAIL_GMAIL and only for the domains
 * gmail.com and googlemail.com they are dropped, the +tag too, and
 * googlemail.com becomes gmail.com ("J.Doe+x@GoogleMail.com" is
 * "jdoe@gmail.com").  A value without "@" is lower-cased and trimmed
 * only.  Returns 0, or -1 when p[0..n) is not UTF-8.
 */
int	 rnorm_email(const char *p, size_t n, int flags, struct buf *out,
	    struct buf *err);

/* Options of rnorm_url. */
enum {
	RNORM_URL_NOSCHEME = 1 << 0	/* drop http:// and https:// */
};

/*
 * A URL: white space around it trimmed; scheme and host lower-cased; a
 * "www." at the start of the host (when a name with a dot is left:
 * "www.com" stays), a final dot of the host and the
 * default port of the scheme (http 80, https 443, ws 80, wss 443, ftp
 * 21) dropped; the fragment ("#...") dropped; the path's final "/"
 * dropped, also before a query ("http://A.com/x/?q=1" is
 * "http://a.com/x?q=1", "https://www.Acme.com/" is "https://acme.com").
 * The user information, the path and the query are kept as they are,
 * case included.  A value with no "scheme://" is read as starting with
 * the host ("WWW.Acme.com/About" is "acme.com/About").  With
 * RNORM_URL_NOSCHEME an http or https scheme is dropped, so that
 * "http://acme.com", "https://www.acme.com/" and "acme.com" are equal.
 * Returns 0, or -1 when p[0..n) is not UTF-8.
 */
int	 rnorm_url(const char *p, size_t n, int flags, struct buf *out,
	    struct buf *err);

/* How rnorm_date reads a date with the year last (3/1/1980). */
enum {
	RNORM_DATE_ISO,		/* only when one reading is a date */
	RNORM_DATE_DMY,		/* day first if it can be: 3 January */
	RNORM_DATE_MDY		/* month first if it can be: 1 March */
};

/*
 * A calendar date (proleptic Gregorian, years 0000 to 9999) as
 * "YYYY-MM-DD".  White space around the value is trimmed; inside it
 * only ASCII counts.  The forms read (D and M are one or two digits,
 * YYYY always four):
 *
 *   YYYY-M-D  YYYY/M/D  YYYY.M.D  YYYYMMDD   year first, in any order
 *   D/M/YYYY  D-M-YYYY  D.M.YYYY             as order says (below)
 *   3 Jan 1980, Jan 3, 1980, 03-JAN-1980, 1980-Jan-03
 *
 * Month names are English, in any case: the name or its first three
 * letters or more ("Sept"), a period after it allowed.  With a month
 * name the other two numbers are told apart by their length, whatever
 * the order, so order does not count; a weekday name before the date
 * ("Mon, 3 Jan 1980") and an ordinal suffix of the day ("3rd") are
 * allowed.  The two separators of a numeric date must be the same
 * character.
 *
 * A time may follow any of these, after white space or, after a
 * YYYY-M-D date (with any of its separators), a "T": "HH:MM", with
 * ":SS" and a fraction if any, an AM or PM, and an offset ("Z", "UTC",
 * "GMT", "+01:00", "+0100", "-05"), so that an RFC 3339 date-time gives
 * its date.  The time is checked and dropped; the date is the one
 * written, the offset does not move it to another day.
 *
 * For a date with the year last, RNORM_DATE_DMY reads the day first and
 * RNORM_DATE_MDY the month first, and each reads it the other way when
 * only that way is a date (12/31/1998 is 31 December for both): sources
 * that write dates in both orders then give the same date or the date
 * with its day and month swapped, which a comparison can allow for
 * (strsim_date_swapped).  RNORM_DATE_ISO reads it only when one
 * reading is a valid date (13/1/1980 is 13 January, 1/13/1980 is 13
 * January too) or both give the same (5/5/1980), and otherwise, as for
 * 3/1/1980, gives no date: a guess would be wrong half the time, and a
 * missing date only costs the evidence.  For the same reason a
 * two-digit year is not read (is 03/01/25 a birth in 1925 or in 2025?).
 *
 * Appends the date to out and returns 0; returns 1 and appends nothing
 * when p[0..n) is no date of these forms or not a valid calendar date
 * (31/4/1980, 29/2/1900, an empty value): the caller treats it as
 * missing.  Returns -1 with a message in err, out as it was, when
 * p[0..n) is not UTF-8.
 */
int	 rnorm_date(const char *p, size_t n, int order, struct buf *out,
	    struct buf *err);

/*
 * A synonym table maps words to their canonical form (nicknames to
 * names, "st" to "saint").  Its file has one group a line, the canonical
 * form first, then its variants, separated by white space or commas (so
 * "william bill will billy" and "william,bill,will,billy" are the same
 * group); blank lines and lines starting with "#" are ignored.  Every
 * word goes through rnorm_text first, so "Bill" and "José" match "bill"
 * and "jose"; a word that normalises to several words ("o-neil") or to
 * none is an error.  A word maps to one canonical form, the first one
 * given for it: in a nickname list where "al" is in the groups of
 * albert and of alfred, the first of those lines wins.  A canonical
 * form maps to itself (when no earlier line took it).
 */
struct rnorm_syn;

/* An empty table.  Never NULL; free with rnorm_syn_free. */
struct rnorm_syn *rnorm_syn_new(void);

/*
 * Add the group of one line (without its newline) to the table.
 * Returns 0, or -1 with a message in err (ill-formed UTF-8, a word of
 * several words) and the table unchanged.
 */
int	 rnorm_syn_add(struct rnorm_syn *, const char *line, size_t n,
	    struct buf *err);

/*
 * Load a table file ("-" is stdin).  Returns a new table the caller
 * frees with rnorm_syn_free, or NULL with "FILE:LINE: message" or the
 * system's reason in err.
 */
struct rnorm_syn *rnorm_syn_load(const char *path, struct buf *err);

/* The number of words in the table, canonical forms included. */
size_t	 rnorm_syn_count(const struct rnorm_syn *);

/*
 * The canonical form of the normalised word w[0..n), or NULL when it is
 * not in the table.  The string (NUL-terminated, its length in *lenp
 * when lenp is not NULL) is borrowed from the table until it changes or
 * is freed.
 */
const char *rnorm_syn_lookup(const struct rnorm_syn *, const char *w,
	    size_t n, size_t *lenp);

/*
 * rnorm_text, then each word replaced by its canonical form: with the
 * group above, "Bill  SMITH" is "william smith".  Returns as rnorm_text.
 */
int	 rnorm_syn_apply(const struct rnorm_syn *, const char *p, size_t n,
	    struct buf *out, struct buf *err);

/* Free a table; NULL is accepted. */
void	 rnorm_syn_free(struct rnorm_syn *);

#endif
