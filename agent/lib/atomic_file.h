/* SPDX-License-Identifier: GPL-2.0 */
/* Files that readers see whole or not at all: published files, agent state, the shadow file. */
#ifndef IOTGUARD_ATOMIC_FILE_H
#define IOTGUARD_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/*
 * Write text to the absolute path with mode: into a fresh temporary file
 * beside it, fsync, rename over path, fsync the directory. The directory
 * is reached from "/" one component at a time without following symbolic
 * links (missing ones are created 0755), and refused if it or any
 * ancestor is owned by a user other than root and the agent, or writable
 * by group or others without the sticky bit. path itself may not be a
 * symbolic link. 0, or a negative errno with error naming the path and
 * the reason: then path is as it was (unless only the directory's final
 * fsync failed, which the error says).
 */
int atomic_file_write(const char *path, const char *text, mode_t mode,
		      struct iotguard_error *error);

/* How atomic_file_write_at writes; atomic_file_write's are the mode and nothing else. */
struct atomic_file_opts {
	mode_t mode;		/* whatever the umask */
	/*
	 * The owner and group to give the file, e.g. those of the file it
	 * replaces; (uid_t)-1: the writer's. Failing is an error for root only:
	 * anyone else cannot give a file away, and their file stays theirs.
	 */
	uid_t uid;
	gid_t gid;
	/*
	 * First remove the temporaries of this name that a killed writer left
	 * behind: they may hold secrets. Only for callers that keep every other
	 * writer of the file out (a lock), or one's temporary would vanish.
	 */
	bool remove_stale;
};

/*
 * Remove the temporaries beside path (".<name>.iotguard-...") that a
 * writer killed before its rename left there, each as big as the file.
 * Only for path's one writer, which keeps any other out (iotguardd's
 * instance lock): another writer's temporary would vanish before its
 * rename, and that write would fail. Best effort: a directory that is
 * missing, or that a write would refuse, is left alone (its next write
 * says why).
 */
void atomic_file_remove_stale(const char *path);

/*
 * As atomic_file_write, for a caller that writes where it trusts the path
 * (the credential store it was pointed at) and has opened the directory
 * dirfd itself: replace name, one component, with data[0..len). The
 * directory is neither walked nor checked, and whatever is at name is
 * replaced. dir names the directory in errors.
 */
int atomic_file_write_at(int dirfd, const char *dir, const char *name, const void *data,
			 size_t len, const struct atomic_file_opts *opts,
			 struct iotguard_error *error);

/* Tests clear this to take the openat() walk that kernels before 5.6 need. */
extern bool atomic_file_use_openat2;

#endif
