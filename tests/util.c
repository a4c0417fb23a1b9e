// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lsm_probe.h"
#include "login_guard.h"
#include "util.h"

int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

long proc_field_kb(const char *path, const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			sscanf(line + len + 1, "%ld", &value);
	fclose(f);
	return value;
}

int sysfs_read(const char *name, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS_DIR "/%s", name);
	return read_text(path, buf, len);
}

uint64_t sysfs_u64(const char *name)
{
	char buf[64];

	if (sysfs_read(name, buf, sizeof(buf)))
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

int run_capture(const char *cmd, char *out, size_t len)
{
	char full[1024];
	size_t used = 0;
	FILE *p;
	int status;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	p = popen(full, "r");
	if (!p)
		return -1;
	if (out && len) {
		used = fread(out, 1, len - 1, p);
		out[used] = '\0';
	}
	while (fgetc(p) != EOF)
		;
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int sh(const char *cmd)
{
	char out[512];
	int ret = run_capture(cmd, out, sizeof(out));

	if (ret)
		fprintf(stderr, "# %s: %d: %s\n", cmd, ret, out);
	return ret;
}

int module_load(void)
{
	return module_load_params("");
}

int module_load_params(const char *params)
{
	struct utsname u;
	char path[256];
	int fd, ret;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/iotguard.ko", u.release);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

int module_unload(void)
{
	return syscall(SYS_delete_module, "iotguard", O_NONBLOCK) ? -errno : 0;
}

int module_loaded(void)
{
	return access(SYSFS_DIR, F_OK) == 0;
}

int modprobe_disable(char *saved, size_t len)
{
	int ret = read_text(MODPROBE_SYSCTL, saved, len);

	return ret ? ret : write_text(MODPROBE_SYSCTL, "/nonexistent/modprobe");
}

void modprobe_restore(const char *saved)
{
	write_text(MODPROBE_SYSCTL, saved);
}

int agentd_pid(void)
{
	char buf[32];

	if (read_text("/run/iotguardd.pid", buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

uint64_t guard_stat(uint32_t key)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t values[256] = { 0 }, sum = 0;
	int fd = bpf_obj_get(LOGIN_GUARD_STATS_PIN);

	if (fd < 0 || ncpus <= 0 || ncpus > 256)
		sum = UINT64_MAX;
	else if (bpf_map_lookup_elem(fd, &key, values))
		sum = UINT64_MAX;
	else
		for (int i = 0; i < ncpus; i++)
			sum += values[i];
	if (fd >= 0)
		close(fd);
	return sum;
}

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and elapsed times. */
long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Append line to the tail kept in out, dropping its oldest lines to fit. */
static void keep_tail(char *out, size_t len, size_t *used, const char *line)
{
	size_t n = strlen(line);

	if (n >= len)
		return;
	while (*used + n >= len) {
		char *nl = memchr(out, '\n', *used);
		size_t drop = nl ? (size_t)(nl + 1 - out) : *used;

		memmove(out, out + drop, *used - drop);
		*used -= drop;
	}
	memcpy(out + *used, line, n + 1);
	*used += n;
}

#define LOG_FILE "/var/log/messages"
#define LOG_ROTATED LOG_FILE ".0"

void log_mark(struct log_mark *mark)
{
	struct stat st;

	*mark = (struct log_mark){};
	if (!stat(LOG_FILE, &st)) {
		mark->ino = st.st_ino;
		mark->size = st.st_size;
	}
}

/* Where file's lines past mark start: 0 for a file written wholly after it. */
static off_t past_mark(FILE *f, const struct log_mark *mark)
{
	struct stat st;

	if (!mark || fstat(fileno(f), &st) || st.st_ino != mark->ino)
		return 0;
	return mark->size;
}

/*
 * One pass over the system log: whether a line past mark matching re holds
 * want. syslogd rotates the log at 200 KiB (busybox's default), so the
 * rotated file is read first: a line written just before a rotation is
 * still seen. out keeps the newest matching lines, for a failed test's
 * reader.
 */
static bool log_holds(const struct log_mark *mark, const regex_t *re, const char *want,
		      char *out, size_t len)
{
	static const char *const files[] = { LOG_ROTATED, LOG_FILE };
	char line[1024];
	bool found = false;
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i], "r");
		struct stat st;

		if (!f)
			continue;
		/* The rotated file is older than the mark unless the mark is in it. */
		if (i == 0 && mark && mark->ino &&
		    (fstat(fileno(f), &st) || st.st_ino != mark->ino)) {
			fclose(f);
			continue;
		}
		fseeko(f, past_mark(f, mark), SEEK_SET);
		while (fgets(line, sizeof(line), f)) {
			if (regexec(re, line, 0, NULL, 0))
				continue;
			found |= strstr(line, want) != NULL;
			keep_tail(out, len, &used, line);
		}
		fclose(f);
	}
	return found;
}

int wait_for_log_since(const struct log_mark *mark, const char *grep_pattern, const char *want,
		       char *out, size_t len)
{
	long start = now_ms();
	regex_t re;
	int ret = -1;

	if (regcomp(&re, grep_pattern, REG_NOSUB))
		return -1;
	do {
		if (log_holds(mark, &re, want, out, len)) {
			ret = 0;
			break;
		}
		usleep(100 * 1000);
	} while (now_ms() - start < LOG_SETTLE_MS);
	regfree(&re);
	return ret;
}

int wait_for_log(const char *grep_pattern, const char *want, char *out, size_t len)
{
	return wait_for_log_since(NULL, grep_pattern, want, out, len);
}

long wait_cred_state(const char *want, long limit_ms)
{
	long start = now_ms();
	char buf[32];

	do {
		if (!sysfs_read("cred_state", buf, sizeof(buf)) && !strcmp(buf, want))
			return now_ms() - start;
		usleep(20 * 1000);
	} while (now_ms() - start < limit_ms);
	return -1;
}

bool guard_denies(uint32_t uid)
{
	int fd = bpf_obj_get(LOGIN_GUARD_DENIED_PIN);
	uint32_t value = 0;
	bool denied;

	if (fd < 0)
		return false;
	denied = !bpf_map_lookup_elem(fd, &uid, &value) && value;
	close(fd);
	return denied;
}

bool guard_wait_denied(uint32_t uid, bool want, long limit_ms)
{
	long start = now_ms();

	while (guard_denies(uid) != want && now_ms() - start < limit_ms)
		usleep(50 * 1000);
	return guard_denies(uid) == want;
}

/* Whether the agent sleeps in its poll loop now. */
static bool agent_asleep(int pid)
{
	char path[64], wchan[64], stat[256], *state;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (read_text(path, wchan, sizeof(wchan)) || strcmp(wchan, "do_sys_poll"))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, stat, sizeof(stat)))
		return false;
	/* The state follows the command, whose ")" is the last. */
	state = strrchr(stat, ')');
	return state && state[1] == ' ' && state[2] == 'S';
}

int agent_idle(int pid, long limit_ms)
{
	long start = now_ms(), quiet_since = -1;

	if (pid <= 1)
		return -1;
	do {
		long now = now_ms();

		if (!agent_asleep(pid))
			quiet_since = -1;
		else if (quiet_since < 0)
			quiet_since = now;
		else if (now - quiet_since >= AGENT_QUIET_MS)
			return 0;
		usleep(20 * 1000);
	} while (now_ms() - start < limit_ms);
	return -1;
}

int agent_reapply(void)
{
	uint64_t before = sysfs_u64("policy_generation");
	int agent = agentd_pid();

	if (agent <= 1 || kill(agent, SIGHUP))
		return -1;
	/*
	 * The agent sets the mode, then the gate: two generations. It may still
	 * be busy with an earlier reload's audit (110 deny-listed passwords per
	 * account under TCG); a reload landing in the next test would reset its
	 * gate: wait up to 60 s.
	 */
	for (int i = 0; i < 1200; i++) {
		if (sysfs_u64("policy_generation") >= before + 2)
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

int pinned_map_set(const char *pin, const void *key, const void *value, bool add)
{
	int fd = bpf_obj_get(pin), ret;

	if (fd < 0)
		return -errno;
	ret = add ? bpf_map_update_elem(fd, key, value, BPF_ANY) : bpf_map_delete_elem(fd, key);
	close(fd);
	return ret ? -errno : 0;
}

int program_key(const char *path, struct login_program_key *key)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	/* The kernel's dev_t: 12 bits of major above 20 bits of minor. */
	key->dev = ((__u64)major(st.st_dev) << 20) | minor(st.st_dev);
	key->ino = st.st_ino;
	return 0;
}

bool program_registered(const char *path)
{
	struct login_program_key key;
	__u32 flags;
	bool found;
	int fd;

	if (program_key(path, &key))
		return false;
	fd = bpf_obj_get(LOGIN_GUARD_PROGRAMS_PIN);
	if (fd < 0)
		return false;
	found = !bpf_map_lookup_elem(fd, &key, &flags);
	close(fd);
	return found;
}

const char *bpf_lsm_missing(void)
{
	static int probe = 1;	/* not probed yet: the probe returns 0 or below */

	if (probe == 1)
		probe = bpf_lsm_attach_probe();
	return bpf_lsm_unsupported(probe) ?
	       "this kernel lists BPF LSM but cannot attach its programs (ENOTSUPP, probed)" :
	       NULL;
}
