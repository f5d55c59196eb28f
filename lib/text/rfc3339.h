/* rfc3339.h -- RFC 3339 times: written in UTC, read as epoch seconds */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RFC3339_H
#define ETV_RFC3339_H

#include <time.h>

/* Room for an RFC 3339 UTC time "2025-01-31T23:59:59Z" and its NUL. */
#define RFC3339_LEN	21

/*
 * Format t as an RFC 3339 UTC time into out (RFC3339_LEN bytes): the
 * epoch when t cannot be written.  Returns out.
 */
char	*rfc3339_format(char *out, time_t t);

/*
 * Seconds since the epoch of s, an RFC 3339 full-date ("2025-01-31") or
 * date-time (with a fraction of a second and an offset, or "Z").  s must
 * have been checked as one of those (format.h): a string that is neither
 * reads as garbage or NAN.
 */
double	 rfc3339_seconds(const char *s);

#endif
