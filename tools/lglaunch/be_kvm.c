/* SPDX-License-Identifier: MIT */
/* be_kvm.c — the KVM backend: VM, memslot over the core's memory, vCPU, ioeventfd kicks,
 * interrupt injection and KVM_RUN (backend.h).  What /dev/kvm is on our machines (a PVM
 * backend: ring-0 guest code emulated, `vmcall` livelocks, 32-bit `iret` fails) shaped the
 * guest ABI in lg_hcall.h, not this file.
 *
 * Ways out of KVM_RUN: kick (a device thread raised an irq) sets immediate_exit, for a
 * KVM_RUN not yet entered, and sends SIGUSR1 to the vCPU thread, whose no-op handler makes
 * a KVM_RUN in progress end with EINTR (device threads block the asynchronous signals, so
 * they all land on the vCPU thread); kick_async (the timeout's SIGALRM handler, already on
 * the vCPU thread) only sets immediate_exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lglaunch.h"

#define KICK_SIGNAL SIGUSR1

struct kvm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t vcpu_thread;
	bool want_window; /* an irq waits for the guest to take interrupts */
};

static struct kvm *K(struct lgl_vm *vm)
{
	return vm->be_priv;
}

/* ioctl(fd, req, arg); on failure "lglaunch: NAME: why" on stderr.  Returns ioctl's result. */
static int kvm_call(int fd, unsigned long req, void *arg, const char *name)
{
	int rc = ioctl(fd, req, arg);
	if (rc < 0)
		fprintf(stderr, "lglaunch: %s: %s\n", name, strerror(errno));
	return rc;
}

static int kvm_probe(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "/dev/kvm: %s", strerror(errno));
		return -1;
	}
	int v = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (v != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm: API version %d, expected %d", v, KVM_API_VERSION);
		return -1;
	}
	return 0;
}

static void on_kick(int sig)
{
	(void)sig; /* interrupting KVM_RUN is all it is for */
}

static int kvm_create(struct lgl_vm *vm, enum lgl_mode mode)
{
	(void)mode;
	struct kvm *k = calloc(1, sizeof *k);
	if (!k)
		return -1;
	k->kvm_fd = k->vm_fd = k->vcpu_fd = -1;
	vm->be_priv = k;
	k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0) {
		fprintf(stderr, "lglaunch: /dev/kvm: %s\n", strerror(errno));
		return -1;
	}
	static const struct {
		int cap;
		const char *name;
	} need[] = {{KVM_CAP_USER_MEMORY, "USER_MEMORY"},
		    {KVM_CAP_IOEVENTFD, "IOEVENTFD"},
		    {KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT"}};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			fprintf(stderr, "lglaunch: /dev/kvm lacks KVM_CAP_%s\n", need[i].name);
			return -1;
		}
	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		fprintf(stderr, "lglaunch: KVM_CREATE_VM: %s\n", strerror(errno));
		return -1;
	}
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.base,
	};
	if (kvm_call(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r, "KVM_SET_USER_MEMORY_REGION") < 0)
		return -1;
	k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
	if (k->vcpu_fd < 0) {
		fprintf(stderr, "lglaunch: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	int sz = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "lglaunch: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return -1;
	}
	k->run_size = (size_t)sz;
	void *p = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "lglaunch: mmap(kvm_run): %s\n", strerror(errno));
		return -1;
	}
	k->run = p;
	k->vcpu_thread = pthread_self();
	/* KVM_RUN ends with EINTR on a pending signal whatever SA_RESTART says (KVM never
	 * restarts it). */
	lgl_vcpu_signal(KICK_SIGNAL, on_kick);
	return 0;
}

static struct kvm_segment seg_of(uint16_t sel, uint8_t type, bool code64, bool db)
{
	struct kvm_segment s = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = db,
		.s = 1,
		.l = code64,
		.g = 1,
	};
	return s;
}

static int kvm_load_cpu(struct lgl_vm *vm, const struct lgl_boot_cpu *b)
{
	struct kvm *k = K(vm);
	struct kvm_sregs s;
	if (kvm_call(k->vcpu_fd, KVM_GET_SREGS, &s, "KVM_GET_SREGS") < 0)
		return -1;
	bool lm = b->mode == LGL_MODE_64;
	s.cs = seg_of(b->cs, 0xb, lm, !lm);
	s.ds = s.es = s.fs = s.gs = s.ss = seg_of(b->ds, 0x3, false, true);
	s.tr = (struct kvm_segment){.base = 0, .limit = 0x67, .selector = b->tr,
				    .type = 0xb, .present = 1, .s = 0};
	s.ldt = (struct kvm_segment){.selector = 0, .type = 0x2, .present = 1, .unusable = 1};
	s.gdt.base = b->gdt_base;
	s.gdt.limit = b->gdt_limit;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr0 = b->cr0;
	s.cr3 = b->cr3;
	s.cr4 = b->cr4;
	s.efer = b->efer;
	if (kvm_call(k->vcpu_fd, KVM_SET_SREGS, &s, "KVM_SET_SREGS") < 0)
		return -1;
	struct kvm_regs r;
	memset(&r, 0, sizeof r);
	r.rip = b->rip;
	r.rsi = b->rsi;
	r.rflags = b->rflags;
	if (kvm_call(k->vcpu_fd, KVM_SET_REGS, &r, "KVM_SET_REGS") < 0)
		return -1;
	return 0;
}

/* A kick of the ring at pfn<<12 (a 4-byte write of that value to the notify port) is
 * absorbed by the kernel and signals fd: LHREQ_EVENTFD on KVM. */
static int kvm_attach_kick(struct lgl_vm *vm, const struct lgl_vq *vq, int fd, bool on)
{
	struct kvm_ioeventfd ev = {
		.datamatch = (uint64_t)vq->pfn << 12,
		.addr = LG_PORT_NOTIFY,
		.len = 4,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (on ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};
	if (ioctl(K(vm)->vm_fd, KVM_IOEVENTFD, &ev) < 0) {
		fprintf(stderr, "lglaunch: KVM_IOEVENTFD(%#llx): %s\n",
			(unsigned long long)ev.datamatch, strerror(errno));
		return -1;
	}
	return 0;
}

static void regs_of(struct kvm *k, struct lgl_event *ev)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(k->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(k->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	ev->ip = r.rip;
	snprintf(ev->regs, sizeof ev->regs,
		 "rip %#llx rsp %#llx rflags %#llx rax %#llx rsi %#llx cr0 %#llx cr2 %#llx cr3 %#llx "
		 "efer %#llx cs %#x",
		 (unsigned long long)r.rip, (unsigned long long)r.rsp, (unsigned long long)r.rflags,
		 (unsigned long long)r.rax, (unsigned long long)r.rsi, (unsigned long long)s.cr0,
		 (unsigned long long)s.cr2, (unsigned long long)s.cr3, (unsigned long long)s.efer,
		 s.cs.selector);
}

static void fault(struct kvm *k, struct lgl_event *ev, const char *what)
{
	ev->kind = LGL_EV_FAULT;
	snprintf(ev->what, sizeof ev->what, "%s", what);
	regs_of(k, ev);
}

static void kvm_run_vcpu(struct lgl_vm *vm, struct lgl_event *ev)
{
	struct kvm *k = K(vm);
	struct kvm_run *run = k->run;
	for (;;) {
		run->request_interrupt_window = k->want_window;
		k->want_window = false;
		if (ioctl(k->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				ev->kind = LGL_EV_FAIL;
				snprintf(ev->what, sizeof ev->what, "KVM_RUN: %s", strerror(errno));
				return;
			}
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			ev->kind = LGL_EV_STOP;
			return;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *data = (uint8_t *)run + run->io.data_offset;
			if (run->io.count != 1) {
				fprintf(stderr, "lglaunch: string I/O (count %u) to port %#x ignored\n",
					run->io.count, run->io.port);
				if (run->io.direction == KVM_EXIT_IO_IN)
					memset(data, 0xff, (size_t)run->io.size * run->io.count);
				break;
			}
			struct lgl_pio io = {.port = run->io.port, .size = run->io.size,
					     .in = run->io.direction == KVM_EXIT_IO_IN};
			if (!io.in)
				io.value = io.size == 1 ? data[0] : io.size == 2 ? lg_le16(data)
									: lg_le32(data);
			int shut = lgl_core_pio(vm, &io);
			if (io.in)
				for (unsigned i = 0; i < io.size; i++)
					data[i] = (uint8_t)(io.value >> (8 * i));
			if (shut) {
				ev->kind = LGL_EV_SHUTDOWN;
				return;
			}
			break;
		}
		case KVM_EXIT_HLT:
			ev->kind = LGL_EV_HALT;
			ev->if_flag = run->if_flag != 0;
			return;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			ev->kind = LGL_EV_STOP;
			return;
		case KVM_EXIT_MMIO:
			lgl_fault_access(ev, vm, run->mmio.is_write ? "wrote" : "read", run->mmio.len,
					 run->mmio.phys_addr);
			regs_of(k, ev);
			return;
		case KVM_EXIT_SHUTDOWN:
			fault(k, ev, "triple fault (an exception it could not handle; KVM does not say which)");
			return;
		case KVM_EXIT_FAIL_ENTRY:
			fault(k, ev, "KVM entry failed");
			return;
		case KVM_EXIT_INTERNAL_ERROR:
			fault(k, ev, "KVM internal error (an instruction KVM could not emulate)");
			return;
		default:
			ev->kind = LGL_EV_FAIL;
			snprintf(ev->what, sizeof ev->what, "unexpected KVM exit %u", run->exit_reason);
			regs_of(k, ev);
			return;
		}
	}
}

static int kvm_interrupt(struct lgl_vm *vm, unsigned vector)
{
	struct kvm *k = K(vm);
	if (!k->run->ready_for_interrupt_injection || !k->run->if_flag) {
		k->want_window = true;
		return 1;
	}
	struct kvm_interrupt ki = {.irq = vector};
	if (ioctl(k->vcpu_fd, KVM_INTERRUPT, &ki) < 0) {
		fprintf(stderr, "lglaunch: KVM_INTERRUPT(%u): %s\n", vector, strerror(errno));
		return -1;
	}
	return 0;
}

static void kvm_kick(struct lgl_vm *vm)
{
	struct kvm *k = K(vm);
	/* immediate_exit covers a KVM_RUN not yet entered, the signal one inside. */
	__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(k->vcpu_thread, KICK_SIGNAL);
}

static void kvm_kick_async(struct lgl_vm *vm)
{
	struct kvm *k = vm->be_priv;
	if (k && k->run)
		__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

static void kvm_destroy(struct lgl_vm *vm)
{
	struct kvm *k = vm->be_priv;
	if (!k)
		return;
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	free(k);
	vm->be_priv = NULL;
}

const struct lgl_backend lgl_backend_kvm = {
	.name = "kvm",
	.probe = kvm_probe,
	.create = kvm_create,
	.load_cpu = kvm_load_cpu,
	.attach_kick = kvm_attach_kick,
	.run = kvm_run_vcpu,
	.interrupt = kvm_interrupt,
	.kick = kvm_kick,
	.kick_async = kvm_kick_async,
	.destroy = kvm_destroy,
};
