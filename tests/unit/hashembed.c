/* hashembed.c -- properties of the built-in hash embedder */
/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/embed/hashembed.h"
#include "unit.h"

#define DIMS	64

static int
same(const float *a, const float *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

/*
 * Texts whose words are prefixes of one another, of every length around
 * the eight bytes where the short hash ends, ASCII and not.
 */
static const char *const texts[] = {
	"getmaxy", "getmaxyx", "getbegy getbegyx", "getparyx getpary",
	"abcdefg abcdefgx abcdefgh", "x xx xxx xxxx xxxxx xxxxxx xxxxxxx",
	"xxxxxxxx xxxxxxxxx", "\xc3\xa9\xc3\xa9\xc3\xa9x \xc3\xa9\xc3\xa9\xc3\xa9",
	"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x", "stdio stdiox stdioxx stdioxxx",
	"subindex subinde index", "The quick brown fox jumps over the lazy dog",
	"mvwgetnstr mvwgetnst mvwgetn", "getmaxyx(win, y, x) getmaxy(win)",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/*
 * Every text embedded with one scratch, in the order perm gives, must
 * give what it gives alone: the scratch remembers, it never decides.
 */
static int
order_free_perm(struct hashembed_scratch *s, const size_t *perm,
    float alone[][DIMS])
{
	float v[DIMS];
	size_t i, k;
	int ok = 1;

	for (i = 0; i < NTEXTS; i++) {
		k = perm[i];
		hashembed_run(s, texts[k], strlen(texts[k]), v, DIMS);
		ok &= same(v, alone[k], DIMS);
	}
	return ok;
}

static void
order_free(struct hashembed_scratch *s)
{
	struct hashembed_scratch *fresh;
	float alone[NTEXTS][DIMS];
	size_t perm[NTEXTS], i, j, t, round;
	unsigned long x = 12345;

	for (i = 0; i < NTEXTS; i++) {
		fresh = hashembed_scratch_new();
		hashembed_run(fresh, texts[i], strlen(texts[i]), alone[i],
		    DIMS);
		hashembed_scratch_free(fresh);
		perm[i] = i;
	}
	/* In order, reversed, then shuffled (a fixed LCG). */
	CHECK(order_free_perm(s, perm, alone));
	for (i = 0; i < NTEXTS; i++)
		perm[i] = NTEXTS - 1 - i;
	CHECK(order_free_perm(s, perm, alone));
	for (round = 0; round < 50; round++) {
		for (i = NTEXTS - 1; i > 0; i--) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			j = (size_t)(x >> 33) % (i + 1);
			t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		fresh = hashembed_scratch_new();
		CHECK(order_free_perm(fresh, perm, alone));
		hashembed_scratch_free(fresh);
		CHECK(order_free_perm(s, perm, alone));
	}
}

int
main(void)
{
	struct hashembed_scratch *s, *fresh;
	float a[DIMS], b[DIMS], big[384], big2[384];
	char t[256], u[256];
	const char *ws = "alpha beta gamma delta epsilon zeta eta theta "
	    "iota kappa lambda mu nu xi omicron pi rho sigma tau";
	size_t i, k, n;
	int c;

	s = hashembed_scratch_new();

	/*
	 * Every ASCII byte: a separator gives the same features as a space,
	 * a letter or a digit joins two words.  The texts are 48 bytes (all
	 * in the sixteen-byte word scan) and 15 (all in its byte-by-byte
	 * tail).
	 */
	for (c = 1; c < 128; c++)
		for (n = 48; n > 0; n = n == 48 ? 15 : 0) {
			for (i = 0; i < n; i++)
				t[i] = i % 3 == 2 ? (char)c : "wxyz"[i % 4];
			memcpy(u, t, n);
			for (i = 0; i < n; i++)
				if (u[i] == (char)c)
					u[i] = ' ';
			hashembed_run(s, t, n, a, DIMS);
			hashembed_run(s, u, n, b, DIMS);
			CHECK(same(a, b, DIMS) == !isalnum(c));
		}

	/* Upper case is lowered: on ASCII, and through case folding. */
	hashembed_run(s, "Hello World", 11, a, DIMS);
	hashembed_run(s, "hello world", 11, b, DIMS);
	CHECK(same(a, b, DIMS));
	hashembed_run(s, "\xc3\x89t\xc3\xa9 HELLO", 11, a, DIMS);
	hashembed_run(s, "\xc3\xa9t\xc3\xa9 hello", 11, b, DIMS);
	CHECK(same(a, b, DIMS));

	/*
	 * What the scratch remembers never changes a vector: the same text
	 * after others, and at other sizes, gives what a new scratch gives.
	 */
	fresh = hashembed_scratch_new();
	hashembed_run(fresh, ws, strlen(ws), big, 384);
	hashembed_scratch_free(fresh);
	for (k = 0; k < 3; k++) {
		hashembed_run(s, ws + k, strlen(ws) - k, a, DIMS);
		hashembed_run(s, ws, strlen(ws), big2, 384);
		CHECK(same(big, big2, 384));
	}
	fresh = hashembed_scratch_new();
	hashembed_run(fresh, ws, strlen(ws), a, DIMS);
	hashembed_run(s, ws, strlen(ws), b, DIMS);
	CHECK(same(a, b, DIMS));
	hashembed_scratch_free(fresh);

	/*
	 * A word of eight bytes and its first seven: "getmaxyx" after
	 * "getmaxy" got the vector of "getmaxy", because the two hashed
	 * alike and the grams remembered for one served the other.
	 */
	fresh = hashembed_scratch_new();
	hashembed_run(fresh, "getmaxyx", 8, a, DIMS);
	hashembed_scratch_free(fresh);
	hashembed_run(s, "getmaxy", 7, b, DIMS);
	CHECK(!same(a, b, DIMS));
	hashembed_run(s, "getmaxyx", 8, b, DIMS);
	CHECK(same(a, b, DIMS));
	order_free(s);

	/* No word: the zero vector, and no features. */
	CHECK(hashembed_run(s, " ,;- ", 5, a, DIMS) == 0);
	for (i = 0; i < DIMS; i++)
		CHECK(a[i] == 0);

	hashembed_scratch_free(s);
	return unit_done("hashembed");
}
