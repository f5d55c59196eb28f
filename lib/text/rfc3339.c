/* rfc3339.c -- RFC 3339 times: written in UTC, read as epoch seconds */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/text/rfc3339.h"

char *
rfc3339_format(char *out, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
	return out;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

double
rfc3339_seconds(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, n = 0;
	double frac = 0, t;
	char sign = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return NAN;
	s += n;
	if (*s == 'T' || *s == 't') {
		if (sscanf(s + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return NAN;
		s += 1 + n;
		if (*s == '.')
			frac = strtod(s, (char **)&s);
		if (*s == '+' || *s == '-') {
			sign = *s;
			if (sscanf(s + 1, "%2d:%2d", &oh, &om) != 2)
				return NAN;
		}
	}
	t = (double)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec + frac;
	if (sign == '+')
		t -= oh * 3600 + om * 60;
	else if (sign == '-')
		t += oh * 3600 + om * 60;
	return t;
}
