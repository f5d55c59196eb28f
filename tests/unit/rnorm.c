/* rnorm.c -- unit tests of lib/resolve/rnorm: the field normalisers */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/resolve/rnorm.h"
#include "tests/unit/unit.h"

enum { TEXT, ORG, EMAIL, URL };

/* Normalise s as kind says (with flags) and compare with want. */
static int
norm_is(int kind, int flags, const char *s, const char *want)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	int rc = -1, ok;

	switch (kind) {
	case TEXT:
		rc = rnorm_text(s, strlen(s), &b, &err);
		break;
	case ORG:
		rc = rnorm_org(s, strlen(s), &b, &err);
		break;
	case EMAIL:
		rc = rnorm_email(s, strlen(s), flags, &b, &err);
		break;
	case URL:
		rc = rnorm_url(s, strlen(s), flags, &b, &err);
		break;
	}
	ok = rc == 0 && strcmp(b.data, want) == 0 && b.len == strlen(want);
	if (!ok)
		fprintf(stderr, "'%s': rc %d '%s' (%s), want '%s'\n", s, rc,
		    b.data, err.data, want);
	buf_release(&b);
	buf_release(&err);
	return ok;
}

static void
test_text(void)
{
	struct buf b = BUF_INIT, err = BUF_INIT;

	CHECK(norm_is(TEXT, 0, "  Hello,   WORLD!  ", "hello world"));
	CHECK(norm_is(TEXT, 0, "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale",
	    "societe generale"));
	CHECK(norm_is(TEXT, 0, "STRA\xc3\x9f" "E", "strasse"));	/* STRAßE */
	CHECK(norm_is(TEXT, 0, "\xef\xac\x81nance", "finance"));  /* ﬁ */
	CHECK(norm_is(TEXT, 0, "Dvo\xc5\x99\xc3\xa1k", "dvorak"));
	/* Decomposed input, full-width letters, a no-break space. */
	CHECK(norm_is(TEXT, 0, "Jose\xcc\x81", "jose"));
	CHECK(norm_is(TEXT, 0, "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc"));
	CHECK(norm_is(TEXT, 0, "a\xc2\xa0" "b", "a b"));
	/* Apostrophes join, other punctuation separates. */
	CHECK(norm_is(TEXT, 0, "O'Brien", "obrien"));
	CHECK(norm_is(TEXT, 0, "O\xe2\x80\x99" "Brien", "obrien"));
	CHECK(norm_is(TEXT, 0, "Jean-Luc (J.L.) Picard",
	    "jean luc j l picard"));
	CHECK(norm_is(TEXT, 0, "R&D\t42\n", "r d 42"));
	/* Other scripts keep their letters. */
	/* Αθήνα is αθηνα. */
	CHECK(norm_is(TEXT, 0, "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1",
	    "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1"));
	CHECK(norm_is(TEXT, 0, "\xe6\x9d\xb1\xe4\xba\xac", "\xe6\x9d\xb1"
	    "\xe4\xba\xac"));				/* 東京 */
	CHECK(norm_is(TEXT, 0, "", ""));
	CHECK(norm_is(TEXT, 0, " -- ", ""));
	/* Appends; ill-formed UTF-8 fails and leaves out alone. */
	buf_adds(&b, "k=");
	CHECK(rnorm_text("A b", 3, &b, &err) == 0);
	CHECK(strcmp(b.data, "k=a b") == 0);
	CHECK(rnorm_text("caf\xe9", 4, &b, &err) == -1);
	CHECK(strcmp(b.data, "k=a b") == 0);
	CHECK(strstr(err.data, "UTF-8") != NULL);
	buf_release(&b);
	buf_release(&err);
}

static void
test_org(void)
{
	CHECK(norm_is(ORG, 0, "ACME Corp.", "acme"));
	CHECK(norm_is(ORG, 0, "Acme Corporation", "acme"));
	CHECK(norm_is(ORG, 0, "Acme, Inc.", "acme"));
	CHECK(norm_is(ORG, 0, "Acme Incorporated", "acme"));
	CHECK(norm_is(ORG, 0, "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale "
	    "S.A.", "societe generale"));
	CHECK(norm_is(ORG, 0, "Acme Holdings Ltd.", "acme holdings"));
	CHECK(norm_is(ORG, 0, "Acme Group", "acme group"));
	CHECK(norm_is(ORG, 0, "Acme Co., Ltd.", "acme"));
	CHECK(norm_is(ORG, 0, "Acme Pty Ltd", "acme"));
	CHECK(norm_is(ORG, 0, "Acme L.L.C.", "acme"));
	CHECK(norm_is(ORG, 0, "Acme LLC", "acme"));
	CHECK(norm_is(ORG, 0, "Siemens AG", "siemens"));
	CHECK(norm_is(ORG, 0, "Bosch GmbH & Co. KG", "bosch"));
	CHECK(norm_is(ORG, 0, "Michelin S.A.S.", "michelin"));
	CHECK(norm_is(ORG, 0, "Fiat S.p.A.", "fiat"));
	CHECK(norm_is(ORG, 0, "Philips N.V.", "philips"));
	CHECK(norm_is(ORG, 0, "Nokia Oyj", "nokia"));
	CHECK(norm_is(ORG, 0, "Volvo AB", "volvo"));
	CHECK(norm_is(ORG, 0, "Maersk A/S", "maersk"));
	CHECK(norm_is(ORG, 0, "Toyota KK", "toyota"));
	CHECK(norm_is(ORG, 0, "Barclays PLC", "barclays"));
	CHECK(norm_is(ORG, 0, "Smith & Co", "smith"));
	CHECK(norm_is(ORG, 0, "Smith and Company", "smith and"));
	/* Only at the end, only whole words, never the first word. */
	CHECK(norm_is(ORG, 0, "Inc Magazine", "inc magazine"));
	CHECK(norm_is(ORG, 0, "Costco", "costco"));
	CHECK(norm_is(ORG, 0, "Limited", "limited"));
	CHECK(norm_is(ORG, 0, "Co Ltd", "co"));
	CHECK(norm_is(ORG, 0, "", ""));
}

static void
test_digits(void)
{
	struct buf b = BUF_INIT;

	rnorm_digits("+1 (555) 010-9999", 17, 0, &b);
	CHECK(strcmp(b.data, "15550109999") == 0);
	buf_reset(&b);
	rnorm_digits("+1 (555) 010-9999", 17, 10, &b);
	CHECK(strcmp(b.data, "5550109999") == 0);
	buf_reset(&b);
	rnorm_digits("(555) 010-9999", 14, 10, &b);
	CHECK(strcmp(b.data, "5550109999") == 0);
	buf_reset(&b);
	rnorm_digits("ext. 42", 7, 10, &b);		/* fewer: all kept */
	CHECK(strcmp(b.data, "42") == 0);
	buf_reset(&b);
	rnorm_digits("\xef\xbc\x90\xef\xbc\x93-\xef\xbc\x99", 11, 0, &b);
	CHECK(strcmp(b.data, "039") == 0);		/* full-width */
	buf_reset(&b);
	rnorm_digits("none", 4, 0, &b);
	CHECK(b.len == 0);
	buf_adds(&b, "tel:");
	rnorm_digits("0044 20 7946 0000", 17, 4, &b);
	CHECK(strcmp(b.data, "tel:0000") == 0);
	buf_release(&b);
}

static void
test_email(void)
{
	CHECK(norm_is(EMAIL, 0, "  John.Doe@Example.COM ",
	    "john.doe@example.com"));
	CHECK(norm_is(EMAIL, 0, "ann+news@x.org", "ann+news@x.org"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_TAG, "Ann+News@X.org", "ann@x.org"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_TAG, "+ann@x.org", "+ann@x.org"));
	CHECK(norm_is(EMAIL, 0, "<ann@x.org>", "ann@x.org"));
	CHECK(norm_is(EMAIL, 0, "mailto:Ann@X.org", "ann@x.org"));
	CHECK(norm_is(EMAIL, 0, "ann@x.org.", "ann@x.org"));
	/* Dots: kept, but at Gmail with the Gmail option. */
	CHECK(norm_is(EMAIL, RNORM_EMAIL_TAG, "j.doe@example.com",
	    "j.doe@example.com"));
	CHECK(norm_is(EMAIL, 0, "J.Doe@gmail.com", "j.doe@gmail.com"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_GMAIL, "J.Doe+x@GoogleMail.com",
	    "jdoe@gmail.com"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_GMAIL, "j.doe+x@gmail.com",
	    "jdoe@gmail.com"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_GMAIL, "j.doe+x@example.com",
	    "j.doe+x@example.com"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_GMAIL, "j.doe@gmail.com.au",
	    "j.doe@gmail.com.au"));
	/* The last "@" splits; non-ASCII is lower-cased too. */
	CHECK(norm_is(EMAIL, RNORM_EMAIL_TAG, "\"a@b\"+t@X.org",
	    "\"a@b\"@x.org"));
	CHECK(norm_is(EMAIL, 0, "J\xc3\x96RG@B\xc3\x9c" "CHER.DE",
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.de"));
	CHECK(norm_is(EMAIL, RNORM_EMAIL_TAG, " Not An Address ",
	    "not an address"));
	CHECK(norm_is(EMAIL, 0, "", ""));
}

static void
test_url(void)
{
	CHECK(norm_is(URL, 0, "HTTP://WWW.Example.COM:80/Path/?q=A#frag",
	    "http://example.com/Path?q=A"));
	CHECK(norm_is(URL, 0, "https://www.Acme.com/", "https://acme.com"));
	CHECK(norm_is(URL, 0, "https://acme.com:443", "https://acme.com"));
	CHECK(norm_is(URL, 0, "https://acme.com:8443/a",
	    "https://acme.com:8443/a"));
	CHECK(norm_is(URL, 0, "http://acme.com:443/", "http://acme.com:443"));
	CHECK(norm_is(URL, 0, "ftp://Files.Acme.com:21/Pub/",
	    "ftp://files.acme.com/Pub"));
	CHECK(norm_is(URL, 0, "http://User:Pw@WWW.Acme.com./x",
	    "http://User:Pw@acme.com/x"));
	CHECK(norm_is(URL, 0, "http://[2001:DB8::1]:80/",
	    "http://[2001:db8::1]"));
	CHECK(norm_is(URL, 0, "http://[2001:db8::1]/x",
	    "http://[2001:db8::1]/x"));
	CHECK(norm_is(URL, 0, "  WWW.Acme.com/About  ", "acme.com/About"));
	CHECK(norm_is(URL, 0, "acme.com?x=1#top", "acme.com?x=1"));
	CHECK(norm_is(URL, 0, "http://www.com", "http://www.com"));
	CHECK(norm_is(URL, RNORM_URL_NOSCHEME, "https://www.acme.com/",
	    "acme.com"));
	CHECK(norm_is(URL, RNORM_URL_NOSCHEME, "HTTP://acme.com", "acme.com"));
	CHECK(norm_is(URL, RNORM_URL_NOSCHEME, "acme.com", "acme.com"));
	CHECK(norm_is(URL, RNORM_URL_NOSCHEME, "ftp://acme.com/f",
	    "ftp://acme.com/f"));
	CHECK(norm_is(URL, 0, "", ""));
}

static void
test_syn(void)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct rnorm_syn *t;
	char path[] = "/tmp/rnorm-syn-XXXXXX";
	const char *c;
	size_t len, i;
	FILE *fp;
	int fd;

	t = rnorm_syn_new();
	CHECK(rnorm_syn_add(t, "william bill will billy", 23, &err) == 0);
	CHECK(rnorm_syn_add(t, "  Robert, Bob,Rob ,BOBBY", 24, &err) == 0);
	CHECK(rnorm_syn_add(t, "# comment", 9, &err) == 0);
	CHECK(rnorm_syn_add(t, " \t ", 3, &err) == 0);
	CHECK(rnorm_syn_add(t, "Jos\xc3\xa9 pepe", 10, &err) == 0);
	/* "will" is taken: the first group keeps it. */
	CHECK(rnorm_syn_add(t, "wilson will", 11, &err) == 0);
	CHECK(rnorm_syn_count(t) == 11);
	c = rnorm_syn_lookup(t, "bill", 4, &len);
	CHECK(c != NULL && len == 7 && strcmp(c, "william") == 0);
	c = rnorm_syn_lookup(t, "william", 7, NULL);
	CHECK(c != NULL && strcmp(c, "william") == 0);
	c = rnorm_syn_lookup(t, "bobby", 5, NULL);
	CHECK(c != NULL && strcmp(c, "robert") == 0);
	c = rnorm_syn_lookup(t, "will", 4, NULL);
	CHECK(c != NULL && strcmp(c, "william") == 0);
	c = rnorm_syn_lookup(t, "pepe", 4, NULL);
	CHECK(c != NULL && strcmp(c, "jose") == 0);
	CHECK(rnorm_syn_lookup(t, "Bill", 4, NULL) == NULL);  /* normalised */
	CHECK(rnorm_syn_lookup(t, "ted", 3, NULL) == NULL);
	CHECK(rnorm_syn_lookup(t, "", 0, NULL) == NULL);
	CHECK(rnorm_syn_apply(t, " Bill  SMITH-Jones, Pepe ", 25, &b,
	    &err) == 0);
	CHECK(strcmp(b.data, "william smith jones jose") == 0);
	buf_reset(&b);
	CHECK(rnorm_syn_apply(t, "", 0, &b, &err) == 0 && b.len == 0);
	/* Errors leave the table as it was. */
	CHECK(rnorm_syn_add(t, "oneil o-neil", 12, &err) == -1);
	CHECK(strstr(err.data, "more than one word") != NULL);
	CHECK(rnorm_syn_lookup(t, "oneil", 5, NULL) == NULL);
	CHECK(rnorm_syn_add(t, "x --", 4, &err) == -1);
	CHECK(rnorm_syn_add(t, "x caf\xe9", 6, &err) == -1);
	CHECK(rnorm_syn_count(t) == 11);
	/* Many words: the table grows and keeps them all. */
	for (i = 0; i < 2000; i++) {
		char line[64];

		snprintf(line, sizeof(line), "c%zu v%zu w%zu", i, i, i);
		CHECK(rnorm_syn_add(t, line, strlen(line), &err) == 0);
	}
	CHECK(rnorm_syn_count(t) == 11 + 6000);
	c = rnorm_syn_lookup(t, "w1234", 5, NULL);
	CHECK(c != NULL && strcmp(c, "c1234") == 0);
	c = rnorm_syn_lookup(t, "billy", 5, NULL);
	CHECK(c != NULL && strcmp(c, "william") == 0);
	rnorm_syn_free(t);
	rnorm_syn_free(NULL);

	/* A file, CRLF lines, and an error with its line number. */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("# nicknames\r\nwilliam bill\r\n\r\nelizabeth,liz,beth\n", fp);
	fclose(fp);
	t = rnorm_syn_load(path, &err);
	CHECK(t != NULL && rnorm_syn_count(t) == 5);
	buf_reset(&b);
	CHECK(t != NULL && rnorm_syn_apply(t, "Liz Bill", 8, &b, &err) == 0);
	CHECK(strcmp(b.data, "elizabeth william") == 0);
	rnorm_syn_free(t);
	fp = fopen(path, "w");
	fputs("william bill\nbad mc'donald's,x-y\n", fp);
	fclose(fp);
	CHECK(rnorm_syn_load(path, &err) == NULL);
	CHECK(strstr(err.data, ":2: ") != NULL);
	CHECK(strstr(err.data, "'x-y' is more than one word") != NULL);
	unlink(path);
	CHECK(rnorm_syn_load(path, &err) == NULL);
	CHECK(strstr(err.data, path) != NULL);
	buf_release(&b);
	buf_release(&err);
}

/*
 * rnorm_date of s in order: want is the date, or NULL for none (1).
 * The dates of the month-name forms agree with GNU date(1) -d "s" +%F,
 * which also rejects 29 February 1900.
 */
static int
date_is(int order, const char *s, const char *want)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	int rc, ok;

	buf_adds(&b, "d=");
	rc = rnorm_date(s, strlen(s), order, &b, &err);
	if (want == NULL)
		ok = rc == 1 && strcmp(b.data, "d=") == 0;
	else
		ok = rc == 0 && strncmp(b.data, "d=", 2) == 0 &&
		    strcmp(b.data + 2, want) == 0;
	if (!ok)
		fprintf(stderr, "'%s' (order %d): rc %d '%s' (%s), "
		    "want '%s'\n", s, order, rc, b.data, err.data,
		    want != NULL ? want : "none");
	buf_release(&b);
	buf_release(&err);
	return ok;
}

static void
test_date(void)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	int o;

	/* Year first, in every order. */
	for (o = RNORM_DATE_ISO; o <= RNORM_DATE_MDY; o++) {
		CHECK(date_is(o, "1980-01-03", "1980-01-03"));
		CHECK(date_is(o, "1980/01/03", "1980-01-03"));
		CHECK(date_is(o, "1980.01.03", "1980-01-03"));
		CHECK(date_is(o, "1980-1-3", "1980-01-03"));
		CHECK(date_is(o, "19800103", "1980-01-03"));
		CHECK(date_is(o, " \t1980-01-03\n", "1980-01-03"));
		CHECK(date_is(o, "\xe2\x80\x83" "1980-01-03\xe3\x80\x80",
		    "1980-01-03"));		/* em space, ideographic */
		/* RFC 3339 date-times: the date as written. */
		CHECK(date_is(o, "1980-01-03T10:20:30Z", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03t10:20:30.123456z", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03T23:30:00-05:00", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03T00:30:00+01:00", "1980-01-03"));
		CHECK(date_is(o, "1998-12-31T23:59:60Z", "1998-12-31"));
		CHECK(date_is(o, "1980-01-03 10:20:30", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03T10:20", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03 10:20:30 +0100", "1980-01-03"));
		CHECK(date_is(o, "1980-01-03 10:20:30 UTC", "1980-01-03"));
		CHECK(date_is(o, "19800103 10:20", "1980-01-03"));
		/* Month names, any order, any case. */
		CHECK(date_is(o, "3 Jan 1980", "1980-01-03"));
		CHECK(date_is(o, "Jan 3, 1980", "1980-01-03"));
		CHECK(date_is(o, "03-JAN-1980", "1980-01-03"));
		CHECK(date_is(o, "03JAN1980", "1980-01-03"));
		CHECK(date_is(o, "3 January 1980", "1980-01-03"));
		CHECK(date_is(o, "january 3rd, 1980", "1980-01-03"));
		CHECK(date_is(o, "1980-Jan-03", "1980-01-03"));
		CHECK(date_is(o, "Sept. 9, 2001", "2001-09-09"));
		CHECK(date_is(o, "9 sep 2001", "2001-09-09"));
		CHECK(date_is(o, "Mon, 3 Jan 2022", "2022-01-03"));
		CHECK(date_is(o, "Thursday, December 31st 1998",
		    "1998-12-31"));
		CHECK(date_is(o, "03-JAN-1980 00:00:00", "1980-01-03"));
		CHECK(date_is(o, "May 1 2020 9:05 PM", "2020-05-01"));
		CHECK(date_is(o, "1 Mayo 2020", NULL));
		CHECK(date_is(o, "Ja 3 1980", NULL));
		CHECK(date_is(o, "3 Jan Feb 1980", NULL));
		CHECK(date_is(o, "Jan 1980 3", NULL));
		CHECK(date_is(o, "3 Jan 80", NULL));
		CHECK(date_is(o, "3 Jan 1980 Mon", NULL));
		/* Not calendar dates, or not dates at all. */
		CHECK(date_is(o, "1980-02-30", NULL));
		CHECK(date_is(o, "1980-13-01", NULL));
		CHECK(date_is(o, "1980-00-10", NULL));
		CHECK(date_is(o, "1980-01-00", NULL));
		CHECK(date_is(o, "0000-00-00", NULL));
		CHECK(date_is(o, "1900-02-29", NULL));	/* not a leap year */
		CHECK(date_is(o, "2000-02-29", "2000-02-29"));
		CHECK(date_is(o, "2024-02-29", "2024-02-29"));
		CHECK(date_is(o, "2023-02-29", NULL));
		CHECK(date_is(o, "29 Feb 1900", NULL));
		CHECK(date_is(o, "31 Apr 1980", NULL));
		CHECK(date_is(o, "0001-01-01", "0001-01-01"));
		CHECK(date_is(o, "9999-12-31", "9999-12-31"));
		CHECK(date_is(o, "1980-01-03/", NULL));
		CHECK(date_is(o, "1980-01/03", NULL));
		CHECK(date_is(o, "1980-001-03", NULL));
		CHECK(date_is(o, "198-01-03", NULL));
		CHECK(date_is(o, "1980-01-03x", NULL));
		CHECK(date_is(o, "1980-01-03T25:00:00Z", NULL));
		CHECK(date_is(o, "1980-01-03T10:61Z", NULL));
		CHECK(date_is(o, "1980-01-03T10:20:30+24:00", NULL));
		CHECK(date_is(o, "1980-01-03T", NULL));
		CHECK(date_is(o, "1980-01-03 13:00 PM", NULL));
		CHECK(date_is(o, "1980010", NULL));
		CHECK(date_is(o, "198001031", NULL));
		CHECK(date_is(o, "19801301", NULL));
		CHECK(date_is(o, "19800103T1020", NULL));
		CHECK(date_is(o, "03/01/80", NULL));	/* two-digit year */
		CHECK(date_is(o, "3-1-80", NULL));
		CHECK(date_is(o, "", NULL));
		CHECK(date_is(o, "  ", NULL));
		CHECK(date_is(o, "unknown", NULL));
		CHECK(date_is(o, "-1980-01-03", NULL));
		CHECK(date_is(o, "\xef\xbc\x91\xef\xbc\x99\xef\xbc\x98\xef\xbc"
		    "\x90-01-03", NULL));		/* full-width digits */
	}
	/* Year last: the order decides. */
	CHECK(date_is(RNORM_DATE_DMY, "03/01/1980", "1980-01-03"));
	CHECK(date_is(RNORM_DATE_MDY, "03/01/1980", "1980-03-01"));
	CHECK(date_is(RNORM_DATE_DMY, "3.1.1980", "1980-01-03"));
	CHECK(date_is(RNORM_DATE_DMY, "3-1-1980", "1980-01-03"));
	CHECK(date_is(RNORM_DATE_MDY, "12-31-1998", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_DMY, "31/12/1998", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_DMY, "31/12/1998 23:59:59", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_MDY, "1/3/1980 12:00:00 AM", "1980-01-03"));
	CHECK(date_is(RNORM_DATE_MDY, "1/3/1980 9:05pm", "1980-01-03"));
	CHECK(date_is(RNORM_DATE_DMY, "29/02/1900", NULL));
	CHECK(date_is(RNORM_DATE_DMY, "29/02/2000", "2000-02-29"));
	/* The order is obeyed: an impossible date is not swapped. */
	CHECK(date_is(RNORM_DATE_DMY, "12/31/1998", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_MDY, "31/12/1998", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_DMY, "31/31/1998", NULL));
	CHECK(date_is(RNORM_DATE_DMY, "03/01-1980", NULL));
	CHECK(date_is(RNORM_DATE_DMY, "003/01/1980", NULL));
	CHECK(date_is(RNORM_DATE_DMY, "03/01/1980T10:00", NULL));
	/* ISO reads a year-last date only when one reading is a date. */
	CHECK(date_is(RNORM_DATE_ISO, "13/1/1980", "1980-01-13"));
	CHECK(date_is(RNORM_DATE_ISO, "1/13/1980", "1980-01-13"));
	CHECK(date_is(RNORM_DATE_ISO, "31.12.1998", "1998-12-31"));
	CHECK(date_is(RNORM_DATE_ISO, "05/05/1980", "1980-05-05"));
	CHECK(date_is(RNORM_DATE_ISO, "3/1/1980", NULL));
	CHECK(date_is(RNORM_DATE_ISO, "12/11/1980", NULL));
	CHECK(date_is(RNORM_DATE_ISO, "13/13/1980", NULL));
	CHECK(date_is(RNORM_DATE_ISO, "30/2/1980", NULL));
	/* Appends; ill-formed UTF-8 fails and leaves out alone. */
	buf_adds(&b, "k=");
	CHECK(rnorm_date("1980-01-03", 10, RNORM_DATE_ISO, &b, &err) == 0);
	CHECK(strcmp(b.data, "k=1980-01-03") == 0);
	CHECK(rnorm_date("no", 2, RNORM_DATE_ISO, &b, &err) == 1);
	CHECK(rnorm_date("1980-01-03\xff", 11, RNORM_DATE_ISO, &b,
	    &err) == -1);
	CHECK(strstr(err.data, "UTF-8") != NULL);
	CHECK(strcmp(b.data, "k=1980-01-03") == 0);
	/* Only n bytes are read. */
	CHECK(rnorm_date("1980-01-031", 10, RNORM_DATE_ISO, &b, &err) == 0);
	CHECK(strcmp(b.data, "k=1980-01-031980-01-03") == 0);
	buf_release(&b);
	buf_release(&err);
}

int
main(void)
{
	test_text();
	test_org();
	test_digits();
	test_email();
	test_url();
	test_syn();
	test_date();
	return unit_done("rnorm");
}
