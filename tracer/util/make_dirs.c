/* SPDX-License-Identifier: MIT */
/* make_dirs.c - see make_dirs.h. */
#include "make_dirs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int make_dirs(const char *dir)
{
	char *path = strdup(dir);
	if (!path)
		return -ENOMEM;
	int ret = 0;
	for (char *p = path + 1; *p && !ret; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0777) && errno != EEXIST)
			ret = -errno;
		*p = '/';
	}
	free(path);
	struct stat st;
	if (!ret && mkdir(dir, 0777) && errno != EEXIST)
		ret = -errno;
	if (!ret && stat(dir, &st))
		ret = -errno;
	if (!ret && !S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	if (!ret && access(dir, W_OK | X_OK))
		ret = -errno;
	return ret;
}
