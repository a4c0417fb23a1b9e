// SPDX-License-Identifier: GPL-2.0
/* iotguardd's log: stderr, or syslog when asked (log.h). */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

static const char *log_ident = "iotguard";
static bool log_to_syslog;

void log_init(const char *ident, bool use_syslog)
{
	log_ident = ident;
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_msg(int priority, const char *fmt, ...)
{
	static const char *const level[] = {
		[LOG_ERR] = "error: ", [LOG_WARNING] = "warning: ",
	};
	va_list ap;

	va_start(ap, fmt);
	if (log_to_syslog) {
		vsyslog(priority, fmt, ap);
	} else {
		fprintf(stderr, "%s: %s", log_ident,
			priority <= LOG_WARNING && level[priority] ?
			level[priority] : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
