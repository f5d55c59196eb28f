/* semantic.h -- semantic duplicates: the most similar earlier vector */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_SEMANTIC_H
#define ETV_SEMANTIC_H

#include <stddef.h>
#include <stdint.h>

#define SEM_NONE	UINT32_MAX	/* no earlier row is similar enough */

/*
 * A default for exact_max: comparing every pair of 12,288 rows takes
 * about 1.5 s at 384 floats a row, 1.1 s at 256, on one core of an AMD
 * EPYC (about 19 ns a product at 384 floats); the graph costs about
 * 300 us a row at 384 floats, so below about 50,000 rows every pair is
 * both exact and faster (50,000 rows: 13.5 s at 2 threads, the graph
 * 15 s).
 */
#define SEM_EXACT_MAX	49152

struct sem_link {
	uint32_t	 parent;	/* earlier row, or SEM_NONE */
	float		 score;		/* its cosine; 0 when none */
};

/*
 * For each row i of the n rows of vec (dims floats each, L2-normalised
 * by the caller), find the earlier row j < i of the highest cosine (the
 * inner product, vecdist_dot of rows i and j) at or above threshold,
 * compared in single precision; ties go to the smallest j.  Fills
 * links[0 .. n).  n must be below SEM_NONE.
 *
 * When n <= exact_max every pair is compared.  Above, the rows are
 * searched through an HNSW graph (lib/index/hnsw.h) built by one thread
 * with a fixed seed: the links are approximate, but still a pure
 * function of the input.  There a row whose vector is bit for bit that
 * of an earlier row links to the first such row, and the graph is built
 * over the distinct vectors only (copied when some are repeated), so
 * that a vector repeated many times does not make an island of the
 * graph.
 *
 * jobs threads (1 or less: the caller's thread alone) share the
 * comparisons or the searches; the result does not depend on jobs.
 * Exits with ETV_SYS when memory runs out or threads cannot be started.
 */
void	 sem_links(const float *vec, size_t n, size_t dims, double threshold,
	    size_t exact_max, int jobs, struct sem_link *links);

#endif
