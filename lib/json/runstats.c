/* runstats.c -- the figures of a run, written as JSON at its end (--stats) */
/* SPDX-License-Identifier: MIT */

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/json/jsonx.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"

#ifndef ETV_VERSION
#define ETV_VERSION "0.0.0"
#endif

static const char *stats_path;		/* --stats FILE, or NULL; borrowed */
static struct timespec t0;		/* runstats_start, monotonic */
static struct timespec wall0;		/* the same moment, real time */
static json_t *own;			/* the tool's figures; owned */

/* diag_set_end: write the file; failing to is an I/O failure. */
static void
at_end(int status)
{
	struct buf err = BUF_INIT;

	if (runstats_write(stats_path, status, &err) == -1)
		diag_error(ETV_SYS, "%s", err.data);
	buf_release(&err);
	json_decref(own);
	own = NULL;
}

void
runstats_start(const char *path)
{
	if (stats_path == NULL) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		clock_gettime(CLOCK_REALTIME, &wall0);
		diag_set_end(at_end);
	}
	stats_path = path;
}

int
runstats_on(void)
{
	return stats_path != NULL;
}

void
runstats_set(const char *key, json_t *v)
{
	if (stats_path == NULL || v == NULL) {
		json_decref(v);
		return;
	}
	if (own == NULL && (own = json_object()) == NULL) {
		json_decref(v);
		return;
	}
	/* Out of memory loses the figure, not the run. */
	json_object_set_new(own, key, v);
}

void
runstats_set_int(const char *key, long long v)
{
	if (stats_path != NULL)
		runstats_set(key, json_integer((json_int_t)v));
}

void
runstats_set_real(const char *key, double v)
{
	if (stats_path != NULL)
		runstats_set(key, json_real(v));
}

void
runstats_set_str(const char *key, const char *s)
{
	if (stats_path != NULL)
		runstats_set(key, json_string(s));
}

/* Seconds, rounded to the millisecond. */
static double
ms(double s)
{
	return round(s * 1000) / 1000;
}

static double
tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

json_t *
runstats_json(int status)
{
	struct rec_totals t;
	struct rusage self, kids;
	struct timespec now;
	struct tm tm;
	char when[32];
	double cpu;
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (gmtime_r(&wall0.tv_sec, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	memset(&self, 0, sizeof(self));
	memset(&kids, 0, sizeof(kids));
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	cpu = tv_seconds(&self.ru_utime) + tv_seconds(&self.ru_stime) +
	    tv_seconds(&kids.ru_utime) + tv_seconds(&kids.ru_stime);
	rec_totals(&t);
	json_object_set_new(o, "tool", json_string(diag_prog()));
	json_object_set_new(o, "version", json_string(ETV_VERSION));
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "started", json_string(when));
	json_object_set_new(o, "seconds", json_real(ms((double)(now.tv_sec -
	    t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9)));
	json_object_set_new(o, "cpu_seconds", json_real(ms(cpu)));
	/* Linux gives kilobytes. */
	json_object_set_new(o, "max_rss_kb", json_integer(self.ru_maxrss));
	json_object_set_new(o, "read", json_integer((json_int_t)t.read));
	json_object_set_new(o, "written",
	    json_integer((json_int_t)t.written));
	json_object_set_new(o, "rejected",
	    json_integer((json_int_t)t.rejected));
	json_object_set_new(o, "malformed",
	    json_integer((json_int_t)t.malformed));
	if (own != NULL && json_object_update_missing(o, own) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
runstats_write(const char *path, int status, struct buf *err)
{
	json_t *o;
	int ret;

	if ((o = runstats_json(status)) == NULL)
		return buf_fail(err, "%s: out of memory", path);
	ret = jsonx_save(path, o, err);
	json_decref(o);
	return ret;
}
