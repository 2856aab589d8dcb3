/* kvm.c — the KVM backend: VM, memslot, vCPU, ioeventfds, interrupts and the run loop.
 *
 * One thread does everything.  A ring kick is absorbed by an in-kernel ioeventfd, so it
 * costs no exit; the devices are serviced when the guest halts (it waits for the
 * interrupt), when it shuts down, and on a periodic timer tick that also guarantees a way
 * out of KVM_RUN (our PVM backend can keep a broken guest inside the kernel).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lglaunch.h"

static struct kvm_run *volatile tick_run;
static volatile sig_atomic_t tick_count;

static void on_tick(int sig)
{
	(void)sig;
	tick_count++;
	if (tick_run)
		tick_run->immediate_exit = 1;
}

int lgl_kvm_open(struct lgl_vm *vm, uint64_t ram, uint64_t area)
{
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		fprintf(stderr, "lglaunch: /dev/kvm: %s\n", strerror(errno));
		return -1;
	}
	int v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		fprintf(stderr, "lglaunch: /dev/kvm: API version %d, expected %d\n", v,
			KVM_API_VERSION);
		return -1;
	}
	static const struct {
		int cap;
		const char *name;
	} need[] = {{KVM_CAP_USER_MEMORY, "USER_MEMORY"},
		    {KVM_CAP_IOEVENTFD, "IOEVENTFD"},
		    {KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT"}};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			fprintf(stderr, "lglaunch: /dev/kvm lacks KVM_CAP_%s\n", need[i].name);
			return -1;
		}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr, "lglaunch: KVM_CREATE_VM: %s\n", strerror(errno));
		return -1;
	}
	/* RAM plus the device area, like lguest's guest_max; anonymous memory is zero. */
	vm->mem.size = ram + area;
	vm->mem.ram = ram;
	vm->mem.limit = ram;
	void *p = mmap(NULL, vm->mem.size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "lglaunch: cannot map %llu bytes of guest memory: %s\n",
			(unsigned long long)vm->mem.size, strerror(errno));
		return -1;
	}
	vm->mem.base = p;
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)p,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		fprintf(stderr, "lglaunch: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int lgl_kvm_vcpu(struct lgl_vm *vm)
{
	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0) {
		fprintf(stderr, "lglaunch: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	int sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "lglaunch: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return -1;
	}
	vm->run_size = (size_t)sz;
	void *p = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "lglaunch: mmap(kvm_run): %s\n", strerror(errno));
		return -1;
	}
	vm->run = p;
	return 0;
}

void lgl_kvm_close(struct lgl_vm *vm)
{
	tick_run = NULL;
	for (unsigned d = 0; d < vm->ndev; d++)
		for (unsigned q = 0; q < vm->dev[d].nvq; q++)
			if (vm->dev[d].vq[q].eventfd >= 0)
				lgl_ioeventfd(vm, &vm->dev[d].vq[q], false);
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem.base)
		munmap(vm->mem.base, vm->mem.size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->run = NULL;
	vm->mem.base = NULL;
}

/* A kick of the ring at pfn<<12 (a 4-byte write of that value to the notify port) is
 * absorbed by the kernel and signals this eventfd: LHREQ_EVENTFD on KVM. */
int lgl_ioeventfd(struct lgl_vm *vm, struct lgl_vq *vq, bool on)
{
	if (on == (vq->eventfd >= 0))
		return 0;
	int fd = on ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : vq->eventfd;
	if (fd < 0) {
		fprintf(stderr, "lglaunch: eventfd: %s\n", strerror(errno));
		return -1;
	}
	struct kvm_ioeventfd ev = {
		.datamatch = (uint64_t)vq->pfn << 12,
		.addr = LG_PORT_NOTIFY,
		.len = 4,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (on ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};
	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &ev) < 0) {
		fprintf(stderr, "lglaunch: KVM_IOEVENTFD(%#llx): %s\n",
			(unsigned long long)ev.datamatch, strerror(errno));
		if (on)
			close(fd);
		return -1;
	}
	if (on) {
		vq->eventfd = fd;
	} else {
		close(fd);
		vq->eventfd = -1;
	}
	return 0;
}

void lgl_raise_irq(struct lgl_vm *vm, unsigned irq)
{
	if (irq < LG_IRQS)
		vm->irq_pending |= 1u << irq;
}

/* Service every started device whose eventfd fired.  Returns true if any did. */
static bool service_kicks(struct lgl_vm *vm)
{
	bool any = false;
	for (unsigned d = 0; d < vm->ndev; d++) {
		struct lgl_device *dev = &vm->dev[d];
		for (unsigned q = 0; q < dev->nvq; q++) {
			struct lgl_vq *vq = &dev->vq[q];
			uint64_t n;
			if (vq->eventfd < 0 || read(vq->eventfd, &n, sizeof n) != sizeof n)
				continue;
			any = true;
			vq->kicks += n;
			if (dev->running && !dev->failed && dev->ops->service)
				dev->ops->service(vm, vq);
		}
	}
	return any;
}

void lgl_service_all(struct lgl_vm *vm)
{
	service_kicks(vm);
}

/* Wait while the guest is halted: for console input, or give up. */
static int wait_halted(struct lgl_vm *vm)
{
	struct pollfd pfd[LGL_MAX_DEVICES];
	struct lgl_device *who[LGL_MAX_DEVICES];
	nfds_t n = 0;
	for (unsigned d = 0; d < vm->ndev; d++) {
		struct lgl_device *dev = &vm->dev[d];
		int fd;
		if (dev->running && !dev->failed && dev->ops->wants_input &&
		    dev->ops->wants_input(vm, dev, &fd)) {
			pfd[n] = (struct pollfd){.fd = fd, .events = POLLIN};
			who[n++] = dev;
		}
	}
	if (!n) {
		fprintf(stderr, "lglaunch: the guest halted waiting for an interrupt that no "
				"device will raise (nothing is pending); stopping it\n");
		return -1;
	}
	int r = poll(pfd, n, 100);
	if (r < 0 && errno != EINTR)
		return -1;
	for (nfds_t i = 0; r > 0 && i < n; i++)
		if (pfd[i].revents)
			who[i]->ops->input(vm, who[i]);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void dump_regs(struct lgl_vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	fprintf(stderr,
		"lglaunch: rip %#llx rsp %#llx rflags %#llx rax %#llx rsi %#llx cr0 %#llx cr3 %#llx "
		"efer %#llx cs %#x\n",
		(unsigned long long)r.rip, (unsigned long long)r.rsp, (unsigned long long)r.rflags,
		(unsigned long long)r.rax, (unsigned long long)r.rsi, (unsigned long long)s.cr0,
		(unsigned long long)s.cr3, (unsigned long long)s.efer, s.cs.selector);
}

void lgl_notify(struct lgl_vm *vm, uint32_t addr); /* device.c */

/* Port I/O: reject anything that is not the expected size and direction first. */
static int handle_io(struct lgl_vm *vm, int *status)
{
	struct kvm_run *run = vm->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint16_t port = run->io.port;
	vm->io_exits++;
	if (run->io.direction == KVM_EXIT_IO_IN) {
		/* No input ports: reads float high, as on an empty bus. */
		memset(data, 0xff, (size_t)run->io.size * run->io.count);
		return 0;
	}
	if (run->io.count != 1) {
		fprintf(stderr, "lglaunch: string I/O (count %u) to port %#x ignored\n",
			run->io.count, port);
		return 0;
	}
	if (port == LG_PORT_DEBUG && run->io.size == 1) {
		fputc(data[0], stderr);
		return 0;
	}
	if (run->io.size != 4) {
		fprintf(stderr, "lglaunch: %u-byte write to port %#x ignored\n", run->io.size,
			port);
		return 0;
	}
	uint32_t v = lg_le32(data);
	switch (port) {
	case LG_PORT_NOTIFY:
		lgl_notify(vm, v);
		return 0;
	case LG_PORT_SHUTDOWN:
		*status = (int)(v & 0xff);
		if (vm->verbose)
			fprintf(stderr, "lglaunch: guest shut down with status %u\n", v);
		return 1;
	default:
		fprintf(stderr, "lglaunch: write of %#x to unknown port %#x ignored\n", v, port);
		return 0;
	}
}

int lgl_run(struct lgl_vm *vm)
{
	struct kvm_run *run = vm->run;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	tick_run = run;
	struct itimerval it = {{0, 50000}, {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);

	double t0 = now_s();
	int status = -1, code;
	for (;;) {
		if (vm->irq_pending && run->ready_for_interrupt_injection && run->if_flag) {
			unsigned irq = (unsigned)__builtin_ctz(vm->irq_pending);
			struct kvm_interrupt ki = {.irq = LG_IRQ_VECTOR(irq)};
			if (ioctl(vm->vcpu_fd, KVM_INTERRUPT, &ki) < 0) {
				fprintf(stderr, "lglaunch: KVM_INTERRUPT(%u): %s\n", ki.irq,
					strerror(errno));
				code = LGL_EXIT_FAIL;
				goto out;
			}
			vm->irq_pending &= ~(1u << irq);
			vm->irqs++;
		}
		run->request_interrupt_window = vm->irq_pending != 0;
		int r = ioctl(vm->vcpu_fd, KVM_RUN, 0);
		vm->exits++;
		if (r < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				fprintf(stderr, "lglaunch: KVM_RUN: %s\n", strerror(errno));
				code = LGL_EXIT_FAIL;
				goto out;
			}
			run->immediate_exit = 0;
			service_kicks(vm);
			if (vm->timeout > 0 && now_s() - t0 > vm->timeout) {
				fprintf(stderr, "lglaunch: the guest ran for more than %g s; stopping it\n",
					vm->timeout);
				dump_regs(vm);
				code = LGL_EXIT_GUEST;
				goto out;
			}
			continue;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (handle_io(vm, &status)) {
				service_kicks(vm); /* what the guest kicked before powering off */
				code = vm->guest_broke ? LGL_EXIT_GUEST : status;
				goto out;
			}
			break;
		case KVM_EXIT_HLT:
			vm->hlt_exits++;
			if (service_kicks(vm) || vm->irq_pending)
				break;
			if (!run->if_flag) {
				fprintf(stderr, "lglaunch: the guest halted with interrupts disabled; "
						"stopping it\n");
				dump_regs(vm);
				code = LGL_EXIT_GUEST;
				goto out;
			}
			if (wait_halted(vm) < 0) {
				code = LGL_EXIT_GUEST;
				goto out;
			}
			if (vm->timeout > 0 && now_s() - t0 > vm->timeout) {
				fprintf(stderr, "lglaunch: timeout after %g s\n", vm->timeout);
				code = LGL_EXIT_GUEST;
				goto out;
			}
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_MMIO:
			fprintf(stderr,
				"lglaunch: the guest %s %u bytes at %#llx, outside its memory [0, %#llx); "
				"stopping it\n",
				run->mmio.is_write ? "wrote" : "read", run->mmio.len,
				(unsigned long long)run->mmio.phys_addr,
				(unsigned long long)vm->mem.size);
			dump_regs(vm);
			code = LGL_EXIT_GUEST;
			goto out;
		case KVM_EXIT_SHUTDOWN:
			fprintf(stderr, "lglaunch: the guest triple-faulted\n");
			dump_regs(vm);
			code = LGL_EXIT_GUEST;
			goto out;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "lglaunch: KVM entry failed, reason %#llx\n",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			dump_regs(vm);
			code = LGL_EXIT_GUEST;
			goto out;
		case KVM_EXIT_INTERNAL_ERROR:
			fprintf(stderr, "lglaunch: KVM internal error, suberror %u\n",
				run->internal.suberror);
			dump_regs(vm);
			code = LGL_EXIT_GUEST;
			goto out;
		default:
			fprintf(stderr, "lglaunch: unexpected KVM exit %u\n", run->exit_reason);
			dump_regs(vm);
			code = LGL_EXIT_GUEST;
			goto out;
		}
	}
out:;
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	tick_run = NULL;
	if (vm->verbose)
		fprintf(stderr,
			"lglaunch: %llu exits (%llu port I/O, %llu halts), %llu interrupts, %.3f ms\n",
			(unsigned long long)vm->exits, (unsigned long long)vm->io_exits,
			(unsigned long long)vm->hlt_exits, (unsigned long long)vm->irqs,
			(now_s() - t0) * 1e3);
	return code;
}
