/* http.h -- OpenAI-compatible /v1/embeddings client over libcurl multi */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_HTTP_H
#define ETV_HTTP_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * Requests {"model", "input": [...], "encoding_format": "base64",
 * "dimensions"} to URL (".../v1"; "/embeddings" is added unless the URL
 * already ends with it), several at once.  A request that fails with a
 * transport error, HTTP 408, 409, 429 or 5xx, or an invalid response, is
 * retried up to `retries` times with exponential backoff and jitter (or
 * after the server's Retry-After); other HTTP errors fail at once.  A
 * response is valid when it has one embedding per input, each index
 * exactly once, every vector the same size (and the size of earlier
 * responses and of `dimensions` when given), and only finite numbers;
 * embeddings may be base64 float32 or arrays of numbers.
 */
struct http_params {
	const char	*url;		/* endpoint base; borrowed */
	const char	*model;		/* remote model name; borrowed */
	const char	*key;		/* bearer token, or NULL; borrowed */
	size_t		 dimensions;	/* "dimensions" to ask for, 0 = none */
	long		 timeout_ms;	/* per request, whole transfer */
	int		 retries;	/* retries after the first attempt */
};

/*
 * One batch request.  The caller sets it up with http_job_init(), sets
 * texts, lens, n and arg, submits it and gets it back from http_wait()
 * when it is finished; the rest is filled by the client.  Release with
 * http_job_release().
 */
struct http_job {
	const char	**texts;	/* inputs; borrowed until finished */
	const size_t	*lens;		/* their lengths */
	size_t		 n;		/* how many */
	void		*arg;		/* the caller's */
	int		 ok;		/* 1: vecs holds n vectors */
	float		*vecs;		/* n * dims floats; owned */
	size_t		 dims;		/* vector size */
	char		 why[256];	/* failure reason when !ok */
	int		 attempts;	/* requests made for this batch */
	/* Private to http.c. */
	struct buf	 body;		/* request body */
	struct buf	 resp;		/* response body */
	void		*easy;		/* CURL handle while in flight */
	long long	 retry_at;	/* when to try again (ms), or 0 */
	long		 retry_after;	/* Retry-After of the last reply, ms */
	struct http_job	*next;		/* list link */
};

struct http_client;

/* A new client; never NULL.  Exits with ETV_SYS if curl fails to start. */
struct http_client *http_new(const struct http_params *);

/* Free the client.  Unfinished jobs are abandoned.  NULL is accepted. */
void	 http_free(struct http_client *);

/* Start a job.  The client borrows it until http_wait returns it. */
void	 http_submit(struct http_client *, struct http_job *);

/*
 * Wait until some submitted job is finished (successfully, or failed
 * after its retries) and return it; NULL when no job is outstanding.
 */
struct http_job *http_wait(struct http_client *);

/* HTTP requests made so far (retries included). */
unsigned long http_requests(const struct http_client *);

/*
 * A copy of url fit to print or store: "user:password@" becomes "***@"
 * and the values of query parameters named like credentials (key,
 * token, secret, password, sig, auth ...) become "***".  The caller frees
 * it with free(3).
 */
char	*http_url_redact(const char *url);

/* Make j an empty job, all zero but for its buffers (BUF_INIT). */
void	 http_job_init(struct http_job *j);

/* Free a job's buffers and results (not the job itself). */
void	 http_job_release(struct http_job *);

#endif
