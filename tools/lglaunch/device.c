/* SPDX-License-Identifier: MIT */
/* device.c — LHCALL_NOTIFY routing, the device life cycle and the devices' service
 * threads, as the 3.x Launcher did (its status protocol since 3.2, "generation C"): a
 * notify of a descriptor's address is a status change (0 = reset, FAILED = warn + reset, otherwise the features are
 * final: start); a notify of a ring is a kick, handed to the device's thread while the
 * device runs (on KVM the kernel signals its eventfd without an exit), and before that
 * means the device was not started.
 *
 * Threads and locking (the whole rule is at the top of core.c): starting a device opens
 * its rings' kick eventfds (which the backend signals itself where it can: KVM_IOEVENTFD)
 * and creates its service thread, which blocks in poll() on those eventfds, its wake
 * eventfd and, while the device wants input, the input fd.  Everything here runs with vm->lock held: the notify handlers on the vCPU thread, a service round on
 * the device's thread (the lock is dropped only around poll()).  A reset, and the end of
 * lgl_run, first stops the thread (lgl_device_stop) and joins it with the lock dropped; the
 * thread serves what was already kicked, then returns.  A device failed by a bad chain
 * keeps its thread, which then consumes kicks without serving them, until the guest resets
 * the device or the launcher exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "lglaunch.h"

static uint8_t *desc_ptr(struct lgl_vm *vm, const struct lgl_device *dev)
{
	return LGL_GPA(&vm->mem, vm->page_addr + dev->offset,
		       lg_desc_size(dev->num_vq, dev->feature_len, dev->config_len));
}

/* ---------------------------------------------------------------- service threads */

static void poke(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof one) < 0) {
		/* EAGAIN: the counter is already huge, the reader wakes anyway */
	}
}

/* One service round (vm->lock held): take every kick and serve its ring, then input. */
static void serve(struct lgl_vm *vm, struct lgl_device *dev, bool woken, bool input_ready)
{
	uint64_t n;
	if (woken && read(dev->wake_fd, &n, sizeof n) < 0) {
		/* EAGAIN: already consumed */
	}
	for (unsigned q = 0; q < dev->nvq; q++) {
		struct lgl_vq *vq = &dev->vq[q];
		if (vq->kickfd < 0 || read(vq->kickfd, &n, sizeof n) != sizeof n)
			continue;
		vq->kicks += n;
		if (dev->running && !dev->failed && dev->cls->service)
			dev->cls->service(vm, vq);
	}
	if (input_ready && dev->running && !dev->failed && dev->cls->input)
		dev->cls->input(vm, dev);
}

static void *device_thread(void *arg)
{
	struct lgl_device *dev = arg;
	struct lgl_vm *vm = dev->vm;
	/* The wake eventfd, a kick eventfd per ring, the input fd. */
	struct pollfd *pfd = calloc(dev->nvq + 2, sizeof *pfd);
	pthread_mutex_lock(&vm->lock);
	if (!pfd) {
		fprintf(stderr, "lglaunch: device[%u] (%s): out of memory\n", dev->index, lgl_dev_name(dev));
		lgl_device_fail(vm, dev);
		pthread_mutex_unlock(&vm->lock);
		return NULL;
	}
	while (!dev->stopping) {
		nfds_t n = 0, in_slot;
		int in_fd = -1;
		pfd[n++] = (struct pollfd){.fd = dev->wake_fd, .events = POLLIN};
		for (unsigned q = 0; q < dev->nvq; q++)
			if (dev->vq[q].kickfd >= 0)
				pfd[n++] = (struct pollfd){.fd = dev->vq[q].kickfd, .events = POLLIN};
		in_slot = n;
		dev->polling_input = !dev->failed && dev->cls->wants_input &&
				     dev->cls->wants_input(vm, dev, &in_fd);
		if (dev->polling_input)
			pfd[n++] = (struct pollfd){.fd = in_fd, .events = POLLIN};
		pthread_mutex_unlock(&vm->lock);
		lgl_vcpu_wake(vm); /* the irqs of the last round */
		int r = poll(pfd, n, -1);
		int err = errno;
		pthread_mutex_lock(&vm->lock);
		if (r < 0 && err != EINTR) {
			fprintf(stderr, "lglaunch: device[%u] (%s): poll: %s\n", dev->index,
				lgl_dev_name(dev), strerror(err));
			lgl_device_fail(vm, dev);
			break;
		}
		if (r > 0)
			serve(vm, dev, pfd[0].revents != 0, in_slot < n && pfd[in_slot].revents != 0);
		lgl_vcpu_recheck(vm);
	}
	/* Asked to stop: what the guest kicked before is served first (its last output before
	 * a shutdown, a bad chain's report). */
	serve(vm, dev, true, false);
	dev->polling_input = false;
	pthread_mutex_unlock(&vm->lock);
	free(pfd);
	lgl_vcpu_wake(vm);
	return NULL;
}

static int start_thread(struct lgl_vm *vm, struct lgl_device *dev)
{
	dev->vm = vm;
	dev->stopping = false;
	dev->polling_input = false;
	dev->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dev->wake_fd < 0)
		return -1;
	/* Asynchronous signals (the vCPU's kick, --timeout's alarm, ^C) are for the vCPU
	 * thread; faults and SIGPIPE stay with the thread that caused them. */
	sigset_t block, old;
	sigfillset(&block);
	static const int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
					SIGABRT, SIGSYS, SIGPIPE};
	for (size_t i = 0; i < sizeof sync_sigs / sizeof sync_sigs[0]; i++)
		sigdelset(&block, sync_sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int e = pthread_create(&dev->thread, NULL, device_thread, dev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		close(dev->wake_fd);
		dev->wake_fd = -1;
		errno = e;
		return -1;
	}
	dev->thread_on = true;
	return 0;
}

void lgl_device_stop(struct lgl_vm *vm, struct lgl_device *dev)
{
	if (!dev->thread_on)
		return;
	dev->stopping = true;
	poke(dev->wake_fd);
	/* The thread needs the lock to see the request and to finish its round. */
	pthread_mutex_unlock(&vm->lock);
	pthread_join(dev->thread, NULL);
	pthread_mutex_lock(&vm->lock);
	dev->thread_on = false;
	dev->stopping = false;
	close(dev->wake_fd);
	dev->wake_fd = -1;
}

bool lgl_device_busy(struct lgl_vm *vm, const struct lgl_device *dev)
{
	(void)vm;
	for (unsigned q = 0; q < dev->nvq; q++) {
		struct pollfd p = {.fd = dev->vq[q].kickfd, .events = POLLIN};
		if (p.fd >= 0 && poll(&p, 1, 0) > 0)
			return true;
	}
	return false;
}

/* The vCPU thread found the device waiting for input its thread may not be polling yet. */
void lgl_device_wake(struct lgl_device *dev)
{
	if (dev->thread_on && !dev->polling_input)
		poke(dev->wake_fd);
}

/* ---------------------------------------------------------------- life cycle */

/* Open the ring's kick eventfd; the backend signals it itself where it can. */
static int kick_on(struct lgl_vm *vm, struct lgl_vq *vq)
{
	if (vq->kickfd >= 0)
		return 0;
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "lglaunch: eventfd: %s\n", strerror(errno));
		return -1;
	}
	if (vm->be->attach_kick) {
		if (vm->be->attach_kick(vm, vq, fd, true) < 0) {
			close(fd);
			return -1;
		}
		vq->kick_attached = true;
	}
	vq->kickfd = fd;
	return 0;
}

static void kick_off(struct lgl_vm *vm, struct lgl_vq *vq)
{
	if (vq->kickfd < 0)
		return;
	if (vq->kick_attached)
		vm->be->attach_kick(vm, vq, vq->kickfd, false);
	vq->kick_attached = false;
	close(vq->kickfd);
	vq->kickfd = -1;
}

void lgl_device_kicks_off(struct lgl_vm *vm, struct lgl_device *dev)
{
	for (unsigned q = 0; q < dev->nvq; q++)
		kick_off(vm, &dev->vq[q]);
}

void lgl_device_reset(struct lgl_vm *vm, struct lgl_device *dev)
{
	lgl_device_stop(vm, dev); /* from here on only the vCPU thread touches the device */
	uint8_t *d = desc_ptr(vm, dev);
	if (vm->verbose)
		fprintf(stderr, "lglaunch: resetting device[%u] (%s)\n", dev->index, lgl_dev_name(dev));
	lgl_device_kicks_off(vm, dev);
	for (unsigned q = 0; q < dev->nvq; q++)
		lgl_vq_reset(vm, &dev->vq[q]);
	/* Clear the guest's half of the feature bitmap, as reset_device() did. */
	if (d)
		memset(d + LG_DESC_HDR_SIZE + LG_VQC_SIZE * dev->num_vq + dev->feature_len, 0,
		       dev->feature_len);
	if (dev->cls->reset)
		dev->cls->reset(vm, dev);
	dev->running = false;
	dev->failed = false;
}

void lgl_device_start(struct lgl_vm *vm, struct lgl_device *dev)
{
	uint8_t *d = desc_ptr(vm, dev);
	if (!d)
		return;
	const uint8_t *offered = d + LG_DESC_HDR_SIZE + LG_VQC_SIZE * dev->num_vq;
	const uint8_t *acked = offered + dev->feature_len;
	for (unsigned i = 0; i < dev->feature_len; i++)
		if (acked[i] & ~offered[i]) {
			lgl_report(vm, LG_CHK_FEAT_ACKED_SUBSET,
				   vm->page_addr + dev->offset + (uint64_t)(acked + i - d),
				   dev, -1, "acknowledged byte %u = %#04x, offered %#04x", i,
				   acked[i], offered[i]);
			lgl_device_fail(vm, dev);
			return;
		}
	if (vm->verbose) {
		fprintf(stderr, "lglaunch: starting device[%u] (%s), features offered", dev->index,
			lgl_dev_name(dev));
		for (unsigned i = 0; i < dev->feature_len; i++)
			fprintf(stderr, " %02x", offered[i]);
		fprintf(stderr, ", acked");
		for (unsigned i = 0; i < dev->feature_len; i++)
			fprintf(stderr, " %02x", acked[i]);
		fputc('\n', stderr);
	}
	/* The walk follows indirect tables only when both sides agreed on them. */
	unsigned ib = LG_F_RING_INDIRECT_DESC / 8, im = 1u << (LG_F_RING_INDIRECT_DESC % 8);
	dev->indirect = ib < dev->feature_len && (offered[ib] & acked[ib] & im);
	for (unsigned q = 0; q < dev->nvq; q++)
		if (kick_on(vm, &dev->vq[q]) < 0)
			goto undo;
	dev->running = true;
	dev->failed = false;
	if (start_thread(vm, dev) == 0)
		return;
	fprintf(stderr, "lglaunch: device[%u] (%s): cannot start its service thread: %s\n",
		dev->index, lgl_dev_name(dev), strerror(errno));
	dev->running = false;
undo:
	lgl_device_kicks_off(vm, dev);
}

static void status_change(struct lgl_vm *vm, struct lgl_device *dev)
{
	uint64_t sa = vm->page_addr + dev->offset + LG_DESC_STATUS;
	const uint8_t *p = LGL_GPA(&vm->mem, sa, 1);
	if (!p)
		return;
	uint8_t st = *p; /* read once */
	if (vm->verbose)
		fprintf(stderr, "lglaunch: device[%u] (%s) status 0x%02x\n", dev->index,
			lgl_dev_name(dev), st);
	if (st & ~LG_S_VALID_MASK) {
		lgl_report(vm, LG_CHK_STATUS_BITS, sa, dev, -1,
			   "status %#04x has bits %#04x outside ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED",
			   st, st & ~LG_S_VALID_MASK);
		lgl_device_fail(vm, dev);
		return;
	}
	if (st == 0) {
		lgl_device_reset(vm, dev);
	} else if (st & LG_S_FAILED) {
		fprintf(stderr, "lglaunch: device[%u] (%s) configuration FAILED\n", dev->index,
			lgl_dev_name(dev));
		if (dev->running)
			lgl_device_reset(vm, dev);
	} else if ((st & LG_S_DRIVER_OK && !(st & LG_S_DRIVER)) ||
		   (st & LG_S_DRIVER && !(st & LG_S_ACKNOWLEDGE))) {
		lgl_report(vm, LG_CHK_STATUS_ORDER, sa, dev, -1,
			   "status %#04x: DRIVER_OK without DRIVER, or DRIVER without ACKNOWLEDGE", st);
		lgl_device_fail(vm, dev);
	} else if (dev->running) {
		fprintf(stderr, "lglaunch: device[%u] (%s) features finalized twice (ignored)\n",
			dev->index, lgl_dev_name(dev));
	} else {
		lgl_device_start(vm, dev);
	}
}

void lgl_notify(struct lgl_vm *vm, uint32_t addr)
{
	for (unsigned d = 0; d < vm->ndev; d++) {
		struct lgl_device *dev = &vm->dev[d];
		if (addr == vm->page_addr + dev->offset) {
			status_change(vm, dev);
			return;
		}
		for (unsigned q = 0; q < dev->nvq; q++)
			if (addr == (uint64_t)dev->vq[q].pfn << 12) {
				if (dev->vq[q].kickfd >= 0) {
					/* Started (and maybe failed since): the kick is the device
					 * thread's, which consumes it, as KVM_IOEVENTFD would. */
					poke(dev->vq[q].kickfd);
					return;
				}
				fprintf(stderr,
					"lglaunch: notification on device[%u] (%s) vq[%u] before setup "
					"(status not finalised)%s\n",
					d, lgl_dev_name(dev), q, dev->failed ? " or after it failed" : "");
				vm->guest_broke = true;
				return;
			}
	}
	fprintf(stderr,
		"lglaunch: bad notify %#x: neither a ring (pfn << 12) nor a device descriptor in the "
		"page at %#llx\n",
		addr, (unsigned long long)vm->page_addr);
	vm->guest_broke = true;
}

/* ---------------------------------------------------------------- device classes */

/* Every device class lglaunch serves: a new device type adds its file and one line here. */
static const struct lgl_dev_class *const classes[] = {
	&lgl_block_class, &lgl_rng_class, &lgl_net_class, &lgl_console_class,
};

const struct lgl_dev_class lgl_idle_class = {0};

const char *lgl_dev_name(const struct lgl_device *dev)
{
	const char *n = dev->cls != &lgl_idle_class ? lg_type_name(dev->type) : NULL;
	return n ? n : "unsupported";
}

const struct lgl_dev_class *lgl_dev_class_at(unsigned i)
{
	return i < sizeof classes / sizeof classes[0] ? classes[i] : NULL;
}

const struct lgl_dev_class *lgl_dev_class_of(uint8_t type)
{
	const struct lgl_dev_class *c;
	for (unsigned i = 0; (c = lgl_dev_class_at(i)); i++)
		if (c->type == type)
			return c;
	return NULL;
}

void lgl_add_feature(struct lg_device *d, unsigned bit)
{
	if (bit / 8 + 1 > d->feature_len)
		d->feature_len = (uint8_t)(bit / 8 + 1);
	d->host_features[bit / 8] |= (uint8_t)(1u << (bit % 8));
}
