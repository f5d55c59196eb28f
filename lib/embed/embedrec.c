/* embedrec.c -- the record loop of every embedding backend */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/embed/cache.h"
#include "lib/embed/embedrec.h"
#include "lib/embed/http.h"
#include "lib/embed/vec.h"
#include "lib/json/pool.h"
#include "lib/json/runstats.h"
#include "lib/text/text.h"

/* One record on its way through a batch. */
struct slot {
	struct rec_item	 it;		/* the line and its output */
	struct embedrec	 r;		/* what it needs, and its vector */
	char		*input;		/* copy of r.input; owned */
	float		*cached;	/* vector found in the cache; owned */
	size_t		 call;		/* index of its text in the request */
};

/* The records of one request, in input order. */
struct batch {
	struct slot	*slots;		/* the records; owned */
	size_t		 n;		/* slots in use */
	size_t		 ncall;		/* slots whose text is sent */
	const char	**texts;	/* inputs of the request; owned */
	size_t		*lens;		/* their lengths; owned */
	struct http_job	 job;		/* the request and its vectors */
};

/* The state of the batch loop. */
struct batcher {
	struct embed_model *model;	/* the model; borrowed */
	const struct embedrec_params *p;	/* the parameters; borrowed */
	struct rec_reader *rd;		/* input; borrowed */
	const struct embedrec_ops *ops;	/* the caller's part; borrowed */
	void		*arg;		/* its argument */
	struct crew	*crew;		/* batches in flight, in order */
	struct cache	*cache;		/* the cache, or NULL when off */
	unsigned long	 damaged;	/* damaged cache entries found */
	struct http_client *http;	/* remote client, or NULL */
	struct embed_scratch *scratch;	/* local backend memory, or NULL */
	size_t		 inflight;	/* requests outstanding */
	struct slot carry;	/* read, belongs to the next batch */
	int		 have_carry;	/* carry is in use */
	unsigned long	 calls;		/* texts sent to the model */
};

static void
slot_release(struct slot *s)
{
	rec_item_release(&s->it);
	json_decref(s->r.rec);
	free(s->input);
	free(s->cached);
}

static void
batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		slot_release(&b->slots[i]);
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
cache_off(struct batcher *bt, const char *what)
{
	diag_warn("cache '%s' %s (%s): going on without caching",
	    bt->p->cache, what, cache_error(bt->cache));
	/* Nothing more can be done if even the rollback fails. */
	(void)cache_rollback(bt->cache);
	cache_close(bt->cache);
	bt->cache = NULL;
}

/*
 * Store the vectors the model gave for a batch.  A vector that is not
 * finite is not stored.  A failure to write (a full disk) abandons the
 * batch's transaction and turns the cache off.
 */
static void
cache_store(struct batcher *bt, struct batch *b)
{
	struct slot *s;
	const float *v;
	size_t i;

	if (cache_begin(bt->cache) == -1) {
		cache_off(bt, "cannot be written");
		return;
	}
	for (i = 0; i < b->n; i++) {
		s = &b->slots[i];
		if (s->r.need != EMBEDREC_TEXT || s->cached)
			continue;
		v = b->job.vecs + s->call * b->job.dims;
		if (vec_finite(v, b->job.dims) && cache_put(bt->cache,
		    bt->model->key, s->input, s->r.inlen, v,
		    b->job.dims) == -1) {
			cache_off(bt, "cannot be written");
			return;
		}
	}
	if (cache_commit(bt->cache) == -1)
		cache_off(bt, "cannot be written");
}

/* Look a slot's text up in the cache; s->cached is set on a hit. */
static void
cache_lookup(struct batcher *bt, struct slot *s)
{
	struct embed_model *m = bt->model;
	int r;

	r = cache_get(bt->cache, m->key, s->input, s->r.inlen, &s->cached,
	    &s->r.dims);
	if (r == -1) {
		cache_off(bt, "cannot be read");
		return;
	}
	if (r == CACHE_BAD) {
		/* Embedded again; the new vector replaces the entry. */
		if (bt->damaged++ == 0)
			rec_warn(&s->it, "cache '%s': damaged entry (bad "
			    "checksum or value): embedding again",
			    bt->p->cache);
		return;
	}
	if (r == 1 && m->dims && s->r.dims != m->dims) {
		/* A vector of another size: not ours, embed again. */
		free(s->cached);
		s->cached = NULL;
	} else if (r == 1 && m->dims == 0)
		embed_set_dims(m, s->r.dims);
}

/*
 * Add a slot to the batch's request, unless the request would then hold
 * more than batch_chars characters: then the slot is carried over to the
 * next batch (a single longer text makes a request of its own) and 0 is
 * returned.
 */
static int
add_call(struct batcher *bt, struct batch *b, struct slot *s,
    size_t *chars)
{
	size_t n = text_cp_count(s->input, s->r.inlen);

	if (b->ncall && *chars + n > bt->p->batch_chars) {
		bt->carry = *s;
		bt->have_carry = 1;
		memset(s, 0, sizeof(*s));
		b->n--;
		return 0;
	}
	s->call = b->ncall;
	b->texts[b->ncall] = s->input;
	b->lens[b->ncall++] = s->r.inlen;
	*chars += n;
	return 1;
}

/* Read the next batch of records; NULL at the end of input. */
static struct batch *
read_batch(struct batcher *bt)
{
	size_t cap = bt->p->batch * 4, chars = 0;
	struct slot *s;
	struct batch *b;

	b = xcalloc(1, sizeof(*b));
	http_job_init(&b->job);
	b->slots = xcalloc(cap, sizeof(*b->slots));
	b->texts = xcalloc(bt->p->batch, sizeof(*b->texts));
	b->lens = xcalloc(bt->p->batch, sizeof(*b->lens));
	if (bt->have_carry) {
		b->slots[b->n++] = bt->carry;
		memset(&bt->carry, 0, sizeof(bt->carry));
		bt->have_carry = 0;
		add_call(bt, b, &b->slots[0], &chars);
	}
	while (b->n < cap && b->ncall < bt->p->batch &&
	    (b->ncall == 0 || chars < bt->p->batch_chars)) {
		s = &b->slots[b->n];
		if (!rec_getline(bt->rd, &s->it))
			break;
		b->n++;
		bt->ops->read(&s->it, &s->r, 0, bt->arg);
		if (s->r.need != EMBEDREC_TEXT)
			continue;
		s->input = xmemdup(s->r.input, s->r.inlen);
		s->r.input = s->input;
		if (bt->cache)
			cache_lookup(bt, s);
		if (s->cached == NULL && !add_call(bt, b, s, &chars))
			break;
	}
	if (b->n == 0) {
		batch_free(b);
		return NULL;
	}
	return b;
}

/* crew_wait_fn: wait for one request to finish. */
static void
wait_one(void *arg)
{
	struct batcher *bt = arg;
	struct http_job *j;

	if ((j = http_wait(bt->http)) == NULL)
		diag_fail(ETV_SYS, "internal error: no request in flight");
	bt->inflight--;
	if (j->ok && bt->model->dims == 0)
		embed_set_dims(bt->model, j->dims);
	crew_done(bt->crew, j->arg);
}

/*
 * crew_fn: send a batch to the model once fewer than concurrency requests
 * are in flight, or embed it here for a local model.
 */
static int
batch_job(void *job, void *arg, int worker)
{
	struct batcher *bt = arg;
	struct batch *b = job;
	struct embed_model *m = bt->model;
	size_t i;

	(void)worker;	/* batches run in the calling thread */
	if (b->ncall == 0)
		return 0;
	bt->calls += b->ncall;
	if (bt->http) {
		while (bt->inflight >= (size_t)bt->p->concurrency)
			wait_one(bt);
		b->job.texts = b->texts;
		b->job.lens = b->lens;
		b->job.n = b->ncall;
		b->job.arg = b;
		http_submit(bt->http, &b->job);
		bt->inflight++;
		return CREW_LATER;
	}
	b->job.dims = m->dims;
	b->job.vecs = xreallocarray(NULL, b->ncall * m->dims, sizeof(float));
	for (i = 0; i < b->ncall; i++)
		embed_text(m, bt->scratch, b->texts[i], b->lens[i],
		    b->job.vecs + i * m->dims);
	b->job.ok = 1;
	return 0;
}

/* Does the batch hold empty texts whose vector size is not known yet? */
static int
needs_dims(const struct batcher *bt, const struct batch *b)
{
	size_t i;

	if (bt->model->dims)
		return 0;
	for (i = 0; i < b->n; i++)
		if (b->slots[i].r.need == EMBEDREC_EMPTY)
			return 1;
	return 0;
}

/* Write a finished batch in input order. */
static void
write_batch(struct batcher *bt, struct batch *b)
{
	size_t i, dims = bt->model->dims;
	struct embedrec *r;
	struct slot *s;
	float *zero;
	int failed = b->ncall && !b->job.ok;

	if (failed)
		bt->ops->fail(&b->slots[0].it, b->job.why, bt->arg);
	if (bt->cache && b->ncall && !failed)
		cache_store(bt, b);
	zero = xcalloc(dims ? dims : 1, sizeof(float));
	for (i = 0; i < b->n; i++) {
		s = &b->slots[i];
		r = &s->r;
		r->vec = NULL;
		r->why = NULL;
		if (r->need == EMBEDREC_EMPTY) {
			r->vec = dims ? zero : NULL;
			r->dims = dims;
			r->why = "the vector size is not known";
		} else if (r->need == EMBEDREC_TEXT && s->cached)
			r->vec = s->cached;	/* r->dims set by the lookup */
		else if (r->need == EMBEDREC_TEXT && failed)
			r->why = b->job.why;
		else if (r->need == EMBEDREC_TEXT) {
			r->vec = b->job.vecs + s->call * b->job.dims;
			r->dims = b->job.dims;
		}
		if (r->need != EMBEDREC_NONE)
			bt->ops->write(&s->it, r, 0, bt->arg);
		if (rec_flush(bt->rd, &s->it)) {
			free(zero);
			exit(diag_finish());
		}
	}
	free(zero);
}

/* Start the backend: the HTTP client, or a local model's memory. */
static void
backend_start(struct batcher *bt)
{
	struct http_params hp;

	if (bt->model->backend != EMBED_OPENAI) {
		bt->scratch = embed_scratch_new(bt->model);
		return;
	}
	memset(&hp, 0, sizeof(hp));
	hp.url = bt->model->url;
	hp.model = bt->model->remote;
	hp.key = bt->p->key;
	hp.dimensions = bt->p->dimensions;
	hp.timeout_ms = (long)(bt->p->timeout * 1000);
	hp.retries = bt->p->retries;
	bt->http = http_new(&hp);
}

/* Say what was done, and free the batcher's parts. */
static void
batcher_end(struct batcher *bt)
{
	if (bt->damaged > 1)
		diag_warn("cache '%s': %lu damaged entries were embedded "
		    "again", bt->p->cache, bt->damaged);
	if (bt->cache) {
		diag_verbose(1, "cache: %lu hits, %lu misses",
		    cache_hits(bt->cache), cache_misses(bt->cache));
		runstats_set_int("cache_hits",
		    (long long)cache_hits(bt->cache));
		runstats_set_int("cache_misses",
		    (long long)cache_misses(bt->cache));
	}
	if (bt->http) {
		diag_verbose(1, "model: %lu texts in %lu requests", bt->calls,
		    http_requests(bt->http));
		runstats_set_int("requests",
		    (long long)http_requests(bt->http));
	} else
		diag_verbose(1, "model: %lu texts embedded", bt->calls);
	runstats_set_int("embedded", (long long)bt->calls);
	crew_free(bt->crew);
	cache_close(bt->cache);
	http_free(bt->http);
	embed_scratch_free(bt->scratch);
}

/* The batch loop: a remote model, or any model with a cache. */
static int
run_batches(struct batcher *bt, struct buf *err)
{
	const struct embedrec_params *p = bt->p;
	struct batch *b;
	int eof = 0, soft;

	/*
	 * A full disk or a damaged file is no reason to stop: the cache only
	 * saves time.
	 */
	if (p->cache && (bt->cache = cache_open(p->cache, &soft, err)) ==
	    NULL) {
		if (!soft)
			return -1;
		diag_warn("%s: going on without caching", err->data);
	}
	backend_start(bt);
	/* Read ahead, so that parsing overlaps the requests. */
	bt->crew = crew_new(0, (size_t)p->concurrency * 2 + 2, batch_job,
	    wait_one, bt);
	for (;;) {
		while (!eof && !crew_full(bt->crew)) {
			if ((b = read_batch(bt)) == NULL)
				eof = 1;
			else
				crew_submit(bt->crew, b);
		}
		if ((b = crew_take(bt->crew, 1)) == NULL)
			break;
		while (needs_dims(bt, b) && bt->inflight > 0)
			wait_one(bt);
		write_batch(bt, b);
		batch_free(b);
	}
	batcher_end(bt);
	return 0;
}

/* Per-thread state of a local model without a cache. */
struct worker {
	struct batcher	*bt;		/* the model and the caller's part */
	struct embed_scratch *scratch;	/* backend memory; owned */
	float		*vec;		/* one vector; owned */
};

/* pool_fn: one record through a local model. */
static void
local_item(struct rec_item *it, void *arg, int id)
{
	struct worker *w = (struct worker *)arg + id;
	const struct embedrec_ops *ops = w->bt->ops;
	size_t dims = w->bt->model->dims;
	struct embedrec r;

	memset(&r, 0, sizeof(r));
	ops->read(it, &r, id, w->bt->arg);
	if (r.need == EMBEDREC_EMPTY)
		memset(w->vec, 0, dims * sizeof(*w->vec));
	else if (r.need == EMBEDREC_TEXT)
		embed_text(w->bt->model, w->scratch, r.input, r.inlen, w->vec);
	r.vec = w->vec;
	r.dims = dims;
	if (r.need != EMBEDREC_NONE)
		ops->write(it, &r, id, w->bt->arg);
	json_decref(r.rec);
}

/* A local model without a cache: records in worker threads. */
static void
run_local(struct batcher *bt)
{
	int i, jobs = bt->p->jobs;
	struct worker *w;

	w = xcalloc((size_t)jobs, sizeof(*w));
	for (i = 0; i < jobs; i++) {
		w[i].bt = bt;
		w[i].scratch = embed_scratch_new(bt->model);
		w[i].vec = xcalloc(bt->model->dims, sizeof(float));
	}
	pool_run(bt->rd, jobs, local_item, w);
	for (i = 0; i < jobs; i++) {
		embed_scratch_free(w[i].scratch);
		free(w[i].vec);
	}
	free(w);
}

int
embedrec_run(struct embed_model *m, const struct embedrec_params *p,
    struct rec_reader *rd, const struct embedrec_ops *ops, void *arg,
    struct buf *err)
{
	struct batcher bt;

	memset(&bt, 0, sizeof(bt));
	bt.model = m;
	bt.p = p;
	bt.rd = rd;
	bt.ops = ops;
	bt.arg = arg;
	if (m->backend == EMBED_OPENAI || p->cache)
		return run_batches(&bt, err);
	run_local(&bt);
	return 0;
}
