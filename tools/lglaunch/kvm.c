/* kvm.c — the KVM backend: VM, memslot, vCPU, ioeventfds, interrupts and the run loop.
 *
 * Threads.  The vCPU thread (the one that calls lgl_run) runs KVM_RUN and handles every
 * exit: status notifies (device start, reset, FAILED), shutdown, halts, errors.  Each
 * started device has a service thread (device.c) that poll()s its rings' ioeventfds, so a
 * kick costs the guest no exit and is served at once, as the 3.x Launcher's per-device
 * threads did.  A device thread never touches the vCPU: it marks the ring's irq pending
 * (lgl_raise_irq) and, once its round is over and the lock dropped, wakes the vCPU thread
 * (lgl_vcpu_wake), which injects it with KVM_INTERRUPT — a vCPU ioctl — when the guest can
 * take it (ready_for_interrupt_injection and IF), and asks for an interrupt window
 * otherwise.  Irqs raised before the guest takes one are coalesced, as a level would be:
 * the guest's handler looks at every used ring anyway.
 *
 * A halted guest: the vCPU thread sleeps on vm->wake until an irq is pending.  It stops the
 * guest (a halt nobody will wake, exit 3) when nothing is pending, no started device has a
 * kick left to serve (its ioeventfd readable) and none waits for input.
 *
 * Locking rule: ONE mutex, vm->lock, and nothing is shared without it.
 *  - It guards every struct lgl_device and lgl_vq field, each backend's state (priv, the
 *    console's stdin state), vm->irq_pending, guest_broke, vcpu_halted and vcpu_kicked,
 *    and every access the launcher makes to guest memory once the guest runs (the page,
 *    the rings, the buffers).
 *  - A device thread takes it for a whole service round — reading its eventfds, walking
 *    the rings, the file I/O, the used entries, raising irqs — and drops it only to
 *    poll().  A kick is consumed (the eventfd read) only under the lock, so "an eventfd is
 *    readable" seen under the lock means exactly "a kick not yet served".
 *  - The vCPU thread takes it to handle a notify, a shutdown or a halt, and to pick the
 *    irq to inject; never across KVM_RUN.  It waits for a halted guest on vm->wake, which
 *    releases the lock.
 *  - Only the vCPU thread starts and stops device threads and (un)registers ioeventfds.
 *    Before it resets a device, and before lgl_run returns (shutdown, error, timeout), it
 *    stops and joins the device's thread (lgl_device_stop: set stopping, signal the
 *    thread's wake eventfd, drop the lock, join, take it again); the thread first serves
 *    what was already kicked.  So no device thread outlives lgl_run, and none runs when
 *    guest memory is dumped or unmapped.
 *  - vm->lock is the only lock: nothing else is taken with it held except stdio's own.
 *  - Outside the lock: the exit counters (vCPU thread only) and kvm_run, which only the
 *    vCPU thread touches except immediate_exit, set atomically by a device thread (and by
 *    the timeout's signal handler) to kick the vCPU out of KVM_RUN.
 *
 * Ways out of KVM_RUN: a device thread raising an irq sets immediate_exit (under the lock)
 * and sends SIGUSR1 to the vCPU thread (no-op handler; device threads block the
 * asynchronous signals, so they all land on the vCPU thread); --timeout arms one SIGALRM
 * at the deadline, whose handler sets immediate_exit.  Without --timeout nothing ticks.
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
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lglaunch.h"

#define LGL_KICK_SIGNAL SIGUSR1

/* The run structure the timeout's SIGALRM handler marks (the vCPU thread's). */
static struct kvm_run *alarm_run;

static void on_alarm(int sig)
{
	(void)sig;
	struct kvm_run *run = __atomic_load_n(&alarm_run, __ATOMIC_SEQ_CST);
	if (run)
		__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

/* SIGUSR1 only has to interrupt KVM_RUN (a pending signal ends it with EINTR); the
 * sender set immediate_exit first, for a KVM_RUN not yet entered. */
static void on_kick(int sig)
{
	(void)sig;
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

/* What a device thread owes the vCPU thread for its service round: decided under vm->lock,
 * done by lgl_vcpu_wake once the lock is dropped (so the vCPU thread, woken, does not
 * block on the lock, and the round stays short). */
enum vcpu_wake { WAKE_NONE, WAKE_SIGNAL, WAKE_KICK };
static _Thread_local enum vcpu_wake owed;

void lgl_raise_irq(struct lgl_vm *vm, unsigned irq)
{
	if (irq >= LG_IRQS)
		return;
	vm->irq_pending |= 1u << irq;
	if (pthread_equal(pthread_self(), vm->vcpu_thread))
		return; /* it injects before its next KVM_RUN */
	if (vm->vcpu_halted) {
		if (owed == WAKE_NONE)
			owed = WAKE_SIGNAL;
	} else if (!vm->vcpu_kicked) {
		/* immediate_exit covers a KVM_RUN not yet entered, the signal one inside. */
		vm->vcpu_kicked = true;
		__atomic_store_n(&vm->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		owed = WAKE_KICK;
	}
}

void lgl_vcpu_recheck(struct lgl_vm *vm)
{
	if (vm->vcpu_halted && owed == WAKE_NONE)
		owed = WAKE_SIGNAL;
}

void lgl_vcpu_wake(struct lgl_vm *vm)
{
	if (owed == WAKE_SIGNAL)
		pthread_cond_signal(&vm->wake);
	else if (owed == WAKE_KICK)
		pthread_kill(vm->vcpu_thread, LGL_KICK_SIGNAL);
	owed = WAKE_NONE;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct timespec ts_of(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	} else if (ts.tv_nsec < 0) {
		ts.tv_nsec = 0;
	}
	return ts;
}

enum halt_verdict { HALT_RESUME, HALT_NOBODY, HALT_IF_OFF, HALT_TIMEOUT };

/* The guest halted (vm->lock held).  Wait until an irq is pending; give up when no device
 * can raise one: nothing kicked and unserved, and no device waiting for input. */
static enum halt_verdict wait_halted(struct lgl_vm *vm, double deadline)
{
	for (;;) {
		if (vm->irq_pending)
			return HALT_RESUME;
		bool busy = false, input = false;
		for (unsigned d = 0; d < vm->ndev; d++) {
			struct lgl_device *dev = &vm->dev[d];
			int fd;
			if (!dev->running || dev->failed || !dev->thread_on)
				continue;
			if (lgl_device_busy(vm, dev)) {
				busy = true;
			} else if (dev->ops->wants_input && dev->ops->wants_input(vm, dev, &fd)) {
				input = true;
				lgl_device_wake(dev); /* buffers posted without a kick: have it look */
			}
		}
		if (!busy) {
			if (!vm->run->if_flag)
				return HALT_IF_OFF;
			if (!input)
				return HALT_NOBODY;
		}
		/* A device thread is serving a kick, or input may come: sleep until one of them
		 * wakes us, in slices so that a lost wake-up can cost a second, never a hang. */
		double now = now_s(), until = now + 1.0;
		if (deadline > 0 && now >= deadline)
			return HALT_TIMEOUT;
		if (deadline > 0 && deadline < until)
			until = deadline;
		struct timespec ts = ts_of(until);
		vm->vcpu_halted = true;
		pthread_cond_timedwait(&vm->wake, &vm->lock, &ts);
		vm->vcpu_halted = false;
	}
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
		pthread_mutex_lock(&vm->lock);
		lgl_notify(vm, v);
		pthread_mutex_unlock(&vm->lock);
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

static int sync_init(struct lgl_vm *vm)
{
	pthread_condattr_t ca;
	if (pthread_mutex_init(&vm->lock, NULL) != 0)
		return -1;
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&vm->wake, &ca) != 0) {
		pthread_mutex_destroy(&vm->lock);
		return -1;
	}
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Stop and join every device thread; what they were kicked for is served first. */
static void stop_devices(struct lgl_vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	for (unsigned d = 0; d < vm->ndev; d++)
		lgl_device_stop(vm, &vm->dev[d]);
	pthread_mutex_unlock(&vm->lock);
}

int lgl_run(struct lgl_vm *vm)
{
	struct kvm_run *run = vm->run;
	if (sync_init(vm) < 0) {
		fprintf(stderr, "lglaunch: cannot initialise the VM's lock\n");
		return LGL_EXIT_FAIL;
	}
	vm->vcpu_thread = pthread_self();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* KVM_RUN ends with EINTR on a pending signal whatever the flags (KVM never restarts
	 * it); SA_RESTART keeps the vCPU thread's other calls (stderr writes) whole. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_kick;
	sigaction(LGL_KICK_SIGNAL, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sigset_t unblock;
	sigemptyset(&unblock);
	sigaddset(&unblock, LGL_KICK_SIGNAL);
	sigaddset(&unblock, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);

	double t0 = now_s(), deadline = 0;
	if (vm->timeout > 0) {
		/* One signal at the deadline: the way out of a KVM_RUN that never returns. */
		deadline = t0 + vm->timeout;
		__atomic_store_n(&alarm_run, run, __ATOMIC_SEQ_CST);
		struct itimerval it = {{0, 0}, {0, 0}};
		it.it_value.tv_sec = (time_t)vm->timeout;
		it.it_value.tv_usec = (suseconds_t)((vm->timeout - (double)it.it_value.tv_sec) * 1e6);
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	int status = -1, code;
	bool shut = false;
	for (;;) {
		pthread_mutex_lock(&vm->lock);
		vm->vcpu_kicked = false;
		if (vm->irq_pending && run->ready_for_interrupt_injection && run->if_flag) {
			unsigned irq = (unsigned)__builtin_ctz(vm->irq_pending);
			struct kvm_interrupt ki = {.irq = LG_IRQ_VECTOR(irq)};
			if (ioctl(vm->vcpu_fd, KVM_INTERRUPT, &ki) < 0) {
				pthread_mutex_unlock(&vm->lock);
				fprintf(stderr, "lglaunch: KVM_INTERRUPT(%u): %s\n", ki.irq,
					strerror(errno));
				code = LGL_EXIT_FAIL;
				goto out;
			}
			vm->irq_pending &= ~(1u << irq);
			vm->irqs++;
		}
		run->request_interrupt_window = vm->irq_pending != 0;
		pthread_mutex_unlock(&vm->lock);
		int r = ioctl(vm->vcpu_fd, KVM_RUN, 0);
		vm->exits++;
		if (r < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				fprintf(stderr, "lglaunch: KVM_RUN: %s\n", strerror(errno));
				code = LGL_EXIT_FAIL;
				goto out;
			}
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			if (deadline > 0 && now_s() >= deadline) {
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
				shut = true; /* the exit code once the devices served their last kicks */
				code = status;
				goto out;
			}
			break;
		case KVM_EXIT_HLT: {
			vm->hlt_exits++;
			pthread_mutex_lock(&vm->lock);
			enum halt_verdict hv = wait_halted(vm, deadline);
			pthread_mutex_unlock(&vm->lock);
			if (hv == HALT_RESUME)
				break;
			if (hv == HALT_IF_OFF) {
				fprintf(stderr, "lglaunch: the guest halted with interrupts disabled; "
						"stopping it\n");
				dump_regs(vm);
			} else if (hv == HALT_NOBODY) {
				fprintf(stderr, "lglaunch: the guest halted waiting for an interrupt that no "
						"device will raise (nothing is pending); stopping it\n");
			} else {
				fprintf(stderr, "lglaunch: timeout after %g s\n", vm->timeout);
			}
			code = LGL_EXIT_GUEST;
			goto out;
		}
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
out:
	stop_devices(vm);
	if (shut && vm->guest_broke) /* no device thread is left: no lock needed */
		code = LGL_EXIT_GUEST;
	if (deadline > 0) {
		struct itimerval off = {{0, 0}, {0, 0}};
		setitimer(ITIMER_REAL, &off, NULL);
		__atomic_store_n(&alarm_run, NULL, __ATOMIC_SEQ_CST);
	}
	/* The handlers stay: a kick or an alarm already on its way must stay harmless. */
	pthread_cond_destroy(&vm->wake);
	pthread_mutex_destroy(&vm->lock);
	if (vm->verbose)
		fprintf(stderr,
			"lglaunch: %llu exits (%llu port I/O, %llu halts), %llu interrupts, %.3f ms\n",
			(unsigned long long)vm->exits, (unsigned long long)vm->io_exits,
			(unsigned long long)vm->hlt_exits, (unsigned long long)vm->irqs,
			(now_s() - t0) * 1e3);
	return code;
}
