/* SPDX-License-Identifier: MIT */
/* dev_console.c — virtio console (type 3): vq0 receives stdin, vq1 transmits to stdout.
 * Like the real Launcher's, no features and no config.  Output and input both run on the
 * console's own thread (device.c), under vm->lock: it is the only writer of stdout. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lglaunch.h"
#include "output.h"

static void console_service(struct lgl_vm *vm, struct lgl_vq *vq)
{
	if (vq->index != 1)
		return; /* input buffers wait for stdin */
	struct lgl_chain c;
	while (lgl_vq_pop(vm, vq, &c) == LGL_POP_OK) {
		for (unsigned i = 0; i < c.nout; i++)
			if (lgt_write_all(STDOUT_FILENO, c.iov[i].host, c.iov[i].len) < 0)
				break; /* stdout closed: the guest's output is dropped */
		lgl_vq_push(vm, vq, c.head, 0);
	}
}

/* stdin feeds the guest when it is a terminal or a pipe and the guest posted buffers; after
 * end of file (or an error) it is left alone, as the real Launcher ignored it.  Guarded by
 * vm->lock like the rest of the device. */
static bool stdin_closed;

static bool console_wants_input(struct lgl_vm *vm, struct lgl_device *dev, int *fd)
{
	struct stat st;
	if (stdin_closed || fstat(STDIN_FILENO, &st) < 0 ||
	    !(isatty(STDIN_FILENO) || S_ISFIFO(st.st_mode)))
		return false;
	*fd = STDIN_FILENO;
	return lgl_vq_has_avail(vm, &dev->vq[0]);
}

/* stdin is readable: fill the first writable buffer of the next chain.  A length of 0 in
 * the used entry tells the guest the input ended. */
static void console_input(struct lgl_vm *vm, struct lgl_device *dev)
{
	struct lgl_vq *vq = &dev->vq[0];
	struct lgl_chain c;
	if (lgl_vq_pop(vm, vq, &c) != LGL_POP_OK)
		return;
	uint32_t got = 0;
	if (c.n > c.nout) {
		ssize_t n = read(STDIN_FILENO, c.iov[c.nout].host, c.iov[c.nout].len);
		if (n > 0)
			got = (uint32_t)n;
		else
			stdin_closed = true;
	}
	lgl_vq_push(vm, vq, c.head, got);
}

const struct lgl_dev_class lgl_console_class = {
	.type = LG_TYPE_CONSOLE,
	.nvq = 2,
	.service = console_service,
	.wants_input = console_wants_input,
	.input = console_input,
};
