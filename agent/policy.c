// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <libconfig.h>
#include "iotguard.h"
#include "names.h"
#include "policy.h"

struct parse_ctx {
	const char *path;
	char *error;
	bool failed;
};

__attribute__((format(printf, 3, 4)))
static void fail_at(struct parse_ctx *ctx, const config_setting_t *where,
		    const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (ctx->failed)
		return;	/* the first error is the one worth reading */
	ctx->failed = true;
	used = (size_t)snprintf(ctx->error, POLICY_ERROR_MAX, "%s:%u: ",
				ctx->path,
				where ? config_setting_source_line(where) : 0);
	if (used >= POLICY_ERROR_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->error + used, POLICY_ERROR_MAX - used, fmt, ap);
	va_end(ap);
}

static void parse_version(struct parse_ctx *ctx, const config_setting_t *s,
			  struct iotguard_policy *policy)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT) {
		fail_at(ctx, s, "'version' must be an integer");
		return;
	}
	policy->version = config_setting_get_int(s);
	if (policy->version != POLICY_VERSION)
		fail_at(ctx, s, "unsupported policy version %d (this agent reads version %d)",
			policy->version, POLICY_VERSION);
}

static void parse_mode(struct parse_ctx *ctx, const config_setting_t *s,
		       struct iotguard_policy *policy)
{
	const char *name;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail_at(ctx, s, "'mode' must be a string: \"off\", \"audit\" or \"enforce\"");
		return;
	}
	name = config_setting_get_string(s);
	if (mode_from_name(name, &policy->mode))
		fail_at(ctx, s, "unknown mode \"%s\": use \"off\", \"audit\" or \"enforce\"",
			name);
}

static const struct {
	const char *name;
	void (*parse)(struct parse_ctx *ctx, const config_setting_t *s,
		      struct iotguard_policy *policy);
} top_level[] = {
	{ "version", parse_version },
	{ "mode", parse_mode },
};

static void parse_root(struct parse_ctx *ctx, const config_setting_t *root,
		       struct iotguard_policy *policy)
{
	int count = config_setting_length(root);

	for (int i = 0; i < count && !ctx->failed; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned int)i);
		const char *name = config_setting_name(s);
		size_t k;

		for (k = 0; k < sizeof(top_level) / sizeof(top_level[0]); k++) {
			if (!strcmp(name, top_level[k].name)) {
				top_level[k].parse(ctx, s, policy);
				break;
			}
		}
		if (k == sizeof(top_level) / sizeof(top_level[0]))
			fail_at(ctx, s, "unknown setting '%s'", name);
	}
}

int policy_load(const char *path, struct iotguard_policy *policy,
		char error[POLICY_ERROR_MAX])
{
	struct parse_ctx ctx = { .path = path, .error = error };
	struct iotguard_policy parsed = {
		.version = POLICY_VERSION,
		.mode = IOTGUARD_MODE_ENFORCE,
	};
	config_t cfg;
	FILE *f;

	error[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		snprintf(error, POLICY_ERROR_MAX, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	config_init(&cfg);
	if (!config_read(&cfg, f)) {
		snprintf(error, POLICY_ERROR_MAX, "%s:%d: %s", path,
			 config_error_line(&cfg), config_error_text(&cfg));
		ctx.failed = true;
	} else {
		parse_root(&ctx, config_root_setting(&cfg), &parsed);
	}
	config_destroy(&cfg);
	fclose(f);
	if (ctx.failed)
		return -1;
	*policy = parsed;
	return 0;
}
