// SPDX-License-Identifier: GPL-2.0
/* Pinned BPF links: comparing the pinned program, replacing a pin atomically. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_pin.h"

/* bpffs refuses dots in names: no ".new" suffix. */
#define PIN_TMP_SUFFIX "_new"

static int prog_tag(int prog_fd, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return 0;
}

/*
 * The program behind a pinned link. Get the pin, query it, close it: the
 * shape of every read of a pinned object (login_guard_maps.c has it too);
 * what each reads differs.
 */
int bpf_pin_link_prog_fd(const char *pin)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int link_fd, prog_fd, ret;

	link_fd = bpf_obj_get(pin);
	if (link_fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(link_fd, &info, &len) ? -errno : 0;
	close(link_fd);
	if (ret)
		return ret;
	prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
	return prog_fd < 0 ? -errno : prog_fd;
}

int bpf_pin_link_prog_id(const char *pin, __u32 *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_pin_link_prog_fd(pin), ret;

	if (fd < 0)
		return fd;
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (!ret)
		*id = info.id;
	return ret;
}

int bpf_pin_map_of_program(const char *map_pin, const char *link_pin)
{
	struct bpf_prog_info info = {};
	struct bpf_map_info map = {};
	__u32 len = sizeof(info), map_len = sizeof(map), ids[64];
	int prog_fd, map_fd, ret;

	map_fd = bpf_obj_get(map_pin);
	if (map_fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(map_fd, &map, &map_len) ? -errno : 0;
	close(map_fd);
	if (ret)
		return ret;
	prog_fd = bpf_pin_link_prog_fd(link_pin);
	if (prog_fd < 0)
		return prog_fd;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	ret = bpf_obj_get_info_by_fd(prog_fd, &info, &len) ? -errno : 0;
	close(prog_fd);
	if (ret)
		return ret;
	ret = -ESTALE;
	for (__u32 i = 0; i < info.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == map.id)
			ret = 0;
	return ret;
}

/* The tag of the program behind a pinned link, if one is pinned. */
static int pinned_prog_tag(const char *pin, __u8 tag[BPF_TAG_SIZE])
{
	int prog_fd = bpf_pin_link_prog_fd(pin), ret;

	if (prog_fd < 0)
		return prog_fd;
	ret = prog_tag(prog_fd, tag);
	close(prog_fd);
	return ret;
}

bool bpf_pin_same_program(struct bpf_program *prog, const char *pin)
{
	__u8 old_tag[BPF_TAG_SIZE], new_tag[BPF_TAG_SIZE];

	return pinned_prog_tag(pin, old_tag) == 0 &&
	       prog_tag(bpf_program__fd(prog), new_tag) == 0 &&
	       !memcmp(old_tag, new_tag, BPF_TAG_SIZE);
}

int bpf_pin_link(struct bpf_link *link, const char *pin, struct iotguard_error *err)
{
	char tmp[256];
	int ret;

	snprintf(tmp, sizeof(tmp), "%s%s", pin, PIN_TMP_SUFFIX);
	unlink(tmp);
	ret = bpf_link__pin(link, tmp);
	if (!ret && rename(tmp, pin))
		ret = -errno;
	if (ret) {
		iotguard_fail_errno(err, -ret, "pinning the link at %s", pin);
		unlink(tmp);
	}
	return ret;
}

/* Is fd a BPF link? The anonymous inode says so: "anon_inode:bpf-link". */
static bool is_link_fd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-link");
}

int bpf_pin_link_fds(const char *dir_path, int *fds, size_t max)
{
	struct dirent *entry;
	size_t n = 0;
	int ret = 0;
	char pin[256];
	DIR *dir;

	dir = opendir(dir_path);
	if (!dir)
		return -errno;
	while ((entry = readdir(dir))) {
		int fd;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(pin, sizeof(pin), "%s/%.64s", dir_path, entry->d_name);
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		if (!is_link_fd(fd)) {
			close(fd);
			continue;
		}
		if (n == max) {
			close(fd);
			ret = -E2BIG;
			break;
		}
		fds[n++] = fd;
	}
	closedir(dir);
	if (ret) {
		while (n)
			close(fds[--n]);
		return ret;
	}
	return (int)n;
}

/* A write held in progress (a key in a page that faults slowly) delays a freeze this long. */
#define FREEZE_TRIES 200
#define FREEZE_RETRY_US 10000

/*
 * A frozen map refuses every syscall write with EPERM before it looks at
 * the key. So deleting a key no map of ours holds (every byte 0xff: an
 * LPM prefix longer than any, an array index past the end, a generation
 * never used) tells a frozen map (EPERM) from one that is not (ENOENT,
 * EINVAL; or 0, if someone put that key there: not frozen either).
 */
static int fd_frozen(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	unsigned char *key;
	int ret;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	key = malloc(info.key_size ? info.key_size : 1);
	if (!key)
		return -ENOMEM;
	memset(key, 0xff, info.key_size);
	ret = bpf_map_delete_elem(fd, key) && errno == EPERM;
	free(key);
	return ret;
}

int bpf_pin_frozen(const char *pin)
{
	int fd = bpf_obj_get(pin), ret;

	if (fd < 0)
		return -errno;
	ret = fd_frozen(fd);
	close(fd);
	return ret;
}

int bpf_pin_freeze(const char *pin)
{
	int fd = bpf_obj_get(pin), ret = 0;

	if (fd < 0)
		return -errno;
	for (int i = 0;; i++) {
		int why;

		if (!bpf_map_freeze(fd))
			break;
		why = errno;
		/*
		 * Frozen already (an earlier lock): EBUSY on 6.1, EPERM on
		 * 6.12, which checks for write access first. EBUSY also while
		 * a write is in progress.
		 */
		ret = fd_frozen(fd);
		if (ret) {
			ret = ret < 0 ? ret : 0;
			break;
		}
		if (why != EBUSY) {
			ret = -why;
			break;
		}
		if (i == FREEZE_TRIES) {
			ret = -EBUSY;
			break;
		}
		usleep(FREEZE_RETRY_US);
	}
	close(fd);
	return ret;
}

int bpf_pin_sum_percpu(const char *pin, __u64 *out, __u32 n)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *per_cpu;
	int fd, ret = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	for (__u32 i = 0; i < n; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(fd, &i, per_cpu)) {
			ret = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			out[i] += per_cpu[c];
	}
	close(fd);
out:
	free(per_cpu);
	return ret;
}

int bpf_pin_copy_add(struct bpf_pin_copy *copy, const void *key, const void *value)
{
	size_t entry_size = copy->key_size + copy->value_size;

	if (copy->n == copy->cap) {
		size_t cap = copy->cap ? 2 * copy->cap : 64;
		unsigned char *grown = realloc(copy->entries, cap * entry_size);

		if (!grown)
			return -ENOMEM;
		copy->entries = grown;
		copy->cap = cap;
	}
	memcpy(copy->entries + copy->n * entry_size, key, copy->key_size);
	memcpy(copy->entries + copy->n * entry_size + copy->key_size, value, copy->value_size);
	copy->n++;
	return 0;
}

static int count_keys(int fd, size_t key_size, size_t *n)
{
	unsigned char *key = malloc(2 * key_size);
	const void *prev = NULL;

	if (!key)
		return -ENOMEM;
	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, key)) {
		(*n)++;
		memcpy(key + key_size, key, key_size);
		prev = key + key_size;
	}
	free(key);
	return 0;
}

int bpf_pin_copy_check(const char *pin, const struct bpf_pin_copy *copy, bool exact)
{
	size_t entry_size = copy->key_size + copy->value_size, n;
	unsigned char *value = malloc(copy->value_size ? copy->value_size : 1);
	int fd, ret = 0;

	if (!value)
		return -ENOMEM;
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (exact) {
		ret = count_keys(fd, copy->key_size, &n);
		if (!ret && n != copy->n)
			ret = -EAGAIN;
	}
	for (size_t i = 0; !ret && i < copy->n; i++) {
		const unsigned char *e = copy->entries + i * entry_size;

		memset(value, 0, copy->value_size);
		if (bpf_map_lookup_elem(fd, e, value) ||
		    memcmp(value, e + copy->key_size, copy->value_size))
			ret = -EAGAIN;
	}
	close(fd);
out:
	free(value);
	return ret;
}

void bpf_pin_copy_free(struct bpf_pin_copy *copy)
{
	free(copy->entries);
	copy->entries = NULL;
	copy->n = copy->cap = 0;
}
