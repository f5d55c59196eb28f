/* format.h -- JSON Schema "format" assertions (RFC 3339, 5321, 3986, ...) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_FORMAT_H
#define ETV_FORMAT_H

#include <stddef.h>

/*
 * The formats of JSON Schema 2020-12 and draft 7 that can be checked:
 * date-time, date, time, duration (RFC 3339 and its appendix A), email
 * and idn-email (RFC 5321 mailbox), hostname and idn-hostname (RFC 1123
 * labels), ipv4, ipv6, uri, uri-reference, iri, iri-reference,
 * uri-template (RFC 3986, 3987, 6570), uuid (RFC 4122), json-pointer,
 * relative-json-pointer (RFC 6901) and regex (ECMA-262).
 */

/* The number of a format by name, or -1 for a format we do not know. */
int	 format_lookup(const char *name);

/* The name of a format number (a static string). */
const char *format_name(int id);

/*
 * Does s[0..n) (UTF-8, may hold NUL bytes) conform to format id?
 * Returns 1 or 0.  Thread-safe; allocates nothing for most formats.
 */
int	 format_check(int id, const char *s, size_t n);

#endif
