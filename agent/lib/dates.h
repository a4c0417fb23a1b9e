/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calendar dates (proleptic Gregorian, no time zone) and RFC 3339 times,
 * for the support period and security.txt. Days count from 1970-01-01.
 */
#ifndef IOTGUARD_DATES_H
#define IOTGUARD_DATES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DATE_ISO_LEN 11		/* "2030-12-31" and its NUL */
#define DATE_LONG_MAX 32	/* "31 December 2030" */
#define RFC3339_MAX 32

/* Strict "YYYY-MM-DD" with a real day of that month. 0, or -EINVAL. */
int date_parse(const char *text, int64_t *days);
void date_format_iso(int64_t days, char out[DATE_ISO_LEN]);
/* "31 December 2030": for people. */
void date_format_long(int64_t days, char *out, size_t len);
/* The date it is at now in the device's time zone (TZ, /etc/localtime). */
int64_t date_today(time_t now);

/*
 * RFC 3339 date-time ("2027-06-30T12:00:00Z", "...+02:00", fractions of a
 * second allowed) to seconds since the epoch. 0, or -EINVAL.
 */
int rfc3339_parse(const char *text, int64_t *epoch);
void rfc3339_format(int64_t epoch, char out[RFC3339_MAX]);

/* 1234567 -> "1,234,567". */
void format_thousands(int64_t n, char *out, size_t len);

#endif
