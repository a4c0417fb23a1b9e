// SPDX-License-Identifier: GPL-2.0
/*
 * Calendar dates and RFC 3339 times (dates.h). The civil-date arithmetic is
 * Howard Hinnant's days_from_civil and civil_from_days: exact for every
 * Gregorian date, leap years included, with no time zone and no dependence
 * on time_t's range.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "dates.h"

#define SECONDS_PER_DAY 86400

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* n digits exactly, into *value. */
static bool digits(const char *s, int n, int *value)
{
	*value = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*value = *value * 10 + (s[i] - '0');
	}
	return true;
}

static int parse_ymd(const char *s, int64_t *days)
{
	int y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -EINVAL;
	*days = days_from_civil(y, m, d);
	return 0;
}

int date_parse(const char *text, int64_t *days)
{
	if (strlen(text) != 10)
		return -EINVAL;
	return parse_ymd(text, days);
}

void date_format_iso(int64_t days, char out[DATE_ISO_LEN])
{
	char buf[64];
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", (long long)y, m, d);
	/* Years past 9999 do not fit the ISO form: cut, never overflow. */
	buf[DATE_ISO_LEN - 1] = '\0';
	memcpy(out, buf, DATE_ISO_LEN);
}

void date_format_long(int64_t days, char *out, size_t len)
{
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, len, "%d %s %lld", d, month_names[m - 1], (long long)y);
}

int64_t date_today(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
}

int rfc3339_parse(const char *text, int64_t *epoch)
{
	int hh, mm, ss, off_h, off_m, sign;
	const char *p = text + 19;
	int64_t days;

	if (strlen(text) < 20 || parse_ymd(text, &days) ||
	    (text[10] != 'T' && text[10] != 't') ||
	    !digits(text + 11, 2, &hh) || text[13] != ':' || !digits(text + 14, 2, &mm) ||
	    text[16] != ':' || !digits(text + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return -EINVAL;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -EINVAL;
		for (p++; isdigit((unsigned char)*p); p++)
			;
	}
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		off_h = off_m = 0;
		sign = 1;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &off_h) && p[3] == ':' &&
		   digits(p + 4, 2, &off_m) && !p[6] && off_h < 24 && off_m < 60) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return -EINVAL;
	}
	/* A leap second counts as the next second's start. */
	*epoch = days * SECONDS_PER_DAY + hh * 3600 + mm * 60 + ss -
		 sign * (off_h * 3600 + off_m * 60);
	return 0;
}

void rfc3339_format(int64_t epoch, char out[RFC3339_MAX])
{
	int64_t days = epoch / SECONDS_PER_DAY, rem = epoch % SECONDS_PER_DAY;
	char date[DATE_ISO_LEN];

	if (rem < 0) {
		rem += SECONDS_PER_DAY;
		days--;
	}
	date_format_iso(days, date);
	snprintf(out, RFC3339_MAX, "%sT%02d:%02d:%02dZ", date, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
}

void format_thousands(int64_t n, char *out, size_t len)
{
	char digits_buf[32];
	size_t nd, used = 0;

	snprintf(digits_buf, sizeof(digits_buf), "%lld", (long long)(n < 0 ? -n : n));
	nd = strlen(digits_buf);
	if (n < 0 && used + 1 < len)
		out[used++] = '-';
	for (size_t i = 0; i < nd && used + 1 < len; i++) {
		if (i && (nd - i) % 3 == 0 && used + 2 < len)
			out[used++] = ',';
		out[used++] = digits_buf[i];
	}
	out[used] = '\0';
}
