/* SPDX-License-Identifier: MIT */
/* core.c — the launcher's core: guest memory, the choice of backend, and the run loop's
 * policy (port dispatch, halts, which interrupt to deliver when, the timeout).  The CPU
 * itself is a backend's (backend.h); nothing here knows KVM or Unicorn.
 *
 * Threads.  The vCPU thread (the one that calls lgl_run) runs the backend and handles
 * every event: status notifies (device start, reset, FAILED), shutdown, halts, faults.
 * Each started device has a service thread (device.c) that poll()s its rings' kick
 * eventfds, so a kick is served at once while the guest runs on, as the 3.x Launcher's
 * per-device threads did (on KVM the kernel signals the eventfd without an exit; on the
 * emulator lgl_core_pio does).  A device thread never touches the vCPU: it marks the
 * ring's irq pending (lgl_raise_irq) and, once its round is over and the lock dropped,
 * wakes the vCPU thread (lgl_vcpu_wake), which delivers it through the backend when the
 * guest can take it.  Irqs raised before the guest takes one are coalesced, as a level
 * would be: the guest's handler looks at every used ring anyway.
 *
 * A halted guest: the vCPU thread sleeps on vm->wake until an irq is pending.  It stops the
 * guest (a halt nobody will wake, exit 3) when nothing is pending, no started device has a
 * kick left to serve (its eventfd readable) and none waits for input.
 *
 * Locking rule: ONE mutex, vm->lock, and nothing is shared without it.
 *  - It guards every struct lgl_device and lgl_vq field, each device's state (priv, the
 *    console's stdin state), vm->irq_pending, guest_broke, vcpu_halted and vcpu_kicked,
 *    and every access the launcher makes to guest memory once the guest runs (the page,
 *    the rings, the buffers).
 *  - A device thread takes it for a whole service round — reading its eventfds, walking
 *    the rings, the file I/O, the used entries, raising irqs — and drops it only to
 *    poll().  A kick is consumed (the eventfd read) only under the lock, so "an eventfd is
 *    readable" seen under the lock means exactly "a kick not yet served".
 *  - The vCPU thread takes it to handle a port access, a halt, and to pick the irq to
 *    deliver; never across the backend's run.  It waits for a halted guest on vm->wake,
 *    which releases the lock.
 *  - Only the vCPU thread starts and stops device threads and opens or closes kick
 *    eventfds.  Before it resets a device, and before lgl_run returns (shutdown, fault,
 *    timeout), it stops and joins the device's thread (lgl_device_stop); the thread first
 *    serves what was already kicked.  So no device thread outlives lgl_run, and none runs
 *    when guest memory is dumped or unmapped.
 *  - vm->lock is the only lock: nothing else is taken with it held except stdio's own.
 *  - Outside the lock: the exit counters (vCPU thread only) and the backend's state, which
 *    only the vCPU thread touches except through kick (a device thread) and kick_async
 *    (the timeout's signal handler).
 *
 * The timeout arms one SIGALRM at the deadline; its handler calls the backend's
 * kick_async.  Without --timeout nothing ticks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lglaunch.h"

/* ---------------------------------------------------------------- memory, backends */

int lgl_mem_alloc(struct lgl_vm *vm, uint64_t ram, uint64_t area)
{
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
	return 0;
}

void lgl_mem_free(struct lgl_vm *vm)
{
	if (vm->mem.base)
		munmap(vm->mem.base, vm->mem.size);
	vm->mem.base = NULL;
}

static const struct lgl_backend *const backends[] = {&lgl_backend_kvm, &lgl_backend_emu};

const struct lgl_backend *lgl_backend_pick(const char *accel, bool verbose)
{
	char why[160];
	bool is_auto = strcmp(accel, "auto") == 0;
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		const struct lgl_backend *be = backends[i];
		if (!is_auto && strcmp(accel, be->name) != 0)
			continue;
		if (be->probe(why, sizeof why) == 0) {
			if (verbose)
				fprintf(stderr, "lglaunch: backend %s%s\n", be->name,
					is_auto ? " (--accel auto: the first that runs here)" : "");
			return be;
		}
		if (!is_auto) {
			fprintf(stderr, "lglaunch: --accel %s: %s\n", accel, why);
			return NULL;
		}
		if (verbose)
			fprintf(stderr, "lglaunch: backend %s unavailable: %s\n", be->name, why);
	}
	if (is_auto)
		fprintf(stderr, "lglaunch: no backend can run here\n");
	else
		fprintf(stderr, "lglaunch: --accel %s: expected auto, kvm or emu\n", accel);
	return NULL;
}

static const char *vector_name(int vector)
{
	static const char *const names[20] = {
		"#DE divide error",      "#DB debug",           "NMI",
		"#BP breakpoint",        "#OF overflow",        "#BR bound range",
		"#UD invalid opcode",    "#NM no FPU",          "#DF double fault",
		NULL,                    "#TS invalid TSS",     "#NP segment not present",
		"#SS stack fault",       "#GP general protection", "#PF page fault",
		NULL,                    "#MF x87 error",       "#AC alignment check",
		"#MC machine check",     "#XM SIMD error",
	};
	return vector >= 0 && vector < 20 && names[vector] ? names[vector] : "reserved";
}

void lgl_fault_access(struct lgl_event *ev, const struct lgl_vm *vm, const char *how,
		      unsigned size, uint64_t addr)
{
	ev->kind = LGL_EV_FAULT;
	ev->has_addr = true;
	ev->addr = addr;
	snprintf(ev->what, sizeof ev->what,
		 "%s %u bytes at guest address %#llx, outside its memory [0, %#llx)", how, size,
		 (unsigned long long)addr, (unsigned long long)vm->mem.size);
}

void lgl_fault_exception(struct lgl_event *ev, int vector, bool has_addr, uint64_t addr,
			 const char *why)
{
	char at[48] = "";
	ev->kind = LGL_EV_FAULT;
	ev->vector = vector;
	ev->has_addr = has_addr;
	ev->addr = addr;
	if (has_addr)
		snprintf(at, sizeof at, " at guest address %#llx", (unsigned long long)addr);
	snprintf(ev->what, sizeof ev->what, "vector %d (%s)%s and no handler: %s", vector,
		 vector_name(vector), at, why);
}

/* ---------------------------------------------------------------- interrupts, wake-ups */

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
	if (pthread_equal(pthread_self(), vm->vcpu_thread)) {
		/* Raised while handling a port access: have the run end at the next point the guest
		 * can take it, and deliver it then. */
		vm->be->kick(vm);
		return;
	}
	if (vm->vcpu_halted) {
		if (owed == WAKE_NONE)
			owed = WAKE_SIGNAL;
	} else if (!vm->vcpu_kicked) {
		vm->vcpu_kicked = true;
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
		vm->be->kick(vm);
	owed = WAKE_NONE;
}

/* ---------------------------------------------------------------- port dispatch */

int lgl_core_pio(struct lgl_vm *vm, struct lgl_pio *io)
{
	vm->io_exits++;
	if (io->in) {
		/* No input ports: reads float high, as on an empty bus. */
		io->value = io->size >= 4 ? 0xffffffffu : (1u << (8 * io->size)) - 1;
		return 0;
	}
	if (io->port == LG_PORT_DEBUG && io->size == 1) {
		fputc((int)(io->value & 0xff), stderr);
		return 0;
	}
	if (io->size != 4) {
		fprintf(stderr, "lglaunch: %u-byte write to port %#x ignored\n", io->size, io->port);
		return 0;
	}
	switch (io->port) {
	case LG_PORT_NOTIFY:
		pthread_mutex_lock(&vm->lock);
		lgl_notify(vm, io->value);
		pthread_mutex_unlock(&vm->lock);
		return 0;
	case LG_PORT_SHUTDOWN:
		vm->shutdown_status = (int)(io->value & 0xff);
		if (vm->verbose)
			fprintf(stderr, "lglaunch: guest shut down with status %u\n", io->value);
		return 1;
	default:
		fprintf(stderr, "lglaunch: write of %#x to unknown port %#x ignored\n", io->value,
			io->port);
		return 0;
	}
}

/* ---------------------------------------------------------------- the run loop */

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
static enum halt_verdict wait_halted(struct lgl_vm *vm, bool if_flag, double deadline)
{
	for (;;) {
		if (vm->irq_pending && if_flag)
			return HALT_RESUME;
		bool busy = false, input = false;
		for (unsigned d = 0; d < vm->ndev; d++) {
			struct lgl_device *dev = &vm->dev[d];
			int fd;
			if (!dev->running || dev->failed || !dev->thread_on)
				continue;
			if (lgl_device_busy(vm, dev)) {
				busy = true;
			} else if (dev->cls->wants_input && dev->cls->wants_input(vm, dev, &fd)) {
				input = true;
				lgl_device_wake(dev); /* buffers posted without a kick: have it look */
			}
		}
		if (!busy) {
			if (!if_flag)
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

void lgl_vcpu_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART; /* the vCPU thread's other calls (stderr writes) stay whole */
	sa.sa_handler = handler;
	sigaction(sig, &sa, NULL);
	sigset_t unblock;
	sigemptyset(&unblock);
	sigaddset(&unblock, sig);
	pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

/* The VM the timeout's SIGALRM handler stops. */
static struct lgl_vm *alarm_vm;

static void on_alarm(int sig)
{
	(void)sig;
	struct lgl_vm *vm = __atomic_load_n(&alarm_vm, __ATOMIC_SEQ_CST);
	if (vm)
		vm->be->kick_async(vm);
}

static void arm_timeout(struct lgl_vm *vm)
{
	lgl_vcpu_signal(SIGALRM, on_alarm);
	__atomic_store_n(&alarm_vm, vm, __ATOMIC_SEQ_CST);
	struct itimerval it = {{0, 0}, {0, 0}};
	it.it_value.tv_sec = (time_t)vm->timeout;
	it.it_value.tv_usec = (suseconds_t)((vm->timeout - (double)it.it_value.tv_sec) * 1e6);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timeout(void)
{
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	/* The handler stays: an alarm already on its way must stay harmless. */
	__atomic_store_n(&alarm_vm, NULL, __ATOMIC_SEQ_CST);
}

/* One line naming what the guest did, on either backend. */
static void report_fault(struct lgl_vm *vm, const struct lgl_event *ev)
{
	fprintf(stderr, "lglaunch: the guest crashed at ip %#llx: %s; stopping it\n",
		(unsigned long long)ev->ip, ev->what);
	if (vm->verbose && ev->regs[0])
		fprintf(stderr, "lglaunch: %s\n", ev->regs);
}

int lgl_run(struct lgl_vm *vm)
{
	if (sync_init(vm) < 0) {
		fprintf(stderr, "lglaunch: cannot initialise the VM's lock\n");
		return LGL_EXIT_FAIL;
	}
	vm->vcpu_thread = pthread_self();
	double t0 = now_s(), deadline = 0;
	if (vm->timeout > 0) {
		deadline = t0 + vm->timeout;
		arm_timeout(vm);
	}
	int code;
	bool shut = false;
	struct lgl_event ev;
	for (;;) {
		pthread_mutex_lock(&vm->lock);
		vm->vcpu_kicked = false;
		if (vm->irq_pending) {
			unsigned irq = (unsigned)__builtin_ctz(vm->irq_pending);
			int r = vm->be->interrupt(vm, LG_IRQ_VECTOR(irq));
			if (r < 0) {
				pthread_mutex_unlock(&vm->lock);
				code = LGL_EXIT_FAIL;
				goto out;
			}
			if (r == 0) {
				vm->irq_pending &= ~(1u << irq);
				vm->irqs++;
			}
		}
		pthread_mutex_unlock(&vm->lock);
		memset(&ev, 0, sizeof ev);
		ev.vector = -1;
		vm->be->run(vm, &ev);
		vm->exits++;
		switch (ev.kind) {
		case LGL_EV_STOP:
			if (deadline > 0 && now_s() >= deadline) {
				fprintf(stderr, "lglaunch: the guest ran for more than %g s; stopping it\n",
					vm->timeout);
				code = LGL_EXIT_GUEST;
				goto out;
			}
			continue;
		case LGL_EV_SHUTDOWN:
			shut = true; /* the exit code once the devices served their last kicks */
			code = vm->shutdown_status;
			goto out;
		case LGL_EV_HALT: {
			vm->hlt_exits++;
			pthread_mutex_lock(&vm->lock);
			enum halt_verdict hv = wait_halted(vm, ev.if_flag, deadline);
			pthread_mutex_unlock(&vm->lock);
			if (hv == HALT_RESUME)
				continue;
			if (hv == HALT_IF_OFF)
				fprintf(stderr, "lglaunch: the guest halted with interrupts disabled; "
						"stopping it\n");
			else if (hv == HALT_NOBODY)
				fprintf(stderr, "lglaunch: the guest halted waiting for an interrupt that no "
						"device will raise (nothing is pending); stopping it\n");
			else
				fprintf(stderr, "lglaunch: timeout after %g s\n", vm->timeout);
			code = LGL_EXIT_GUEST;
			goto out;
		}
		case LGL_EV_FAULT:
			report_fault(vm, &ev);
			code = LGL_EXIT_GUEST;
			goto out;
		case LGL_EV_FAIL:
		default:
			fprintf(stderr, "lglaunch: backend %s: %s\n", vm->be->name, ev.what);
			if (vm->verbose && ev.regs[0])
				fprintf(stderr, "lglaunch: %s\n", ev.regs);
			code = LGL_EXIT_FAIL;
			goto out;
		}
	}
out:
	stop_devices(vm);
	if (shut && vm->guest_broke) /* no device thread is left: no lock needed */
		code = LGL_EXIT_GUEST;
	if (deadline > 0)
		disarm_timeout();
	pthread_cond_destroy(&vm->wake);
	pthread_mutex_destroy(&vm->lock);
	if (vm->verbose)
		fprintf(stderr,
			"lglaunch: %s: %llu exits (%llu port I/O, %llu halts), %llu interrupts, %.3f ms\n",
			vm->be->name, (unsigned long long)vm->exits, (unsigned long long)vm->io_exits,
			(unsigned long long)vm->hlt_exits, (unsigned long long)vm->irqs,
			(now_s() - t0) * 1e3);
	return code;
}
