/* SPDX-License-Identifier: MIT */
/* shrink — run a command whose standard output is a one-page pipe, and truncate FILE while
 * the command is blocked writing to it; then let it go on.  For the test that a dump
 * re-written in place while lgcheck reads it ends in a message, not a SIGBUS.
 * usage: shrink FILE SIZE CMD ARGS...   Prints "exit N" or "signal N" for CMD; CMD's
 * stderr is ours.  The command must print more than two pages before its next read of
 * FILE (stdio's buffer and the pipe), so that it is stopped before that read. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: shrink FILE SIZE CMD ARGS...\n");
		return 2;
	}
	int p[2];
	if (pipe(p) < 0 || fcntl(p[1], F_SETPIPE_SZ, 4096) < 0) {
		perror("shrink: pipe");
		return 2;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[3], argv + 3);
		perror("shrink: exec");
		_exit(127);
	}
	close(p[1]);
	/* Wait until the pipe is full: the command is then blocked in write(). */
	int full = 0;
	for (int i = 0; i < 20000 && !full; i++) {
		int n = 0;
		ioctl(p[0], FIONREAD, &n);
		full = n >= 4096;
		if (!full) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	if (!full) {
		fprintf(stderr, "shrink: the command never filled its output pipe\n");
		return 2;
	}
	if (truncate(argv[1], atoll(argv[2])) < 0) {
		perror("shrink: truncate");
		return 2;
	}
	char buf[65536];
	while (read(p[0], buf, sizeof buf) > 0)
		;
	int st;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		printf("exit %d\n", WEXITSTATUS(st));
	else
		printf("signal %d\n", WTERMSIG(st));
	return 0;
}
