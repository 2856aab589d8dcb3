/* SPDX-License-Identifier: MIT */
/* lglaunch.h — what the launcher's core files share: the VM, guest memory, devices, rings.
 *
 * Split like Solo5 hvt: the core — main.c (options, orchestration), core.c (guest memory,
 * the run loop's policy: port dispatch, halts, interrupts, the timeout), x86.c (boot CPU
 * state in guest memory), elf.c (kernel loader), boot.c (zero page), device.c (device life
 * cycle and service threads), virtq.c (host-side ring walking), dev_*.c (one per device),
 * dump.c (--dump) — and one file per backend behind backend.h (be_kvm.c: KVM; be_emu.c:
 * a software CPU on Unicorn).  No core file includes a backend's headers.
 *
 * Threads, as the 3.x Launcher had them: the vCPU thread (main, in lgl_run) runs the guest
 * and handles every event; each started device has its own service thread (device.c) that
 * sleeps on its rings' kick eventfds and services a kick at once, while the guest may keep
 * running.  One VM-wide mutex, vm->lock, serialises everything the two kinds of thread
 * share; the full rule is at the top of core.c.  The guest itself can change its memory
 * under a device thread at any moment, so rings are read as virtq.c says: copy once, trust
 * only the copy.
 */
#ifndef LGLAUNCH_H
#define LGLAUNCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "lgkit/lgkit.h"
#include "backend.h"
#include "lg_hcall.h"

#define LGL_EXIT_LAYOUT 1 /* the layout has errors: refused before boot */
#define LGL_EXIT_FAIL 2   /* launcher failure: options, KVM, kernel file */
#define LGL_EXIT_GUEST 3  /* the guest broke the rules: a device failed, a bad notify, a crash */

#define LGL_MAX_DEVICES 32

struct lgl_vm;
struct lgl_device;
struct lgl_dev_class;

/* ---------------------------------------------------------------- guest memory */

struct lgl_mem {
	uint8_t *base;        /* host mapping of guest-physical 0 */
	uint64_t size;        /* bytes mapped: RAM + the device area (guest_max) */
	uint64_t ram;         /* top of RAM (= the descriptor page) */
	uint64_t limit;       /* guest_limit: RAM + page + rings actually allocated */
};

/* The one way a guest-physical address becomes a host pointer: NULL unless all of
 * [gpa, gpa+len) lies in guest memory (overflow-safe).  Failures are not printed here;
 * callers report them by check name. */
void *lgl_gpa_ptr(const struct lgl_mem *m, uint64_t gpa, uint64_t len);
/* The same, but a failure is a launcher bug and is reported with the caller's place. */
void *lgl_gpa_must(const struct lgl_mem *m, uint64_t gpa, uint64_t len, const char *file,
		   int line);
#define LGL_GPA(m, gpa, len) lgl_gpa_must((m), (gpa), (len), __FILE__, __LINE__)

/* ---------------------------------------------------------------- rings */

struct lgl_iov {
	uint64_t gpa;
	uint32_t len;
	bool write;
	uint8_t *host; /* checked pointer into guest memory */
};

struct lgl_chain {
	uint16_t head;
	unsigned n;        /* buffers in iov[] */
	unsigned nout;     /* the first nout are device-readable, the rest writable */
	uint64_t out_len;  /* bytes readable */
	uint64_t in_len;   /* bytes writable */
	struct lgl_iov *iov;
};

struct lgl_vq {
	struct lgl_device *dev;
	unsigned index;
	uint16_t num, irq;
	uint32_t pfn;
	struct lg_ring_geom g;
	uint16_t last_avail; /* next avail entry to take (our copy; never re-read) */
	uint16_t used_idx;   /* our copy of used.idx */
	int kickfd;          /* eventfd a kick (notify of pfn << 12) signals; -1 while stopped */
	bool kick_attached;  /* the backend signals kickfd itself (KVM_IOEVENTFD) */
	struct lgl_iov *iov; /* 2 * num entries (num - 1 direct + num indirect), for lgl_vq_pop */
	uint64_t kicks, bufs;
};

enum lgl_pop { LGL_POP_EMPTY = 0, LGL_POP_OK = 1, LGL_POP_BAD = -1 };

/* Take the next available chain, walked by the library (lg_chain_walk): head_range,
 * idx_window and buf_into_rings here, the chain rules there (desc_next_range,
 * desc_loop, desc_flags, ind_not_negotiated, buf_in_ram, desc_out_after_in,
 * chain_len_overflow, ...).  On LGL_POP_BAD the problem has been
 * reported and the device failed. */
enum lgl_pop lgl_vq_pop(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_chain *c);
/* The chain at free-running avail index idx (at or after last_avail), walked and checked as
 * lgl_vq_pop does, but not taken: LGL_POP_EMPTY when idx is not available yet. */
enum lgl_pop lgl_vq_peek(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t idx, struct lgl_chain *c);
/* Return a chain to the guest with len bytes written; raises the irq unless suppressed. */
void lgl_vq_push(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t head, uint32_t len);
/* Is something available (without taking it)?  Reports idx_window. */
bool lgl_vq_has_avail(struct lgl_vm *vm, struct lgl_vq *vq);
/* Zero the ring and our indices (device reset). */
void lgl_vq_reset(struct lgl_vm *vm, struct lgl_vq *vq);
/* Copy up to len bytes of the chain's readable part from offset off; returns the count. */
size_t lgl_chain_read(const struct lgl_chain *c, uint64_t off, void *buf, size_t len);

/* Report a guest rule broken at runtime, lgcheck-style, on stderr:
 * "lglaunch:0xADDR: error (check): device[d] (type) vq[q]: message". */
void lgl_report(struct lgl_vm *vm, enum lg_check_id check, uint64_t addr,
		const struct lgl_device *dev, int vq, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Mark a device failed (FAILED semantics: no longer serviced until the guest resets it). */
void lgl_device_fail(struct lgl_vm *vm, struct lgl_device *dev);

/* ---------------------------------------------------------------- devices */

struct lgl_device {
	struct lgl_vm *vm;
	unsigned index;     /* in page order */
	uint32_t offset;    /* of the descriptor in the page */
	uint8_t type, num_vq, feature_len, config_len;
	const struct lgl_dev_class *cls; /* lgl_idle_class: no backend */
	bool running;       /* features finalised, rings live */
	bool failed;        /* broke a rule: not serviced until reset */
	unsigned nvq;       /* = num_vq: every queue is served */
	struct lgl_vq *vq;
	bool indirect;      /* RING_INDIRECT_DESC offered and acked at start */
	void *priv;
	/* The service thread: exists from lgl_device_start until lgl_device_stop. */
	pthread_t thread;
	bool thread_on;     /* created and not yet joined */
	bool stopping;      /* asked to finish: serve what was kicked, then return */
	bool polling_input; /* the thread's poll() includes the input fd (wants_input) */
	int wake_fd;        /* eventfd: stop, or look at the input again; -1 when no thread */
};

/* One device type lglaunch serves, one file each (dev_*.c): the ops its thread runs, and
 * how a device of the type is described from flags, set up from the layout and torn down.
 * Adding a device type is its file and one entry in lgl_dev_class_of() (device.c). */
struct lgl_dev_class {
	uint8_t type;
	unsigned nvq;          /* queues of a device made from flags */
	/* The command-line flag that adds a device of the class ("block" for --block), or NULL;
	 * flag_arg names its argument ("FILE"), NULL when it takes none; flag_help is its line
	 * in the usage text.  A spec's device of a class whose flag takes an argument is backed
	 * by the flags' arguments in order. */
	const char *flag, *flag_arg, *flag_help;
	bool arg_optional;     /* a spec's device without a flag argument stays idle (else refused) */
	bool arg_is_input;     /* the argument is a file lglaunch reads (never a --dump target) */
	/* What the device does: every op runs with vm->lock held; service and input on the
	 * device's own thread.  NULL: nothing to do. */
	void (*service)(struct lgl_vm *vm, struct lgl_vq *vq); /* a kick */
	void (*reset)(struct lgl_vm *vm, struct lgl_device *dev);
	/* Is the device waiting for input on *fd (polled by its thread)?  Also asked by the
	 * vCPU thread: a guest halted for input is not a hang. */
	bool (*wants_input)(struct lgl_vm *vm, struct lgl_device *dev, int *fd);
	void (*input)(struct lgl_vm *vm, struct lgl_device *dev); /* *fd became readable */
	/* From flags: the features and config of d; arg is the device's flag argument, num the
	 * ring size.  0, or -1 after a message.  NULL: nothing to add. */
	int (*describe)(struct lg_device *d, const char *arg, unsigned num);
	/* dev is ld of the layout, backed by arg (NULL for classes without an option).  0, or
	 * -1 after a message. */
	int (*setup)(struct lgl_vm *vm, struct lgl_device *dev, const struct lg_device *ld,
		     const char *arg);
	void (*teardown)(struct lgl_vm *vm, struct lgl_device *dev);
};
extern const struct lgl_dev_class lgl_console_class, lgl_block_class, lgl_rng_class,
	lgl_net_class;
/* The class of a device lglaunch does not serve (no backend, or no flag argument): idle. */
extern const struct lgl_dev_class lgl_idle_class;
/* The device's name in messages: its type's (the library's device-type table), or
 * "unsupported" when it is idle. */
const char *lgl_dev_name(const struct lgl_device *dev);
/* Offer feature bit in d (describe helpers). */
void lgl_add_feature(struct lg_device *d, unsigned bit);
/* The class of a virtio device type, or NULL (no backend: the device stays idle). */
const struct lgl_dev_class *lgl_dev_class_of(uint8_t type);
/* The i-th class (for options and usage), or NULL past the last. */
const struct lgl_dev_class *lgl_dev_class_at(unsigned i);

/* ---------------------------------------------------------------- the VM */

struct lgl_vm {
	const struct lgl_backend *be;
	void *be_priv;           /* the backend's own state */
	struct lgl_mem mem;
	struct lg_image *img;    /* guest memory [0, guest_limit) for the library's ring walker */
	uint64_t page_addr;
	bool verbose;
	/* Shared between the vCPU thread and the device threads: under lock (core.c). */
	pthread_mutex_t lock;
	pthread_cond_t wake;     /* signalled when the halted vCPU thread should look again */
	pthread_t vcpu_thread;
	bool vcpu_halted;        /* the vCPU thread waits on wake for a halted guest */
	bool vcpu_kicked;        /* the backend was kicked since the last run */
	bool guest_broke;        /* a runtime check fired (exit LGL_EXIT_GUEST) */
	uint32_t irq_pending;    /* bit per guest irq */
	unsigned ndev;
	struct lgl_device dev[LGL_MAX_DEVICES];
	double timeout;          /* seconds, 0 = none */
	int shutdown_status;     /* set by lgl_core_pio at LHCALL_SHUTDOWN */
	uint64_t exits, io_exits, hlt_exits, irqs; /* vCPU thread only */
};

/* core.c */
/* Map guest memory: RAM plus the device area (lguest's guest_max), zero-filled. */
int lgl_mem_alloc(struct lgl_vm *vm, uint64_t ram, uint64_t area);
void lgl_mem_free(struct lgl_vm *vm);
/* Pick the backend for --accel NAME ("auto", "kvm" or "emu"): NULL after one message. */
const struct lgl_backend *lgl_backend_pick(const char *accel, bool verbose);
/* Mark irq pending (caller holds vm->lock).  On a device thread, the vCPU thread is then
 * owed a wake-up (if it waits for a halted guest) or a kick out of the backend's run,
 * which the device thread delivers with lgl_vcpu_wake after dropping the lock. */
void lgl_raise_irq(struct lgl_vm *vm, unsigned irq);
/* Device thread, lock held, at the end of a service round: if the vCPU thread waits for a
 * halted guest, owe it a wake-up so it looks again (the round may have ended a kick). */
void lgl_vcpu_recheck(struct lgl_vm *vm);
/* Device thread, lock NOT held: deliver what this thread's last round owes the vCPU. */
void lgl_vcpu_wake(struct lgl_vm *vm);
/* Handle sig on the vCPU thread with handler (SA_RESTART), unblocked there; device threads
 * block it (device.c). */
void lgl_vcpu_signal(int sig, void (*handler)(int));
/* Run until shutdown; returns the exit code (guest status, or LGL_EXIT_*).  Every device
 * thread has been joined when it returns. */
int lgl_run(struct lgl_vm *vm);

/* device.c; all called on the vCPU thread with vm->lock held. */
void lgl_notify(struct lgl_vm *vm, uint32_t addr);
/* Open the rings' kick eventfds (attached to the backend where it can) and start the
 * device's service thread. */
void lgl_device_start(struct lgl_vm *vm, struct lgl_device *dev);
/* Stop and join the service thread (what was kicked before is served first), then reset. */
void lgl_device_reset(struct lgl_vm *vm, struct lgl_device *dev);
/* Stop and join the device's service thread, if any.  Drops vm->lock while joining. */
void lgl_device_stop(struct lgl_vm *vm, struct lgl_device *dev);
/* Close the rings' kick eventfds (detached from the backend). */
void lgl_device_kicks_off(struct lgl_vm *vm, struct lgl_device *dev);
/* Is a kick waiting for a device thread (a kick eventfd readable)? */
bool lgl_device_busy(struct lgl_vm *vm, const struct lgl_device *dev);
/* Have the device's thread look at wants_input again (it may not be polling the fd). */
void lgl_device_wake(struct lgl_device *dev);

/* x86.c: write the GDT (and for 64-bit the identity page tables) into guest memory and
 * say how the vCPU starts. */
int lgl_x86_setup(struct lgl_mem *m, enum lgl_mode mode, uint64_t entry, struct lgl_boot_cpu *b);

/* elf.c: load PT_LOADs into RAM; returns 0 or -1 after one message per rejection. */
int lgl_elf_load(const char *path, struct lgl_mem *m, uint64_t *entry, enum lgl_mode *mode);

/* boot.c */
int lgl_boot_params(struct lgl_mem *m, const char *cmdline);

/* dump.c */
int lgl_dump(const struct lgl_vm *vm, const char *path);

#endif
