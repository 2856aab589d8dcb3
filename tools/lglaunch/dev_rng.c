/* SPDX-License-Identifier: MIT */
/* dev_rng.c — virtio rng (type 4): one queue of writable buffers filled by getrandom(). */
#include <errno.h>
#include <sys/random.h>

#include "lglaunch.h"

static void rng_service(struct lgl_vm *vm, struct lgl_vq *vq)
{
	struct lgl_chain c;
	while (lgl_vq_pop(vm, vq, &c) == LGL_POP_OK) {
		uint32_t done = 0;
		for (unsigned i = c.nout; i < c.n; i++) {
			size_t off = 0;
			while (off < c.iov[i].len) {
				ssize_t n = getrandom(c.iov[i].host + off, c.iov[i].len - off, 0);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				off += (size_t)n;
			}
			done += (uint32_t)off;
			if (off < c.iov[i].len)
				break;
		}
		lgl_vq_push(vm, vq, c.head, done);
	}
}

const struct lgl_dev_class lgl_rng_class = {
	.type = LG_TYPE_RNG,
	.nvq = 1,
	.flag = "rng",
	.flag_help = "a virtio rng device (getrandom)",
	.service = rng_service,
};
