/* contract.h -- dataset contracts: per-field rules and dataset checks */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CONTRACT_H
#define ETV_CONTRACT_H

#include <stdio.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/validate/jsonschema.h"

/*
 * A data contract, read from a JSON file (see etv-validate(1)):
 *
 *   { "fields": { "id": { "not_null": true, "unique": true }, ... },
 *     "unique": [ ["doc_id", "seq"] ],
 *     "relationships": [ { "field": "doc_id", "file": "docs.jsonl",
 *                          "to": "id" } ],
 *     "row_count": { "min": 1, "max": 1000000 },
 *     "freshness": { "field": "meta.mtime", "max_age": "24h" } }
 *
 * Field rules: not_null, unique, accepted_values, pattern (ECMA-262),
 * min, max, min_length, max_length (code points), format, with a
 * severity ("fail", the default, or "warn") and optional max_null_rate
 * and max_invalid_rate thresholds.  Rules are checked on every record as
 * it comes (contract_record); a record breaking a "fail" rule of a field
 * without a threshold is to be rejected.  Thresholds, row_count and
 * freshness are decided at the end (contract_finish).  Every check keeps
 * counts and a few examples for the report.
 */
struct contract;

/*
 * Read a contract.  Files named by relationships are read now (relative
 * to the working directory).  Returns a new contract (contract_free), or
 * NULL with a message in err.
 */
struct contract *contract_load(const char *path, struct buf *err);

/* With path NULL, contract_load returns an empty contract (counts only). */

/*
 * Check one record (file and line identify it in examples).  Errors of
 * rules that reject are appended to errs as {path, keyword, message};
 * returns 1 when the record must be rejected, 0 otherwise.
 */
int	 contract_record(struct contract *, const json_t *rec,
	    const char *file, unsigned long line, struct js_errors *errs);

/*
 * Decide the dataset checks, write the JSON report to fp when not NULL,
 * append a summary to summary (lines "contract: ...", each ending in a
 * newline, for the command to print) and return ETV_REJECT when a "fail"
 * check failed, ETV_SYS when the report could not be written, ETV_OK
 * otherwise.  rejected counts the records rejected for any reason.
 */
int	 contract_finish(struct contract *, FILE *fp, unsigned long rejected,
	    struct buf *summary);

/*
 * Count a record rejected by a check outside the contract (name is a
 * static string such as "schema" or "pii"), for the report; value, when
 * not NULL, is kept as an example (borrowed).
 */
void	 contract_external(struct contract *, const char *name,
	    const char *file, unsigned long line, const json_t *value);

/* Free a contract; NULL is accepted. */
void	 contract_free(struct contract *);

#endif
