/* device.c — LHCALL_NOTIFY routing and the device life cycle, as the 3.x Launcher did
 * (ABI.md §3.2, generation C): a notify of a descriptor's address is a status change
 * (0 = reset, FAILED = warn + reset, otherwise the features are final: start); a notify of
 * a ring that reaches user space means the device was not started. */
#include <stdio.h>
#include <string.h>

#include "lglaunch.h"

static uint8_t *desc_ptr(struct lgl_vm *vm, const struct lgl_device *dev)
{
	return LGL_GPA(&vm->mem, vm->page_addr + dev->offset,
		       lg_desc_size(dev->num_vq, dev->feature_len, dev->config_len));
}

void lgl_device_reset(struct lgl_vm *vm, struct lgl_device *dev)
{
	uint8_t *d = desc_ptr(vm, dev);
	if (vm->verbose)
		fprintf(stderr, "lglaunch: resetting device[%u] (%s)\n", dev->index, dev->ops->name);
	for (unsigned q = 0; q < dev->nvq; q++) {
		lgl_ioeventfd(vm, &dev->vq[q], false);
		lgl_vq_reset(vm, &dev->vq[q]);
	}
	/* Clear the guest's half of the feature bitmap, as reset_device() did. */
	if (d)
		memset(d + LG_DESC_HDR_SIZE + LG_VQC_SIZE * dev->num_vq + dev->feature_len, 0,
		       dev->feature_len);
	if (dev->ops->reset)
		dev->ops->reset(vm, dev);
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
			dev->ops->name);
		for (unsigned i = 0; i < dev->feature_len; i++)
			fprintf(stderr, " %02x", offered[i]);
		fprintf(stderr, ", acked");
		for (unsigned i = 0; i < dev->feature_len; i++)
			fprintf(stderr, " %02x", acked[i]);
		fputc('\n', stderr);
	}
	for (unsigned q = 0; q < dev->nvq; q++)
		if (lgl_ioeventfd(vm, &dev->vq[q], true) < 0)
			return;
	dev->running = true;
	dev->failed = false;
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
			dev->ops->name, st);
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
			dev->ops->name);
		if (dev->running)
			lgl_device_reset(vm, dev);
	} else if ((st & LG_S_DRIVER_OK && !(st & LG_S_DRIVER)) ||
		   (st & LG_S_DRIVER && !(st & LG_S_ACKNOWLEDGE))) {
		lgl_report(vm, LG_CHK_STATUS_ORDER, sa, dev, -1,
			   "status %#04x: DRIVER_OK without DRIVER, or DRIVER without ACKNOWLEDGE", st);
		lgl_device_fail(vm, dev);
	} else if (dev->running) {
		fprintf(stderr, "lglaunch: device[%u] (%s) features finalized twice (ignored)\n",
			dev->index, dev->ops->name);
	} else {
		lgl_device_start(vm, dev);
	}
}

void lgl_notify(struct lgl_vm *vm, uint32_t addr);
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
				if (dev->running && !dev->failed) {
					dev->ops->service(vm, &dev->vq[q]); /* eventfd not yet on */
					return;
				}
				fprintf(stderr,
					"lglaunch: notification on device[%u] (%s) vq[%u] before setup "
					"(status not finalised)%s\n",
					d, dev->ops->name, q, dev->failed ? " or after it failed" : "");
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
