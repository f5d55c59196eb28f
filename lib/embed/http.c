/* http.c -- OpenAI-compatible /v1/embeddings client over libcurl multi */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "lib/base/base64.h"
#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/embed/http.h"
#include "lib/json/record.h"
#include "lib/json/jsonscan.h"
#include "lib/text/text.h"
#include "lib/embed/vec.h"
#include "lib/base/xmem.h"

#define BACKOFF_MS	500		/* first retry delay */
#define BACKOFF_MAX_MS	30000		/* longest backoff delay */
#define RETRY_AFTER_MAX	600000		/* longest Retry-After we honour */
#define MAX_RESPONSE	((size_t)1 << 30) /* larger answers are refused */

struct http_client {
	CURLM		*multi;		/* the multi handle; owned */
	struct curl_slist *headers;	/* request headers; owned */
	char		*url;		/* full endpoint URL; owned */
	struct http_params p;		/* the parameters (strings borrowed) */
	struct http_job	*active;	/* in flight or waiting to retry */
	struct http_job	*done;		/* finished, not yet returned */
	size_t		 outstanding;	/* submitted, not yet returned */
	size_t		 dims;		/* vector size seen so far, or 0 */
	unsigned long	 requests;	/* requests made */
	unsigned	 seed;		/* jitter state */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct http_client *
http_new(const struct http_params *p)
{
	struct http_client *c;
	struct buf b = BUF_INIT;
	size_t n;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		diag_fail(ETV_SYS, "cannot initialise libcurl");
	c = xcalloc(1, sizeof(*c));
	c->p = *p;
	if ((c->multi = curl_multi_init()) == NULL)
		diag_fail(ETV_SYS, "cannot initialise libcurl");
	n = strlen(p->url);
	while (n && p->url[n - 1] == '/')
		n--;
	buf_add(&b, p->url, n);
	if (n < 11 || memcmp(p->url + n - 11, "/embeddings", 11) != 0)
		buf_adds(&b, "/embeddings");
	c->url = buf_detach(&b, NULL);
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	c->headers = curl_slist_append(c->headers, "Accept: application/json");
	c->headers = curl_slist_append(c->headers, "Expect:");
	if (p->key && *p->key) {
		buf_printf(&b, "Authorization: Bearer %s", p->key);
		c->headers = curl_slist_append(c->headers, b.data);
		/* Do not leave the key lying around in freed memory. */
		memset(b.data, 0, b.len);
		buf_release(&b);
	}
	if (c->headers == NULL)
		diag_fail(ETV_SYS, "out of memory");
	c->seed = (unsigned)getpid() ^ (unsigned)now_ms();
	return c;
}

void
http_free(struct http_client *c)
{
	struct http_job *j;

	if (c == NULL)
		return;
	for (j = c->active; j; j = j->next)
		if (j->easy) {
			curl_multi_remove_handle(c->multi, j->easy);
			curl_easy_cleanup(j->easy);
			j->easy = NULL;
		}
	curl_multi_cleanup(c->multi);
	curl_slist_free_all(c->headers);
	free(c->url);
	free(c);
	curl_global_cleanup();
}

void
http_job_init(struct http_job *j)
{
	memset(j, 0, sizeof(*j));
	buf_init(&j->body);
	buf_init(&j->resp);
}

void
http_job_release(struct http_job *j)
{
	buf_release(&j->body);
	buf_release(&j->resp);
	free(j->vecs);
	j->vecs = NULL;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	/* Returning less than given makes curl fail the transfer. */
	if (b->len + size * n > MAX_RESPONSE)
		return 0;
	buf_add(b, p, size * n);
	return size * n;
}

/* Catch Retry-After (seconds or an HTTP date) and retry-after-ms. */
static size_t
header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_job *j = arg;
	size_t len = size * n, off, k;
	char val[128];
	time_t t;
	long v;
	int ms;

	if (len > 15 && strncasecmp(p, "retry-after-ms:", 15) == 0)
		ms = 1, off = 15;
	else if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0)
		ms = 0, off = 12;
	else
		return len;
	for (k = 0; off < len && k < sizeof(val) - 1; off++)
		if (p[off] != '\r' && p[off] != '\n')
			val[k++] = p[off];
	val[k] = '\0';
	if (ms) {
		if ((v = strtol(val, NULL, 10)) >= 0)
			j->retry_after = v > RETRY_AFTER_MAX ? RETRY_AFTER_MAX :
			    v;
	} else if (strspn(val, " 0123456789") == strlen(val)) {
		v = strtol(val, NULL, 10);
		j->retry_after = v > RETRY_AFTER_MAX / 1000 ? RETRY_AFTER_MAX :
		    v * 1000;
	} else if ((t = curl_getdate(val, NULL)) != -1) {
		v = (long)(t - time(NULL));
		j->retry_after = v <= 0 ? 0 : v > RETRY_AFTER_MAX / 1000 ?
		    RETRY_AFTER_MAX : v * 1000;
	}
	return len;
}

/*
 * Append s[0..n) to b as a JSON string (rec_quote).  Returns 0 when s is
 * not valid UTF-8.
 */
static int
add_string(struct buf *b, const char *s, size_t n)
{
	if (utf8_invalid(s, n) >= 0)
		return 0;
	rec_quote(b, s, n);
	return 1;
}

/* The request body, written directly; 0 when a text is not UTF-8. */
static int
build_body_fast(const struct http_client *c, struct http_job *j)
{
	size_t i;

	buf_reset(&j->body);
	buf_adds(&j->body, "{\"model\":");
	if (!add_string(&j->body, c->p.model, strlen(c->p.model)))
		return 0;
	buf_adds(&j->body, ",\"input\":[");
	for (i = 0; i < j->n; i++) {
		if (i)
			buf_addc(&j->body, ',');
		if (!add_string(&j->body, j->texts[i], j->lens[i]))
			return 0;
	}
	buf_adds(&j->body, "],\"encoding_format\":\"base64\"");
	if (c->p.dimensions)
		buf_printf(&j->body, ",\"dimensions\":%zu", c->p.dimensions);
	buf_addc(&j->body, '}');
	return 1;
}

static void
build_body(const struct http_client *c, struct http_job *j)
{
	json_t *o, *in;
	size_t i;
	char *s;

	if (build_body_fast(c, j))
		return;
	o = json_object();
	in = json_array();
	for (i = 0; i < j->n; i++)
		json_array_append_new(in, json_stringn(j->texts[i],
		    j->lens[i]));
	json_object_set_new(o, "model", json_string(c->p.model));
	json_object_set_new(o, "input", in);
	json_object_set_new(o, "encoding_format", json_string("base64"));
	if (c->p.dimensions)
		json_object_set_new(o, "dimensions",
		    json_integer((json_int_t)c->p.dimensions));
	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		diag_fail(ETV_SYS, "cannot encode a request");
	json_decref(o);
	buf_reset(&j->body);
	buf_adds(&j->body, s);
	free(s);
}

static void
start(struct http_client *c, struct http_job *j)
{
	CURL *e;

	if ((e = curl_easy_init()) == NULL)
		diag_fail(ETV_SYS, "cannot create a curl handle");
	buf_reset(&j->resp);
	j->retry_after = -1;
	j->retry_at = 0;
	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body.data);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)j->body.len);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &j->resp);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->p.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    c->p.timeout_ms < 10000 ? c->p.timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "etv-embed");
	j->easy = e;
	j->attempts++;
	c->requests++;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		diag_fail(ETV_SYS, "cannot start a request");
}

void
http_submit(struct http_client *c, struct http_job *j)
{
	j->ok = 0;
	j->why[0] = '\0';
	j->attempts = 0;
	j->dims = 0;
	free(j->vecs);
	j->vecs = NULL;
	build_body(c, j);
	j->next = c->active;
	c->active = j;
	c->outstanding++;
	start(c, j);
}

/* One item of a response, as parse_fast() finds it. */
struct fastitem {
	long		 index;		/* its "index", or -1 when absent */
	const char	*b64;		/* its base64 "embedding" */
	size_t		 len;		/* the length of that */
};

/* Skip white space. */
static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * A member name at p (its opening quote), without escapes.  Returns the
 * address after the ':' that follows it, or NULL.
 */
static const char *
member_name(const char *p, const char *end, const char **name, size_t *n)
{
	const char *q;
	int esc;

	if (p >= end || *p != '"' ||
	    (q = jsonscan_string(p + 1, end, &esc)) == NULL || esc)
		return NULL;
	*name = p + 1;
	*n = (size_t)(q - p - 1);
	p = ws(q + 1, end);
	if (p >= end || *p != ':')
		return NULL;
	return ws(p + 1, end);
}

#define NAME_IS(s, n, lit)	((n) == sizeof(lit) - 1 && \
	memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* One element of "data" at p into it.  Returns the address after it. */
static const char *
data_item(const char *p, const char *end, struct fastitem *it)
{
	const char *name, *q;
	size_t n;
	int esc;

	it->index = -1;
	it->b64 = NULL;
	if (p >= end || *p++ != '{')
		return NULL;
	p = ws(p, end);
	if (p < end && *p == '}')
		return NULL;
	for (;;) {
		if ((p = member_name(p, end, &name, &n)) == NULL)
			return NULL;
		if (NAME_IS(name, n, "index")) {
			if (it->index >= 0 || p >= end || *p < '0' ||
			    *p > '9' || (*p == '0' && p + 1 < end &&
			    p[1] >= '0' && p[1] <= '9'))
				return NULL;
			for (it->index = 0; p < end && *p >= '0' && *p <= '9';
			    p++) {
				if (it->index > 100000000)
					return NULL;
				it->index = it->index * 10 + (*p - '0');
			}
			if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
				return NULL;
		} else if (NAME_IS(name, n, "embedding")) {
			if (it->b64 != NULL || p >= end || *p != '"' ||
			    (q = jsonscan_string(p + 1, end, &esc)) == NULL ||
			    esc)
				return NULL;
			it->b64 = p + 1;
			it->len = (size_t)(q - p - 1);
			p = q + 1;
		} else if ((p = jsonscan_value(p, end, 16)) == NULL)
			return NULL;
		p = ws(p, end);
		if (p < end && *p == '}')
			return it->b64 ? p + 1 : NULL;
		if (p >= end || *p++ != ',')
			return NULL;
		p = ws(p, end);
	}
}

/*
 * The common response read without a parse tree: an object whose "data"
 * holds objects with an integer "index" and a base64 "embedding".  Takes
 * the vectors and returns 1 only when such a response is valid by the
 * rules of parse_response(); returns 0 for any other, leaving the
 * verdict (and its message) to parse_response().
 */
static int
parse_fast(struct http_client *c, struct http_job *j)
{
	const char *p = j->resp.data, *end, *name;
	struct fastitem *it;
	unsigned char *seen = NULL, *raw = NULL;
	size_t n = 0, nl, i, k, dims = 0;
	long len;
	float *v;
	int have_data = 0, ok = 0;

	if (p == NULL)
		return 0;
	end = p + j->resp.len;
	it = xcalloc(j->n + 1, sizeof(*it));
	p = ws(p, end);
	if (p >= end || *p++ != '{')
		goto out;
	p = ws(p, end);
	for (;;) {
		if ((p = member_name(p, end, &name, &nl)) == NULL)
			goto out;
		if (NAME_IS(name, nl, "data")) {
			if (have_data++ || p >= end || *p++ != '[')
				goto out;
			p = ws(p, end);
			if (p < end && *p == ']')
				p++;
			else
				for (;;) {
					if (n == j->n || (p = data_item(p, end,
					    &it[n++])) == NULL)
						goto out;
					p = ws(p, end);
					if (p < end && *p == ']') {
						p++;
						break;
					}
					if (p >= end || *p++ != ',')
						goto out;
					p = ws(p, end);
				}
		} else if ((p = jsonscan_value(p, end, 16)) == NULL)
			goto out;
		p = ws(p, end);
		if (p < end && *p == '}')
			break;
		if (p >= end || *p++ != ',')
			goto out;
		p = ws(p, end);
	}
	if (ws(p + 1, end) != end || !have_data || n != j->n)
		goto out;
	seen = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++) {
		k = it[i].index < 0 ? i : (size_t)it[i].index;
		if (k >= n || seen[k])
			goto out;
		seen[k] = 1;
		raw = xreallocarray(raw, it[i].len / 4 * 3 + 3, 1);
		len = base64_decode(it[i].b64, it[i].len, raw);
		if (len <= 0 || len % 4 != 0)
			goto out;
		if (dims == 0) {
			dims = (size_t)len / 4;
			if ((c->p.dimensions && dims != c->p.dimensions) ||
			    (c->dims && dims != c->dims))
				goto out;
			j->vecs = xreallocarray(NULL, n * dims, sizeof(float));
		} else if ((size_t)len / 4 != dims)
			goto out;
		v = j->vecs + k * dims;
		vec_from_le(raw, dims, v);
		for (nl = 0; nl < dims; nl++) {
			if (!isfinite(v[nl]))
				goto out;
		}
	}
	j->dims = dims;
	c->dims = dims;
	ok = 1;
out:
	if (!ok) {
		free(j->vecs);
		j->vecs = NULL;
		j->dims = 0;
	}
	free(it);
	free(seen);
	free(raw);
	return ok;
}

/*
 * Check a 200 response and take its vectors.  Returns NULL, or the
 * reason it is not acceptable.
 */
static const char *
parse_response(struct http_client *c, struct http_job *j, char *why,
    size_t whylen)
{
	json_t *doc, *data, *item, *idx;
	struct buf verr = BUF_INIT;
	unsigned char *seen;
	json_error_t jerr;
	float *v = NULL;
	long d;
	size_t i, k;

	if (parse_fast(c, j))
		return NULL;
	doc = json_loadb(j->resp.data, j->resp.len, 0,
	    &jerr);
	if (doc == NULL) {
		snprintf(why, whylen, "response is not JSON: %s", jerr.text);
		return why;
	}
	data = json_object_get(doc, "data");
	if (!json_is_array(data)) {
		json_decref(doc);
		return "response has no 'data' array";
	}
	if (json_array_size(data) != j->n) {
		snprintf(why, whylen, "response has %zu embeddings for %zu "
		    "inputs", json_array_size(data), j->n);
		json_decref(doc);
		return why;
	}
	seen = xcalloc(j->n, 1);
	j->dims = 0;
	json_array_foreach(data, i, item) {
		idx = json_object_get(item, "index");
		k = json_is_integer(idx) ? (size_t)json_integer_value(idx) : i;
		if ((idx && !json_is_integer(idx)) ||
		    (json_is_integer(idx) && json_integer_value(idx) < 0) ||
		    k >= j->n || seen[k]) {
			snprintf(why, whylen, "response has a bad or repeated "
			    "index at position %zu", i);
			goto bad;
		}
		seen[k] = 1;
		d = vec_from_json(json_object_get(item, "embedding"), &v,
		    &verr);
		if (d < 0) {
			snprintf(why, whylen, "response item %zu: %s", i,
			    verr.data);
			goto bad;
		}
		if (j->dims == 0) {
			j->dims = (size_t)d;
			if ((c->p.dimensions && j->dims != c->p.dimensions) ||
			    (c->dims && j->dims != c->dims)) {
				snprintf(why, whylen, "response vectors have "
				    "%zu dimensions, expected %zu", j->dims,
				    c->p.dimensions ? c->p.dimensions :
				    c->dims);
				goto bad;
			}
			j->vecs = xreallocarray(NULL, j->n * j->dims,
			    sizeof(float));
		} else if ((size_t)d != j->dims) {
			snprintf(why, whylen, "response vectors differ in "
			    "size (%zu and %ld)", j->dims, d);
			goto bad;
		}
		memcpy(j->vecs + k * j->dims, v, j->dims * sizeof(float));
		free(v);
		v = NULL;
	}
	free(seen);
	json_decref(doc);
	c->dims = j->dims;
	return NULL;
bad:
	buf_release(&verr);
	free(v);
	free(seen);
	free(j->vecs);
	j->vecs = NULL;
	json_decref(doc);
	return why;
}

/* A character of a bearer token (RFC 6750's b64token, and ':'). */
static int
token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("-._~+/=:", ch) != NULL);
}

/* Does the query parameter name p[0..n) look like a credential? */
static int
secret_param(const char *p, size_t n)
{
	static const char *const words[] = { "key", "token", "secret",
	    "password", "passwd", "sig", "auth", "credential" };
	size_t i, k, wl;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wl = strlen(words[i]);
		for (k = 0; k + wl <= n; k++)
			if (strncasecmp(p + k, words[i], wl) == 0)
				return 1;
	}
	return 0;
}

char *
http_url_redact(const char *url)
{
	struct buf b = BUF_INIT;
	const char *p, *auth, *end, *at, *q, *frag, *eq, *amp;

	/* The authority: after "scheme://", up to the first '/', '?', '#'. */
	auth = (p = strstr(url, "://")) != NULL ? p + 3 : url;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	buf_add(&b, url, (size_t)(auth - url));
	if (at != NULL)
		buf_adds(&b, "***@");
	p = at != NULL ? at + 1 : auth;
	frag = end + strcspn(end, "#");
	if ((q = memchr(end, '?', (size_t)(frag - end))) == NULL) {
		buf_adds(&b, p);
		return buf_detach(&b, NULL);
	}
	buf_add(&b, p, (size_t)(q + 1 - p));
	/* Parameters whose name says key, token, password ... masked. */
	for (p = q + 1; p < frag; p = amp + 1) {
		amp = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL && secret_param(p, (size_t)(eq - p))) {
			buf_add(&b, p, (size_t)(eq + 1 - p));
			buf_adds(&b, "***");
		} else
			buf_add(&b, p, (size_t)(amp - p));
		if (*amp != '&')
			break;
		buf_addc(&b, '&');
	}
	buf_adds(&b, frag);
	return buf_detach(&b, NULL);
}

/*
 * Mask credentials in p[0..n) with '*': every copy of key, and the token
 * after any "Bearer ", so that an error body that echoes the request's
 * Authorization header never shows the key.
 */
static void
mask_secrets(char *p, size_t n, const char *key)
{
	size_t i, j, kl = key ? strlen(key) : 0;

	for (i = 0; i < n; i++) {
		if (kl && n - i >= kl && memcmp(p + i, key, kl) == 0) {
			memset(p + i, '*', kl);
			i += kl - 1;
			continue;
		}
		if (n - i > 7 && strncasecmp(p + i, "bearer ", 7) == 0) {
			for (j = i + 7; j < n && token_char(p[j]); j++)
				p[j] = '*';
			i = j - 1;
		}
	}
}

/* A short, printable excerpt of an error body for messages. */
static void
excerpt(const struct buf *b, char *out, size_t n)
{
	size_t i, k = 0;

	for (i = 0; b->data && i < b->len && k + 1 < n && k < 120; i++)
		out[k++] = (b->data[i] >= 0x20 && b->data[i] < 0x7f) ?
		    b->data[i] : ' ';
	out[k] = '\0';
}

/* Handle a finished transfer: done, retry later, or failed. */
static void
finish(struct http_client *c, struct http_job *j, CURLcode res)
{
	char why[200], body[128];
	const char *bad = NULL;
	long status = 0, delay;
	int retry = 0, i;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(c->multi, j->easy);
	curl_easy_cleanup(j->easy);
	j->easy = NULL;
	if (res != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", curl_easy_strerror(res));
		bad = why;
		retry = 1;
	} else if (status != 200) {
		/* The whole body, before it is cut: no piece of a key. */
		if (j->resp.data)
			mask_secrets(j->resp.data, j->resp.len, c->p.key);
		excerpt(&j->resp, body, sizeof(body));
		snprintf(why, sizeof(why), "HTTP %ld%s%s", status,
		    *body ? ": " : "", body);
		bad = why;
		retry = status == 408 || status == 409 || status == 429 ||
		    status >= 500;
	} else if ((bad = parse_response(c, j, why, sizeof(why))) != NULL)
		retry = 1;
	if (bad == NULL) {
		j->ok = 1;
		goto done;
	}
	if (retry && j->attempts <= c->p.retries) {
		if (j->retry_after >= 0)
			delay = j->retry_after;
		else {
			delay = BACKOFF_MS;
			for (i = 1; i < j->attempts &&
			    delay < BACKOFF_MAX_MS; i++)
				delay *= 2;
			if (delay > BACKOFF_MAX_MS)
				delay = BACKOFF_MAX_MS;
			/* Jitter: somewhere in [delay/2, delay]. */
			delay = delay / 2 + rand_r(&c->seed) % (delay / 2 + 1);
		}
		j->retry_at = now_ms() + delay;
		if (j->retry_at == 0)
			j->retry_at = 1;
		diag_verbose(2, "request failed (%s), retrying in %ld ms",
		    bad, delay);
		return;
	}
	snprintf(j->why, sizeof(j->why), "%s (after %d attempt%s)", bad,
	    j->attempts, j->attempts == 1 ? "" : "s");
done:
	/* Move from the active list to the done list. */
	{
		struct http_job **pp;

		for (pp = &c->active; *pp && *pp != j; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = j->next;
		j->next = c->done;
		c->done = j;
	}
}

struct http_job *
http_wait(struct http_client *c)
{
	struct http_job *j;
	long long now, next;
	CURLMsg *msg;
	int running, left;
	long timeout;

	for (;;) {
		if ((j = c->done) != NULL) {
			c->done = j->next;
			j->next = NULL;
			c->outstanding--;
			return j;
		}
		if (c->active == NULL)
			return NULL;
		now = now_ms();
		next = 0;
		for (j = c->active; j; j = j->next)
			if (j->easy == NULL && j->retry_at) {
				if (j->retry_at <= now)
					start(c, j);
				else if (next == 0 || j->retry_at < next)
					next = j->retry_at;
			}
		if (curl_multi_perform(c->multi, &running) != CURLM_OK)
			diag_fail(ETV_SYS, "libcurl failed");
		while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&j);
			finish(c, j, msg->data.result);
		}
		if (c->done)
			continue;
		now = now_ms();
		next = 0;
		for (j = c->active; j; j = j->next)
			if (j->easy == NULL && j->retry_at &&
			    (next == 0 || j->retry_at < next))
				next = j->retry_at;
		timeout = 1000;
		if (next && next - now < timeout)
			timeout = next - now < 0 ? 0 : (long)(next - now);
		curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL);
	}
}

unsigned long
http_requests(const struct http_client *c)
{
	return c->requests;
}
