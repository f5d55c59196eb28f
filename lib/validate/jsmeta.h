/* jsmeta.h -- the meta-schemas of JSON Schema 2020-12 and draft 7, built in */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSMETA_H
#define ETV_JSMETA_H

#include <stddef.h>

/*
 * The JSON text of a built-in meta-schema (2020-12: the schema and its
 * vocabulary meta-schemas; draft 7: the schema) by its URI uri[0..n),
 * with or without an empty fragment; NULL for any other URI.  The text is
 * static.
 */
const char *jsmeta_text(const char *uri, size_t n);

#endif
