/* etv-embed -- add an embedding vector to every record */
/* SPDX-License-Identifier: MIT */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/embed/cache.h"
#include "lib/base/diag.h"
#include "lib/embed/embed.h"
#include "lib/embed/http.h"
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/text/text.h"
#include "lib/embed/vec.h"
#include "lib/base/xmem.h"

static const char usage_text[] =
"usage: etv-embed [-hqvV] [-d dims] [-j jobs] [-m model] [option ...] "
    "[file ...]\n"
"\n"
"etv-embed -- add an embedding vector to every record\n"
"\n"
"models (-m, --model):\n"
"  hash                built-in feature hashing: offline, deterministic,\n"
"                      lexical (not semantic) similarity (the default)\n"
"  model2vec:DIR       a local static embedding model (model2vec format)\n"
"  openai:NAME         a model behind an OpenAI-compatible /v1/embeddings\n"
"\n"
"options:\n"
"  -m, --model SPEC    the model (default 'hash')\n"
"  -d, --dims N        vector size of the hash model (default 384)\n"
"  -j, --jobs N        worker threads for local models (0 = all cores;\n"
"                      default 1)\n"
"  --max-tokens N      model2vec: tokens used per text (default 512)\n"
"  --url URL           openai: endpoint base (default\n"
"                      https://api.openai.com/v1); the key is read from\n"
"                      ETV_API_KEY or OPENAI_API_KEY\n"
"  --dimensions N      openai: ask the server for N-dimensional vectors\n"
"  --batch N           openai: texts per request (default 64)\n"
"  --batch-chars N     openai: characters per request (default 100000)\n"
"  --concurrency N     openai: requests in flight (default 4)\n"
"  --timeout SECONDS   openai: time limit of one request (default 60)\n"
"  --retries N         openai: retries of a failed request (default 5)\n"
"  --cache FILE        SQLite cache of vectors by model and text\n"
"  --prefix TEXT       embed TEXT followed by the record's text\n"
"  --vector-format F   'json' (array, default) or 'base64' (float32 LE)\n"
"  --on-empty WHAT     empty text: 'zero' vector with a warning (default)\n"
"                      or 'reject' the record\n"
"  --text-field NAME   field holding the text (default 'text')\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_URL = OPT_TOOL_FIRST,
	OPT_DIMENSIONS,
	OPT_BATCH,
	OPT_BATCH_CHARS,
	OPT_CONCURRENCY,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_CACHE,
	OPT_PREFIX,
	OPT_VECTOR_FORMAT,
	OPT_ON_EMPTY,
	OPT_MAX_TOKENS
};

static const struct option longopts[] = {
	{ "model",	required_argument,	NULL,	'm' },
	{ "dims",	required_argument,	NULL,	'd' },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "max-tokens",	required_argument,	NULL,	OPT_MAX_TOKENS },
	{ "url",	required_argument,	NULL,	OPT_URL },
	{ "dimensions",	required_argument,	NULL,	OPT_DIMENSIONS },
	{ "batch",	required_argument,	NULL,	OPT_BATCH },
	{ "batch-chars", required_argument,	NULL,	OPT_BATCH_CHARS },
	{ "concurrency", required_argument,	NULL,	OPT_CONCURRENCY },
	{ "timeout",	required_argument,	NULL,	OPT_TIMEOUT },
	{ "retries",	required_argument,	NULL,	OPT_RETRIES },
	{ "cache",	required_argument,	NULL,	OPT_CACHE },
	{ "prefix",	required_argument,	NULL,	OPT_PREFIX },
	{ "vector-format", required_argument,	NULL,	OPT_VECTOR_FORMAT },
	{ "on-empty",	required_argument,	NULL,	OPT_ON_EMPTY },
	{ "text-field",	required_argument,	NULL,	OPT_TEXT_FIELD },
	OPT_INPUT_LONGOPTS,
	OPT_COMMON_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

static struct {
	const char	*model;		/* --model spec */
	struct embed_params params;	/* what the backends need */
	int		 jobs;		/* -j */
	size_t		 batch;		/* --batch */
	size_t		 batch_chars;	/* --batch-chars */
	int		 concurrency;	/* --concurrency */
	double		 timeout;	/* --timeout, seconds */
	int		 retries;	/* --retries */
	const char	*cache;		/* --cache file, or NULL */
	const char	*prefix;	/* --prefix, or NULL */
	size_t		 prefix_len;	/* its length */
	int		 base64;	/* --vector-format base64 */
	int		 reject_empty;	/* --on-empty reject */
	int		 dims_given;	/* -d was given */
	int		 max_tokens_given; /* --max-tokens was given */
} cfg = {
	.model = "hash",
	.params = { 384, 0, 512, NULL },
	.jobs = 1,
	.batch = 64,
	.batch_chars = 100000,
	.concurrency = 4,
	.timeout = 60,
	.retries = 5,
};

static struct embed_model *model;	/* the open model */
static struct buf model_json = BUF_INIT; /* its name as a JSON string */

/* Per-thread state of the local backends. */
struct worker {
	struct embed_scratch *scratch;	/* backend memory; owned */
	float		*vec;		/* one vector; owned */
	struct buf	 text;		/* prefix + text; owned */
	struct buf	 esc;		/* unescaped text; owned */
	struct jsonscan	 scan;		/* the record, fast path */
};

static void
set_model_json(void)
{
	json_t *s;

	buf_reset(&model_json);
	if ((s = json_string(model->name)) == NULL)
		diag_fail(ETV_SYS, "model name is not valid UTF-8");
	rec_dump(&model_json, s);
	json_decref(s);
}

/* Is the text empty or only white space? */
static int
blank_text(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\f' && p[i] != '\v')
			return 0;
	return 1;
}

/*
 * Write src[0..n), a JSON object (empty when !members), with "embedding"
 * and "embedding_model" added before its closing brace.
 */
static void
emit_into(struct rec_item *it, const char *src, size_t n, int members,
    const float *v, size_t dims)
{
	struct buf *o = &it->out;

	while (n && (src[n - 1] == ' ' || src[n - 1] == '\t' ||
	    src[n - 1] == '\n' || src[n - 1] == '\r'))
		n--;
	/* The record is an object, so the last byte is '}'. */
	buf_grow(o, n + dims * 14 + model_json.len + 40);
	buf_add(o, src, n - 1);
	if (members)
		buf_addc(o, ',');
	buf_adds(o, "\"embedding\":");
	if (cfg.base64)
		vec_base64_text(o, v, dims);
	else
		vec_json_text(o, v, dims);
	buf_adds(o, ",\"embedding_model\":");
	buf_add(o, model_json.data, model_json.len);
	buf_adds(o, "}\n");
	it->nout++;
}

/*
 * Write the record with "embedding" and "embedding_model" added, splicing
 * them into the original bytes; when the record already has either field
 * it is re-encoded without them first, so they are replaced.  A NULL rec
 * is a record of the fast path (fast_text).
 */
static void
emit(struct rec_item *it, json_t *rec, const float *v, size_t dims)
{
	char *tmp = NULL;
	size_t n;

	if (rec == NULL)
		emit_into(it, it->line, it->len, 1, v, dims);
	else if (json_object_get(rec, "embedding") ||
	    json_object_get(rec, "embedding_model")) {
		json_object_del(rec, "embedding");
		json_object_del(rec, "embedding_model");
		if ((tmp = json_dumps(rec, JSON_COMPACT)) == NULL)
			diag_fail(ETV_SYS, "cannot encode record");
		emit_into(it, tmp, strlen(tmp), json_object_size(rec) > 0, v,
		    dims);
		free(tmp);
	} else {
		rec_text(it, &n);
		emit_into(it, it->line, n, json_object_size(rec) > 0, v,
		    dims);
	}
}

/*
 * Parse the item and find its text.  Returns the record (new reference)
 * or NULL when the item is malformed (already reported through it).
 */
static json_t *
parse_text(struct rec_item *it, const char **text, size_t *len)
{
	json_t *rec;

	if ((rec = rec_parse(it)) == NULL)
		return NULL;
	if ((*text = rec_string(it, rec, opt.text_field, len)) == NULL) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The text to embed: --prefix, then the record's text. */
static const char *
with_prefix(struct buf *b, const char *text, size_t len, size_t *n)
{
	if (cfg.prefix == NULL) {
		*n = len;
		return text;
	}
	buf_reset(b);
	buf_add(b, cfg.prefix, cfg.prefix_len);
	buf_add(b, text, len);
	*n = b->len;
	return b->data;
}

/* A record with empty text: zero vector and a warning, or rejected. */
static void
empty_text(struct rec_item *it, json_t *rec, float *zero, size_t dims)
{
	if (cfg.reject_empty) {
		rec_reject(it, rec, ETV_REJECT, "field '%s' is empty",
		    opt.text_field);
		return;
	}
	rec_warn(it, "field '%s' is empty: writing a zero vector",
	    opt.text_field);
	memset(zero, 0, dims * sizeof(*zero));
	emit(it, rec, zero, dims);
}

/*
 * Is the vector finite?  A vector with NaN or infinity (a model with
 * such weights) is never written: the record is rejected with status 4,
 * and without --rejects the run stops after the records before it.
 */
static int
finite_or_reject(struct rec_item *it, json_t *rec, const float *v,
    size_t dims)
{
	if (vec_finite(v, dims))
		return 1;
	rec_reject(it, rec, ETV_SYS, "the model gave a vector with values "
	    "that are not finite (NaN or infinity)");
	if (opt.rejects == NULL) {
		it->status = ETV_SYS;
		it->fatal = 1;
	}
	return 0;
}

/*
 * The fast path: a record that jsonscan reads, with a text that is not
 * blank and no "embedding" or "embedding_model" yet needs no parse tree.
 * Returns 1 and the text (in the line, or unescaped into esc) for such a
 * record, 0 for any other.
 */
static int
fast_text(struct rec_item *it, struct jsonscan *sc, struct buf *esc,
    const char **text, size_t *len)
{
	const struct jsonscan_member *m;

	return rec_scan(it, sc) &&
	    (m = jsonscan_get(sc, opt.text_field)) != NULL && m->string &&
	    jsonscan_get(sc, "embedding") == NULL &&
	    jsonscan_get(sc, "embedding_model") == NULL &&
	    (*text = jsonscan_text(m, esc, len)) != NULL &&
	    !blank_text(*text, *len);
}

/* A record of the fast path, embedded.  Returns 0 for any other. */
static int
embed_fast(struct rec_item *it, struct worker *w)
{
	const char *text, *in;
	size_t len, n;

	if (!fast_text(it, &w->scan, &w->esc, &text, &len))
		return 0;
	in = with_prefix(&w->text, text, len, &n);
	embed_text(model, w->scratch, in, n, w->vec);
	if (finite_or_reject(it, NULL, w->vec, model->dims))
		emit_into(it, it->line, it->len, 1, w->vec, model->dims);
	return 1;
}

/* pool_fn for the local backends without a cache. */
static void
embed_item(struct rec_item *it, void *arg, int id)
{
	struct worker *w = (struct worker *)arg + id;
	const char *text, *in;
	size_t len, n;
	json_t *rec;

	if (embed_fast(it, w))
		return;
	if ((rec = parse_text(it, &text, &len)) == NULL)
		return;
	if (blank_text(text, len))
		empty_text(it, rec, w->vec, model->dims);
	else {
		in = with_prefix(&w->text, text, len, &n);
		embed_text(model, w->scratch, in, n, w->vec);
		if (finite_or_reject(it, rec, w->vec, model->dims))
			emit(it, rec, w->vec, model->dims);
	}
	json_decref(rec);
}

static void
run_local(struct rec_reader *rd)
{
	struct worker *w;
	int i;

	w = xcalloc((size_t)cfg.jobs, sizeof(*w));
	for (i = 0; i < cfg.jobs; i++) {
		w[i].scratch = embed_scratch_new(model);
		w[i].vec = xcalloc(model->dims, sizeof(float));
	}
	pool_run(rd, cfg.jobs, embed_item, w);
	for (i = 0; i < cfg.jobs; i++) {
		embed_scratch_free(w[i].scratch);
		free(w[i].vec);
		buf_release(&w[i].text);
		buf_release(&w[i].esc);
	}
	free(w);
}

/*
 * The batch loop: the remote backend, and any backend with --cache.
 * Records are read into batches; a batch's texts that are not cached go
 * to the model in one request (or, for a local model, are embedded at
 * once), several requests in flight.  Batches are written in input
 * order, each once all its vectors are known.
 */
enum slot_state {
	SLOT_DONE,		/* nothing to embed (malformed) */
	SLOT_EMPTY,		/* empty text */
	SLOT_HIT,		/* vector from the cache */
	SLOT_CALL		/* vector from the model */
};

struct slot {
	struct rec_item	 it;		/* the line and its output */
	json_t		*rec;		/* parsed record, or NULL */
	enum slot_state	 state;		/* what it needs */
	char		*input;		/* prefix + text; owned */
	size_t		 inlen;		/* its length */
	float		*vec;		/* cached vector; owned */
	size_t		 dims;		/* its size */
	size_t		 call;		/* index in the batch's request */
};

struct batch {
	struct slot	*slots;		/* records in input order; owned */
	size_t		 n;		/* slots in use */
	size_t		 ncall;		/* slots that need the model */
	const char	**texts;	/* inputs of the request; owned */
	size_t		*lens;		/* their lengths; owned */
	struct http_job	 job;		/* the request */
	int		 submitted;	/* sent (or embedded) */
	int		 finished;	/* every vector is known */
	struct batch	*next;		/* queue link */
};

static struct {
	struct rec_reader *rd;		/* input */
	struct cache	*cache;		/* --cache, or NULL when off */
	unsigned long	 damaged;	/* damaged cache entries found */
	struct http_client *http;	/* remote client, or NULL */
	struct embed_scratch *scratch;	/* local backend memory */
	struct batch	*head, *tail;	/* batches not yet written */
	size_t		 queued;	/* batches in the queue */
	size_t		 inflight;	/* requests outstanding */
	int		 eof;		/* the input is exhausted */
	struct slot	 carry;		/* read, belongs to the next batch */
	int		 have_carry;	/* carry is in use */
	unsigned long	 calls;		/* texts sent to the model */
} bl;

static void
batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		rec_item_release(&b->slots[i].it);
		json_decref(b->slots[i].rec);
		free(b->slots[i].input);
		free(b->slots[i].vec);
	}
	http_job_release(&b->job);
	free(b->slots);
	free(b->texts);
	free(b->lens);
	free(b);
}

/*
 * The cache failed (a full disk, a damaged file): warn once and go on
 * without it.  The vectors are the same; only caching is lost.
 */
static void
cache_off(const char *what)
{
	diag_warn("cache '%s' %s (%s): going on without caching", cfg.cache,
	    what, cache_error(bl.cache));
	/* Nothing more can be done if even the rollback fails. */
	(void)cache_rollback(bl.cache);
	cache_close(bl.cache);
	bl.cache = NULL;
}

/*
 * Store the vectors the model gave for a batch.  A vector that is not
 * finite is not stored.  A failure to write (a full disk) abandons the
 * batch's transaction and turns the cache off.
 */
static void
cache_store(struct batch *b)
{
	struct slot *s;
	size_t i;
	const float *v;

	if (cache_begin(bl.cache) == -1) {
		cache_off("cannot be written");
		return;
	}
	for (i = 0; i < b->n; i++) {
		s = &b->slots[i];
		if (s->state != SLOT_CALL)
			continue;
		v = b->job.vecs + s->call * b->job.dims;
		if (vec_finite(v, b->job.dims) && cache_put(bl.cache,
		    model->key, s->input, s->inlen, v, b->job.dims) == -1) {
			cache_off("cannot be written");
			return;
		}
	}
	if (cache_commit(bl.cache) == -1)
		cache_off("cannot be written");
}

/* Look a slot's text up in the cache. */
static void
cache_lookup(struct slot *s)
{
	int r;

	r = cache_get(bl.cache, model->key, s->input, s->inlen, &s->vec,
	    &s->dims);
	if (r == -1) {
		cache_off("cannot be read");
		return;
	}
	if (r == CACHE_BAD) {
		/* Embedded again; the new vector replaces the entry. */
		if (bl.damaged++ == 0)
			rec_warn(&s->it, "cache '%s': damaged entry (bad "
			    "checksum or value): embedding again", cfg.cache);
		return;
	}
	if (r == 1 && model->dims && s->dims != model->dims) {
		/* A vector of another size: not ours, embed again. */
		free(s->vec);
		s->vec = NULL;
		r = 0;
	}
	if (r == 1) {
		if (model->dims == 0) {
			embed_set_dims(model, s->dims);
			set_model_json();
		}
		s->state = SLOT_HIT;
	}
}

/*
 * Add a slot to the batch's request, unless the request would then hold
 * more than --batch-chars characters: then the slot is carried over to
 * the next batch (a single longer text makes a request of its own) and
 * 0 is returned.
 */
static int
add_call(struct batch *b, struct slot *s, size_t *chars)
{
	size_t n = text_cp_count(s->input, s->inlen);

	if (b->ncall && *chars + n > cfg.batch_chars) {
		bl.carry = *s;
		bl.have_carry = 1;
		memset(s, 0, sizeof(*s));
		b->n--;
		return 0;
	}
	s->call = b->ncall;
	b->texts[b->ncall] = s->input;
	b->lens[b->ncall++] = s->inlen;
	*chars += n;
	return 1;
}

/* Read the next batch of records; NULL at the end of input. */
static struct batch *
read_batch(void)
{
	size_t cap = cfg.batch * 4, chars = 0, len;
	const char *text, *in;
	struct buf tmp = BUF_INIT, esc = BUF_INIT;
	struct jsonscan scan;
	struct batch *b;
	struct slot *s;

	b = xcalloc(1, sizeof(*b));
	b->slots = xcalloc(cap, sizeof(*b->slots));
	b->texts = xcalloc(cfg.batch, sizeof(*b->texts));
	b->lens = xcalloc(cfg.batch, sizeof(*b->lens));
	if (bl.have_carry) {
		b->slots[b->n++] = bl.carry;
		memset(&bl.carry, 0, sizeof(bl.carry));
		bl.have_carry = 0;
		add_call(b, &b->slots[0], &chars);
	}
	while (b->n < cap && b->ncall < cfg.batch &&
	    (b->ncall == 0 || chars < cfg.batch_chars)) {
		s = &b->slots[b->n];
		if (!rec_getline(bl.rd, &s->it))
			break;
		b->n++;
		if (fast_text(&s->it, &scan, &esc, &text, &len))
			s->rec = NULL;
		else if ((s->rec = parse_text(&s->it, &text, &len)) == NULL) {
			s->state = SLOT_DONE;
			continue;
		} else if (blank_text(text, len)) {
			s->state = SLOT_EMPTY;
			continue;
		}
		in = with_prefix(&tmp, text, len, &s->inlen);
		s->input = xmemdup(in, s->inlen);
		s->state = SLOT_CALL;
		if (bl.cache)
			cache_lookup(s);
		if (s->state == SLOT_CALL && !add_call(b, s, &chars))
			break;
	}
	buf_release(&tmp);
	buf_release(&esc);
	if (b->n == 0) {
		batch_free(b);
		return NULL;
	}
	return b;
}

/* Send a batch to the model, or embed it here for a local model. */
static void
submit(struct batch *b)
{
	size_t i;

	b->submitted = 1;
	if (b->ncall == 0) {
		b->finished = 1;
		return;
	}
	bl.calls += b->ncall;
	if (bl.http) {
		b->job.texts = b->texts;
		b->job.lens = b->lens;
		b->job.n = b->ncall;
		b->job.arg = b;
		http_submit(bl.http, &b->job);
		bl.inflight++;
		return;
	}
	b->job.dims = model->dims;
	b->job.vecs = xreallocarray(NULL, b->ncall * model->dims,
	    sizeof(float));
	for (i = 0; i < b->ncall; i++)
		embed_text(model, bl.scratch, b->texts[i], b->lens[i],
		    b->job.vecs + i * model->dims);
	b->job.ok = 1;
	b->finished = 1;
}

/* Wait for one request to finish. */
static void
wait_one(void)
{
	struct http_job *j;
	struct batch *b;

	if ((j = http_wait(bl.http)) == NULL)
		diag_fail(ETV_SYS, "internal error: no request in flight");
	bl.inflight--;
	b = j->arg;
	b->finished = 1;
	if (j->ok && model->dims == 0) {
		embed_set_dims(model, j->dims);
		set_model_json();
	}
}

/* Does the batch hold empty texts whose vector size is not known yet? */
static int
needs_dims(const struct batch *b)
{
	size_t i;

	if (model->dims)
		return 0;
	for (i = 0; i < b->n; i++)
		if (b->slots[i].state == SLOT_EMPTY)
			return 1;
	return 0;
}

/* Write a finished batch in input order. */
static void
write_batch(struct batch *b)
{
	float *zero;
	size_t i;
	struct slot *s;
	int failed = b->ncall && !b->job.ok;

	if (failed && opt.rejects == NULL)
		diag_fail(ETV_SYS, "%s:%lu: embedding request failed: %s",
		    b->slots[0].it.file, b->slots[0].it.lineno, b->job.why);
	if (bl.cache && b->ncall && !failed)
		cache_store(b);
	zero = xcalloc(model->dims ? model->dims : 1, sizeof(float));
	for (i = 0; i < b->n; i++) {
		s = &b->slots[i];
		switch (s->state) {
		case SLOT_DONE:
			break;
		case SLOT_EMPTY:
			if (model->dims == 0)
				rec_reject(&s->it, s->rec, ETV_REJECT,
				    "field '%s' is empty and the vector size "
				    "is not known (give --dimensions)",
				    opt.text_field);
			else
				empty_text(&s->it, s->rec, zero, model->dims);
			break;
		case SLOT_HIT:
			/* cache_get serves finite vectors only. */
			emit(&s->it, s->rec, s->vec, s->dims);
			break;
		case SLOT_CALL:
			if (failed)
				rec_reject(&s->it, s->rec, ETV_REJECT,
				    "embedding request failed: %s",
				    b->job.why);
			else if (finite_or_reject(&s->it, s->rec, b->job.vecs +
			    s->call * b->job.dims, b->job.dims))
				emit(&s->it, s->rec, b->job.vecs + s->call *
				    b->job.dims, b->job.dims);
			break;
		}
		if (rec_flush(bl.rd, &s->it)) {
			free(zero);
			exit(diag_finish());
		}
	}
	free(zero);
}

static void
run_batches(struct rec_reader *rd)
{
	const char *key;
	struct http_params hp;
	struct batch *b;
	size_t maxq = (size_t)cfg.concurrency * 2 + 2;
	char err[512];
	int soft;

	bl.rd = rd;
	/*
	 * A full disk or a damaged file is no reason to stop: the cache only
	 * saves time.
	 */
	if (cfg.cache && (bl.cache = cache_open(cfg.cache, &soft, err,
	    sizeof(err))) == NULL) {
		if (!soft)
			diag_fail(ETV_SYS, "%s", err);
		diag_warn("%s: going on without caching", err);
	}
	if (model->backend == EMBED_OPENAI) {
		if ((key = getenv("ETV_API_KEY")) == NULL || *key == '\0')
			key = getenv("OPENAI_API_KEY");
		memset(&hp, 0, sizeof(hp));
		hp.url = model->url;
		hp.model = model->remote;
		hp.key = key;
		hp.dimensions = cfg.params.dimensions;
		hp.timeout_ms = (long)(cfg.timeout * 1000);
		hp.retries = cfg.retries;
		bl.http = http_new(&hp);
	} else
		bl.scratch = embed_scratch_new(model);
	for (;;) {
		/* Read ahead, so that parsing overlaps the requests. */
		while (!bl.eof && bl.queued < maxq) {
			if ((b = read_batch()) == NULL) {
				bl.eof = 1;
				break;
			}
			if (bl.tail)
				bl.tail->next = b;
			else
				bl.head = b;
			bl.tail = b;
			bl.queued++;
			/*
			 * Send at once when there is room (then every
			 * earlier batch was sent too).
			 */
			if (bl.http == NULL ||
			    bl.inflight < (size_t)cfg.concurrency)
				submit(b);
		}
		/* Send in input order while there is room. */
		for (b = bl.head; b; b = b->next)
			if (!b->submitted) {
				if (bl.http && bl.inflight >=
				    (size_t)cfg.concurrency)
					break;
				submit(b);
			}
		while ((b = bl.head) != NULL && b->finished &&
		    !(needs_dims(b) && bl.inflight > 0)) {
			write_batch(b);
			bl.head = b->next;
			if (bl.head == NULL)
				bl.tail = NULL;
			bl.queued--;
			batch_free(b);
		}
		if (bl.head == NULL && bl.eof)
			break;
		/* The oldest batch waits for a request: wait for one. */
		if (bl.head != NULL)
			wait_one();
	}
	if (bl.damaged > 1)
		diag_warn("cache '%s': %lu damaged entries were embedded again",
		    cfg.cache, bl.damaged);
	if (bl.cache)
		diag_verbose(1, "cache: %lu hits, %lu misses",
		    cache_hits(bl.cache), cache_misses(bl.cache));
	if (bl.http)
		diag_verbose(1, "model: %lu texts in %lu requests", bl.calls,
		    http_requests(bl.http));
	else
		diag_verbose(1, "model: %lu texts embedded", bl.calls);
	cache_close(bl.cache);
	http_free(bl.http);
	embed_scratch_free(bl.scratch);
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	char err[1024];
	int ch, r;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:j:m:" OPT_COMMON_SHORT,
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			cfg.model = optarg;
			break;
		case 'd':
			cfg.params.hash_dims = (size_t)opt_count("--dims",
			    optarg, 1, 65536);
			cfg.dims_given = 1;
			break;
		case 'j':
			cfg.jobs = (int)opt_count("--jobs", optarg, 0, 256);
			if (cfg.jobs == 0)
				cfg.jobs = pool_ncpu();
			break;
		case OPT_MAX_TOKENS:
			cfg.params.max_tokens = (size_t)opt_count(
			    "--max-tokens", optarg, 1, 1 << 20);
			cfg.max_tokens_given = 1;
			break;
		case OPT_URL:
			cfg.params.url = optarg;
			break;
		case OPT_DIMENSIONS:
			cfg.params.dimensions = (size_t)opt_count(
			    "--dimensions", optarg, 1, 65536);
			break;
		case OPT_BATCH:
			cfg.batch = (size_t)opt_count("--batch", optarg, 1,
			    100000);
			break;
		case OPT_BATCH_CHARS:
			cfg.batch_chars = (size_t)opt_count("--batch-chars",
			    optarg, 1, LONG_MAX);
			break;
		case OPT_CONCURRENCY:
			cfg.concurrency = (int)opt_count("--concurrency",
			    optarg, 1, 1024);
			break;
		case OPT_TIMEOUT:
			cfg.timeout = opt_real("--timeout", optarg, 0.001,
			    86400);
			break;
		case OPT_RETRIES:
			cfg.retries = (int)opt_count("--retries", optarg, 0,
			    100);
			break;
		case OPT_CACHE:
			cfg.cache = optarg;
			break;
		case OPT_PREFIX:
			cfg.prefix = optarg;
			cfg.prefix_len = strlen(optarg);
			break;
		case OPT_VECTOR_FORMAT:
			cfg.base64 = opt_word("--vector-format", optarg,
			    (const char *[]){ "json", "base64", NULL });
			break;
		case OPT_ON_EMPTY:
			cfg.reject_empty = opt_word("--on-empty", optarg,
			    (const char *[]){ "zero", "reject", NULL });
			break;
		default:
			opt_common(ch, usage_text);
		}
	}
	argc -= optind;
	argv += optind;

	/* Options that would be silently ignored are mistakes. */
	if (cfg.dims_given && strcmp(cfg.model, "hash") != 0)
		diag_usage("option '--dims' is for the hash model (use "
		    "'--dimensions' with openai:)");
	if (cfg.max_tokens_given && strncmp(cfg.model, "model2vec:", 10))
		diag_usage("option '--max-tokens' needs a model2vec: model");
	if ((r = embed_open(&model, cfg.model, &cfg.params, err,
	    sizeof(err))) == ETV_USAGE)
		diag_usage("%s", err);
	else if (r != ETV_OK)
		diag_fail(r, "%s", err);
	if (model->backend != EMBED_OPENAI && (cfg.params.url ||
	    cfg.params.dimensions))
		diag_usage("options '--url' and '--dimensions' need an "
		    "openai: model");
	set_model_json();

	rd = rec_open(opt_reader(), argc, argv);
	if (model->backend == EMBED_OPENAI || cfg.cache)
		run_batches(rd);
	else
		run_local(rd);
	rec_close(rd);
	embed_close(model);
	buf_release(&model_json);
	return diag_finish();
}
