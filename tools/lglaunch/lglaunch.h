/* lglaunch.h — what the launcher's files share: the VM, guest memory, devices and rings.
 *
 * Split like Solo5 hvt / kvmtool: main.c (options, orchestration), kvm.c (VM, vCPU,
 * memslot, ioeventfds, interrupts, run loop), x86.c (CPU modes), elf.c (kernel loader),
 * boot.c (zero page), virtq.c (host-side ring walking), dev_*.c (one per device),
 * dump.c (--dump).
 *
 * Threads, as the 3.x Launcher had them: the vCPU thread (main, in lgl_run) runs the guest
 * and handles every exit; each started device has its own service thread (device.c) that
 * sleeps on its rings' ioeventfds and services a kick at once, while the guest may keep
 * running.  One VM-wide mutex, vm->lock, serialises everything the two kinds of thread
 * share; the full rule is at the top of kvm.c.  The guest itself can change its memory
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
#include "lg_hcall.h"

#define LGL_EXIT_LAYOUT 1 /* the layout has errors: refused before boot */
#define LGL_EXIT_FAIL 2   /* launcher failure: options, KVM, kernel file */
#define LGL_EXIT_GUEST 3  /* the guest broke the rules: a device failed, a bad notify, a crash */

#define LGL_MAX_DEVICES 32

struct lgl_vm;
struct lgl_device;

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
	int eventfd;         /* KVM_IOEVENTFD on the notify port, data = pfn << 12; -1 when off */
	struct lgl_iov *iov; /* num entries, for lgl_vq_pop */
	uint64_t kicks, bufs;
};

enum lgl_pop { LGL_POP_EMPTY = 0, LGL_POP_OK = 1, LGL_POP_BAD = -1 };

/* Take the next available chain, walked by the library (lg_chain_walk): head_range,
 * idx_window and buf_into_rings here, the chain rules there (desc_next_range,
 * desc_loop, desc_flags, ind_not_negotiated, buf_in_ram, desc_out_after_in,
 * chain_len_overflow, ...).  On LGL_POP_BAD the problem has been
 * reported and the device failed. */
enum lgl_pop lgl_vq_pop(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_chain *c);
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

/* Every op runs with vm->lock held; service and input on the device's own thread. */
struct lgl_dev_ops {
	const char *name;
	void (*service)(struct lgl_vm *vm, struct lgl_vq *vq); /* a kick */
	void (*reset)(struct lgl_vm *vm, struct lgl_device *dev);
	/* Is the device waiting for input on *fd (polled by its thread)?  Also asked by the
	 * vCPU thread: a guest halted for input is not a hang. */
	bool (*wants_input)(struct lgl_vm *vm, struct lgl_device *dev, int *fd);
	void (*input)(struct lgl_vm *vm, struct lgl_device *dev); /* *fd became readable */
};

struct lgl_device {
	struct lgl_vm *vm;
	unsigned index;     /* in page order */
	uint32_t offset;    /* of the descriptor in the page */
	uint8_t type, num_vq, feature_len, config_len;
	const struct lgl_dev_ops *ops;
	bool running;       /* features finalised, rings live */
	bool failed;        /* broke a rule: not serviced until reset */
	unsigned nvq;
	struct lgl_vq vq[2];
	void *priv;
	/* The service thread: exists from lgl_device_start until lgl_device_stop. */
	pthread_t thread;
	bool thread_on;     /* created and not yet joined */
	bool stopping;      /* asked to finish: serve what was kicked, then return */
	bool polling_input; /* the thread's poll() includes the input fd (wants_input) */
	int wake_fd;        /* eventfd: stop, or look at the input again; -1 when no thread */
};

/* Device constructors (main.c fills the layout; these fill the device's descriptor). */
struct lgl_block {
	int fd;
	uint64_t size;   /* bytes */
	bool readonly;
	const char *path;
	uint64_t reqs, bytes;
	double host_ns;  /* time spent servicing requests */
	double io_ns;    /* of which in preadv/pwritev/fsync */
	struct iovec *iov; /* num entries */
};
extern const struct lgl_dev_ops lgl_console_ops, lgl_block_ops, lgl_rng_ops;

/* ---------------------------------------------------------------- the VM */

struct lgl_vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct lgl_mem mem;
	struct lg_image *img;    /* guest memory [0, guest_limit) for the library's ring walker */
	uint64_t page_addr;
	bool verbose;
	/* Shared between the vCPU thread and the device threads: under lock (kvm.c). */
	pthread_mutex_t lock;
	pthread_cond_t wake;     /* signalled when the halted vCPU thread should look again */
	pthread_t vcpu_thread;
	bool vcpu_halted;        /* the vCPU thread waits on wake for a halted guest */
	bool vcpu_kicked;        /* immediate_exit set and SIGUSR1 sent since the last entry */
	bool guest_broke;        /* a runtime check fired (exit LGL_EXIT_GUEST) */
	uint32_t irq_pending;    /* bit per guest irq */
	unsigned ndev;
	struct lgl_device dev[LGL_MAX_DEVICES];
	double timeout;          /* seconds, 0 = none */
	uint64_t exits, io_exits, hlt_exits, irqs; /* vCPU thread only */
};

/* kvm.c */
int lgl_kvm_open(struct lgl_vm *vm, uint64_t ram, uint64_t area);
int lgl_kvm_vcpu(struct lgl_vm *vm);
int lgl_ioeventfd(struct lgl_vm *vm, struct lgl_vq *vq, bool on);
/* Mark irq pending (caller holds vm->lock).  On a device thread, the vCPU thread is then
 * owed a wake-up (if it waits for a halted guest) or a kick out of KVM_RUN, which the
 * device thread delivers with lgl_vcpu_wake after dropping the lock. */
void lgl_raise_irq(struct lgl_vm *vm, unsigned irq);
/* Device thread, lock held, at the end of a service round: if the vCPU thread waits for a
 * halted guest, owe it a wake-up so it looks again (the round may have ended a kick). */
void lgl_vcpu_recheck(struct lgl_vm *vm);
/* Device thread, lock NOT held: deliver what this thread's last round owes the vCPU. */
void lgl_vcpu_wake(struct lgl_vm *vm);
/* Run until shutdown; returns the exit code (guest status, or LGL_EXIT_*).  Every device
 * thread has been joined when it returns. */
int lgl_run(struct lgl_vm *vm);
void lgl_kvm_close(struct lgl_vm *vm);

/* device.c; all called on the vCPU thread with vm->lock held. */
void lgl_notify(struct lgl_vm *vm, uint32_t addr);
/* Register the rings' ioeventfds and start the device's service thread. */
void lgl_device_start(struct lgl_vm *vm, struct lgl_device *dev);
/* Stop and join the service thread (what was kicked before is served first), then reset. */
void lgl_device_reset(struct lgl_vm *vm, struct lgl_device *dev);
/* Stop and join the device's service thread, if any.  Drops vm->lock while joining. */
void lgl_device_stop(struct lgl_vm *vm, struct lgl_device *dev);
/* Is a kick waiting for a device thread (an ioeventfd readable)? */
bool lgl_device_busy(struct lgl_vm *vm, const struct lgl_device *dev);
/* Have the device's thread look at wants_input again (it may not be polling the fd). */
void lgl_device_wake(struct lgl_device *dev);

/* x86.c */
enum lgl_mode { LGL_MODE_32 = 32, LGL_MODE_64 = 64 };
int lgl_x86_setup(struct lgl_vm *vm, enum lgl_mode mode, uint64_t entry);

/* elf.c: load PT_LOADs into RAM; returns 0 or -1 after one message per rejection. */
int lgl_elf_load(const char *path, struct lgl_mem *m, uint64_t *entry, enum lgl_mode *mode);

/* boot.c */
int lgl_boot_params(struct lgl_mem *m, const char *cmdline);

/* dump.c */
int lgl_dump(const struct lgl_vm *vm, const char *path);
/* write() all of buf, retrying on EINTR and short writes; 0, or -1 with errno. */
int lgl_write_all(int fd, const void *buf, size_t len);

#endif
