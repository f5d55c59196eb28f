/* jsregex.c -- ECMA-262 regular expressions for JSON Schema, on pcre2 */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lib/base/buf.h"
#include "lib/validate/jsregex.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

struct jsre {
	pcre2_code	*code;		/* compiled pattern; owned */
	int		 jit;		/* JIT-compiled */
};

/* ECMA-262 WhiteSpace and LineTerminator, as the inside of a class. */
#define ECMA_WS "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}" \
	"\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"

/* The pcre2 match limit; the depth limit is a hundredth of it. */
static const unsigned long limit = 1000000;
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static pcre2_match_context *mctx;
static pthread_mutex_t mctx_lock = PTHREAD_MUTEX_INITIALIZER;

static void
md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void
md_init(void)
{
	if (pthread_key_create(&md_key, md_free) != 0)
		abort();
}

/*
 * ECMA-262 names Unicode properties as PCRE2 does, except for the long
 * General_Category values and the "name=value" forms.
 */
static void
property(struct buf *out, const char *p, size_t n)
{
	static const char *const gc[][2] = {
		{ "Letter", "L" }, { "Cased_Letter", "L&" },
		{ "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
		{ "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" },
		{ "Other_Letter", "Lo" }, { "Mark", "M" },
		{ "Combining_Mark", "M" }, { "Nonspacing_Mark", "Mn" },
		{ "Spacing_Mark", "Mc" }, { "Enclosing_Mark", "Me" },
		{ "Number", "N" }, { "Decimal_Number", "Nd" },
		{ "digit", "Nd" }, { "Letter_Number", "Nl" },
		{ "Other_Number", "No" }, { "Punctuation", "P" },
		{ "punct", "P" }, { "Connector_Punctuation", "Pc" },
		{ "Dash_Punctuation", "Pd" }, { "Open_Punctuation", "Ps" },
		{ "Close_Punctuation", "Pe" }, { "Initial_Punctuation", "Pi" },
		{ "Final_Punctuation", "Pf" }, { "Other_Punctuation", "Po" },
		{ "Symbol", "S" }, { "Math_Symbol", "Sm" },
		{ "Currency_Symbol", "Sc" }, { "Modifier_Symbol", "Sk" },
		{ "Other_Symbol", "So" }, { "Separator", "Z" },
		{ "Space_Separator", "Zs" }, { "Line_Separator", "Zl" },
		{ "Paragraph_Separator", "Zp" }, { "Other", "C" },
		{ "Control", "Cc" }, { "cntrl", "Cc" }, { "Format", "Cf" },
		{ "Surrogate", "Cs" }, { "Private_Use", "Co" },
		{ "Unassigned", "Cn" },
	};
	const char *eq = memchr(p, '=', n);
	size_t i, kl;

	if (eq != NULL) {
		kl = eq - p;
		if ((kl == 6 && memcmp(p, "Script", 6) == 0) ||
		    (kl == 2 && memcmp(p, "sc", 2) == 0)) {
			buf_adds(out, "sc:");
		} else if ((kl == 17 && memcmp(p, "Script_Extensions",
		    17) == 0) || (kl == 3 && memcmp(p, "scx", 3) == 0)) {
			buf_adds(out, "scx:");
		}
		n -= kl + 1;
		p = eq + 1;
	}
	for (i = 0; i < sizeof(gc) / sizeof(gc[0]); i++)
		if (strlen(gc[i][0]) == n && memcmp(gc[i][0], p, n) == 0) {
			buf_adds(out, gc[i][1]);
			return;
		}
	buf_add(out, p, n);
}

/*
 * Translate an ECMA-262 pattern into PCRE2 syntax.  Returns 0, or -1 with
 * a reason in err for constructs that cannot be expressed.
 */
static int
translate(const char *p, size_t n, struct buf *out, struct buf *err)
{
	size_t i = 0;
	int inclass = 0;
	long cp, lo;
	char tmp[32];

	while (i < n) {
		unsigned char c = p[i];

		if (c == '\\') {
			if (i + 1 >= n) {
				buf_fail(err, "pattern ends with '\\'");
				return -1;
			}
			c = p[i + 1];
			if (c == 's' || c == 'S') {
				if (inclass && c == 's')
					buf_adds(out, ECMA_WS);
				else if (inclass)
					buf_adds(out, "\\S");
				else
					buf_adds(out, c == 's' ?
					    "[" ECMA_WS "]" :
					    "[^" ECMA_WS "]");
				i += 2;
				continue;
			}
			if (c == 'u' && i + 2 < n && p[i + 2] == '{') {
				size_t j = i + 3;

				while (j < n &&
				    text_hexval((unsigned char)p[j]) >= 0)
					j++;
				if (j >= n || p[j] != '}' || j == i + 3) {
					buf_fail(err,
					    "bad \\u{...} escape");
					return -1;
				}
				buf_adds(out, "\\x{");
				buf_add(out, p + i + 3, j - (i + 3));
				buf_addc(out, '}');
				i = j + 1;
				continue;
			}
			if (c == 'u' &&
			    (cp = text_hex4(p + i + 2, n - i - 2)) >= 0) {
				i += 6;
				if (cp >= 0xd800 && cp <= 0xdbff &&
				    i + 1 < n && p[i] == '\\' &&
				    p[i + 1] == 'u' &&
				    (lo = text_hex4(p + i + 2, n - i - 2)) >=
				    0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 6;
				}
				snprintf(tmp, sizeof(tmp), "\\x{%lx}", cp);
				buf_adds(out, tmp);
				continue;
			}
			if (c == 'c' && i + 2 < n && ((p[i + 2] >= 'a' &&
			    p[i + 2] <= 'z') || (p[i + 2] >= 'A' &&
			    p[i + 2] <= 'Z'))) {
				snprintf(tmp, sizeof(tmp), "\\x{%x}",
				    (unsigned)(p[i + 2] & 0x1f));
				buf_adds(out, tmp);
				i += 3;
				continue;
			}
			if ((c == 'p' || c == 'P') && i + 2 < n &&
			    p[i + 2] == '{') {
				const char *e = memchr(p + i + 3, '}',
				    n - i - 3);

				if (e == NULL) {
					buf_fail(err,
					    "bad \\p{...} escape");
					return -1;
				}
				buf_addc(out, '\\');
				buf_addc(out, c);
				buf_addc(out, '{');
				property(out, p + i + 3, e - (p + i + 3));
				buf_addc(out, '}');
				i = e + 1 - p;
				continue;
			}
			if (c == 'v') {
				buf_adds(out, "\\x{0b}");
				i += 2;
				continue;
			}
			/* Unicode mode: no identity escapes of letters. */
			if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
			    strchr("dDwWbBfnrtcxupPk", c) == NULL) {
				buf_fail(err, "invalid escape '\\%c'",
				    c);
				return -1;
			}
			if (c == '-' || c == '/') {
				buf_addc(out, '\\');
				buf_addc(out, c);
				i += 2;
				continue;
			}
			/* Other escapes mean the same in both. */
			buf_addc(out, '\\');
			i++;
			/* Copy the UTF-8 sequence after the backslash. */
			do {
				buf_addc(out, p[i]);
				i++;
			} while (i < n &&
			    ((unsigned char)p[i] & 0xc0) == 0x80);
			continue;
		}
		if (inclass) {
			if (c == ']')
				inclass = 0;
			if (c == '[') {
				buf_adds(out, "\\[");
				i++;
				continue;
			}
			buf_addc(out, c);
			i++;
			continue;
		}
		if (c == '[') {
			if (i + 1 < n && p[i + 1] == ']') {
				buf_adds(out, "(?!)");
				i += 2;
				continue;
			}
			if (i + 2 < n && p[i + 1] == '^' && p[i + 2] == ']') {
				buf_adds(out, "[\\s\\S]");
				i += 3;
				continue;
			}
			inclass = 1;
			buf_addc(out, '[');
			i++;
			if (i < n && p[i] == '^') {
				buf_addc(out, '^');
				i++;
			}
			continue;
		}
		if (c == '.') {
			buf_adds(out, "[^\\n\\r\\x{2028}\\x{2029}]");
			i++;
			continue;
		}
		/* ECMA groups: (?: (?= (?! (?<= (?<! (?<name>. */
		if (c == '(' && i + 1 < n && p[i + 1] == '?' && (i + 2 >= n ||
		    strchr(":=!<", p[i + 2]) == NULL)) {
			buf_fail(err, "group '(?%c' is not ECMA-262",
			    i + 2 < n ? p[i + 2] : ' ');
			return -1;
		}
		buf_addc(out, c);
		i++;
	}
	return 0;
}

struct jsre *
jsre_compile(const char *p, size_t n, struct buf *err)
{
	struct buf b = BUF_INIT;
	struct jsre *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int code;

	if (memchr(p, '\0', n) != NULL) {
		buf_fail(err, "pattern contains a NUL character");
		return NULL;
	}
	if (translate(p, n, &b, err) != 0) {
		buf_release(&b);
		return NULL;
	}
	buf_addc(&b, '\0');
	re = xcalloc(1, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)b.data, b.len - 1, PCRE2_UTF |
	    PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_UNSET_BACKREF, &code, &off,
	    NULL);
	buf_release(&b);
	if (re->code == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		buf_fail(err, "invalid pattern: %s", (char *)msg);
		free(re);
		return NULL;
	}
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	pthread_once(&md_once, md_init);
	pthread_mutex_lock(&mctx_lock);
	if (mctx == NULL) {
		if ((mctx = pcre2_match_context_create(NULL)) == NULL)
			abort();
		pcre2_set_match_limit(mctx, limit);
		pcre2_set_depth_limit(mctx, limit / 100 + 100);
	}
	pthread_mutex_unlock(&mctx_lock);
	return re;
}

int
jsre_search(const struct jsre *re, const char *s, size_t n)
{
	pcre2_match_data *md;
	int rc;

	if ((md = pthread_getspecific(md_key)) == NULL) {
		if ((md = pcre2_match_data_create(1, NULL)) == NULL)
			return -1;
		if (pthread_setspecific(md_key, md) != 0) {
			pcre2_match_data_free(md);
			return -1;
		}
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
	    md, mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return -1;
}

void
jsre_free(struct jsre *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	free(re);
}
