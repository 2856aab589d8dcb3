/* SPDX-License-Identifier: MIT */
/* qmp — a tiny QMP client for the dump tests: qmp SOCKET 'JSON-COMMAND'...
 *
 * Connects to QEMU's QMP unix socket (retrying while QEMU starts), negotiates
 * capabilities, sends each command in turn and waits for its answer (events are
 * skipped).  Prints each answer on stdout.  Exit 0 when every command returned, 1 when
 * one answered with an error, 2 when the socket or QEMU failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
static size_t have;

/* Read one line (QMP answers are one JSON object per line).  Timeout in seconds. */
static int read_line(int fd, char *line, size_t max, int timeout)
{
	for (;;) {
		char *nl = memchr(buf, '\n', have);
		if (nl) {
			size_t n = (size_t)(nl - buf) + 1;
			size_t c = n < max ? n : max - 1;
			memcpy(line, buf, c);
			line[c] = 0;
			memmove(buf, buf + n, have - n);
			have -= n;
			return 0;
		}
		if (have == sizeof buf)
			have = 0; /* an absurd line: drop it */
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, timeout * 1000);
		if (r <= 0)
			return -1;
		ssize_t k = read(fd, buf + have, sizeof buf - have);
		if (k <= 0)
			return -1;
		have += (size_t)k;
	}
}

static int send_all(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n) {
		/* MSG_NOSIGNAL: QEMU may close the socket as soon as it has parsed "quit". */
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Send cmd (and its newline, in one write: QEMU's parser acts on a complete object before
 * the newline arrives), wait for its "return" or "error" line.  After "quit" QEMU may close
 * the socket before its answer reaches us: the end of the stream then counts as done. */
static int command(int fd, const char *cmd, int timeout)
{
	static char line[1 << 16];
	char *msg = NULL;
	if (asprintf(&msg, "%s\n", cmd) < 0)
		return 2;
	int quit = strstr(cmd, "\"quit\"") != NULL;
	int sent = send_all(fd, msg);
	int err = errno;
	free(msg);
	if (sent < 0 && !(quit && (err == EPIPE || err == ECONNRESET))) {
		fprintf(stderr, "qmp: cannot send %s: %s\n", cmd, strerror(err));
		return 2;
	}
	for (;;) {
		if (read_line(fd, line, sizeof line, timeout) < 0) {
			if (quit)
				return 0;
			fprintf(stderr, "qmp: no answer to %s\n", cmd);
			return 2;
		}
		if (strstr(line, "\"event\""))
			continue;
		fputs(line, stdout);
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\""))
			return 1;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: qmp SOCKET JSON-COMMAND...\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(argv[1]) >= sizeof sa.sun_path) {
		fprintf(stderr, "qmp: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	int fd = -1;
	for (int tries = 0; tries < 200; tries++) { /* up to 20 s for QEMU to start */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return 2;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		close(fd);
		fd = -1;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (fd < 0) {
		fprintf(stderr, "qmp: cannot connect to %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	char greeting[4096];
	if (read_line(fd, greeting, sizeof greeting, 20) < 0 || !strstr(greeting, "QMP")) {
		fprintf(stderr, "qmp: no QMP greeting on %s\n", argv[1]);
		return 2;
	}
	int rc = command(fd, "{\"execute\":\"qmp_capabilities\"}", 20);
	for (int i = 2; rc == 0 && i < argc; i++)
		rc = command(fd, argv[i], 600);
	close(fd);
	return rc;
}
