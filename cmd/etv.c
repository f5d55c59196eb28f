/* etv -- front command: "etv chunk ARGS" runs "etv-chunk ARGS" */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/json/opt.h"
#include "lib/base/xmem.h"

static const char usage_text[] =
"usage: etv [-hV] tool [argument ...]\n"
"\n"
"Run the etv tool 'etv-TOOL' with the arguments given: 'etv chunk -s 400'\n"
"runs 'etv-chunk -s 400'.  Tools are looked up next to etv, then on PATH.\n"
"\n"
"options:\n"
"  -h, --help      list the installed tools and exit\n"
"  -V, --version   print the version and exit\n";

/* The directory this program lives in, or NULL; caller frees. */
static char *
self_dir(void)
{
	char path[PATH_MAX];
	ssize_t n;
	char *slash;

	if ((n = readlink("/proc/self/exe", path, sizeof(path) - 1)) <= 0)
		return NULL;
	path[n] = '\0';
	if ((slash = strrchr(path, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(path);
}

static int
is_exec(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * The purpose of a tool: the first line of its --help output that is not
 * the usage line and not blank.  Returns a string the caller frees, or
 * NULL.
 */
static char *
purpose(const char *path)
{
	struct buf cmd = BUF_INIT;
	char line[512];
	char *res = NULL;
	FILE *fp;
	size_t n;

	buf_printf(&cmd, "'%s' --help 2>/dev/null", path);
	if ((fp = popen(cmd.data, "r")) == NULL) {
		buf_release(&cmd);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp)) {
		n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (n == 0 || strncmp(line, "usage:", 6) == 0 ||
		    line[0] == ' ' || line[0] == '\t')
			continue;
		res = xstrdup(line);
		break;
	}
	/* The rest of the help is not needed; its status does not matter. */
	while (fgets(line, sizeof(line), fp))
		;
	pclose(fp);
	buf_release(&cmd);
	return res;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect "etv-*" executables in dir not already named in names. */
static void
scan(const char *dir, char ***names, char ***paths, size_t *n)
{
	struct buf p = BUF_INIT;
	struct dirent *de;
	size_t i;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "etv-", 4) != 0 || de->d_name[4] == '\0')
			continue;
		buf_reset(&p);
		buf_printf(&p, "%s/%s", dir, de->d_name);
		if (!is_exec(p.data))
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp((*names)[i], de->d_name + 4) == 0)
				break;
		if (i < *n)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		*paths = xreallocarray(*paths, *n + 1, sizeof(**paths));
		(*names)[*n] = xstrdup(de->d_name + 4);
		(*paths)[*n] = xstrdup(p.data);
		(*n)++;
	}
	closedir(d);
	buf_release(&p);
}

static void
list_tools(void)
{
	char **names = NULL, **paths = NULL, *dir, *path, *s, *tok, *why;
	size_t n = 0, i, j;

	fputs(usage_text, stdout);
	if ((dir = self_dir()) != NULL)
		scan(dir, &names, &paths, &n);
	free(dir);
	if ((s = getenv("PATH")) != NULL) {
		path = xstrdup(s);
		for (tok = strtok(path, ":"); tok; tok = strtok(NULL, ":"))
			scan(*tok ? tok : ".", &names, &paths, &n);
		free(path);
	}
	/* Sort names, keeping paths alongside. */
	for (i = 0; i < n; i++) {
		names[i] = xreallocarray(names[i], strlen(names[i]) + 1 +
		    strlen(paths[i]) + 1, 1);
		memcpy(names[i] + strlen(names[i]) + 1, paths[i],
		    strlen(paths[i]) + 1);
		free(paths[i]);
	}
	qsort(names, n, sizeof(*names), cmp_str);
	printf("\ntools:\n");
	for (i = 0; i < n; i++) {
		why = purpose(names[i] + strlen(names[i]) + 1);
		printf("  %-10s", names[i]);
		if (why) {
			/* Drop a leading "etv-x -- " from the purpose line. */
			s = strstr(why, " -- ");
			printf("  %s", s ? s + 4 : why);
		}
		putchar('\n');
		free(why);
	}
	for (j = 0; j < n; j++)
		free(names[j]);
	free(names);
	free(paths);
	exit(fflush(stdout) == EOF ? ETV_SYS : ETV_OK);
}

int
main(int argc, char *argv[])
{
	struct buf tool = BUF_INIT, path = BUF_INIT;
	char *dir;

	diag_init(argv[0]);
	if (argc < 2)
		diag_usage("no tool given");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		list_tools();
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		opt_version();
	if (argv[1][0] == '-')
		diag_usage("unknown option '%s'", argv[1]);
	if (strchr(argv[1], '/'))
		diag_usage("'%s' is not a tool name", argv[1]);
	buf_printf(&tool, "etv-%s", argv[1]);
	if ((dir = self_dir()) != NULL) {
		buf_printf(&path, "%s/%s", dir, tool.data);
		free(dir);
		if (is_exec(path.data)) {
			argv[1] = tool.data;
			execv(path.data, argv + 1);
		}
	}
	argv[1] = tool.data;
	execvp(tool.data, argv + 1);
	if (errno == ENOENT)
		diag_usage("'%s' is not an etv tool (no '%s' found)",
		    argv[1] + 4, tool.data);
	diag_fail(ETV_SYS, "cannot run '%s': %s", tool.data, strerror(errno));
}
