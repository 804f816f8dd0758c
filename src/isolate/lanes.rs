//! Init's two lanes on two CPUs. Init makes the network namespace while a
//! thread of its own builds the root. Three things keep the lanes apart
//! in time as well as in name, each measured on a 2-vCPU VM:
//!
//! - A new thread starts on its parent's CPU, and a scheduler that packs
//!   tasks onto busy CPUs (as virtual machines' kernels are set up to, so
//!   that idle vCPUs stay asleep) runs it there only once init blocks —
//!   after the namespace is made — so the lanes ran one after the other.
//!   The thread is sent to the other CPUs of init's mask before it first
//!   runs ([`other_cpus`], [`send_to`]). Init's own mask, which the body inherits,
//!   is not touched.
//! - Waking a sleeping vCPU takes 30–50 µs. The thread is therefore
//!   started before init's own preliminaries (its redirections, the
//!   cgroup files), and waits at a [`Gate`] — spinning, on a CPU of its
//!   own — until init lets it mount.
//! - For the same reason init, done with its lane first, spins until the
//!   thread has finished ([`wait_finished`]) instead of sleeping in the
//!   join, for a bounded time.
//!
//! Where the thread shares init's CPU (a mask of one CPU) nothing spins:
//! a spinning task would only take the CPU from the other.

use std::sync::atomic::{AtomicU8, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a lane spins before it sleeps: init's preliminaries and the
/// gap between the lanes' ends are a tenth of a millisecond or so; a
/// redirection from a FIFO can block for ever.
const SPIN_FOR: Duration = Duration::from_millis(2);

/// The CPUs of the caller's mask other than the one it is on; `None`
/// where there is no other (a mask of one CPU) or the kernel will not say:
/// the thread then shares the CPU, which is slower but the same work.
pub fn other_cpus() -> Option<libc::cpu_set_t> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity writes `size_of`
    // bytes of it.
    unsafe {
        let mut mask: libc::cpu_set_t = std::mem::zeroed();
        let here = libc::sched_getcpu();
        if here < 0 || libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut mask) != 0 {
            return None;
        }
        libc::CPU_CLR(here as usize, &mut mask);
        (libc::CPU_COUNT(&mask) > 0).then_some(mask)
    }
}

/// Restricts `thread` (not yet run) to the CPUs of `mask`; whether it did.
pub fn send_to<T>(thread: &JoinHandle<T>, mask: &libc::cpu_set_t) -> bool {
    use std::os::unix::thread::JoinHandleExt;
    // SAFETY: `mask` is `size_of` bytes; `thread` is a live, joinable
    // thread of ours.
    unsafe { libc::pthread_setaffinity_np(thread.as_pthread_t(), std::mem::size_of::<libc::cpu_set_t>(), mask) == 0 }
}

/// Where the thread waits until init lets it start: closed, open, or
/// never to open (init failed before the thread did anything).
pub struct Gate {
    state: AtomicU8,
    /// Whether the thread has a CPU of its own to spin on.
    spin: AtomicU8,
}

const CLOSED: u8 = 0;
const OPEN: u8 = 1;
const ABANDONED: u8 = 2;

impl Gate {
    /// A closed gate; `spin`: the thread will run on another CPU than init.
    pub fn new(spin: bool) -> Gate {
        Gate { state: AtomicU8::new(CLOSED), spin: AtomicU8::new(spin as u8) }
    }

    /// The thread shares init's CPU after all: it must not spin.
    pub fn no_spinning(&self) {
        self.spin.store(0, Ordering::Release);
    }

    /// Lets the thread go on (`go`) or tells it to return at once, and
    /// wakes it if it sleeps.
    pub fn open<T>(&self, thread: &JoinHandle<T>, go: bool) {
        self.state.store(if go { OPEN } else { ABANDONED }, Ordering::Release);
        thread.thread().unpark();
    }

    /// In the thread: waits for [`open`](Self::open); true to go on.
    pub fn pass(&self) -> bool {
        let start = Instant::now();
        let mut turns = 0u32;
        loop {
            match self.state.load(Ordering::Acquire) {
                OPEN => return true,
                ABANDONED => return false,
                _ => {}
            }
            turns = turns.wrapping_add(1);
            let spinning = self.spin.load(Ordering::Acquire) == 1 && (!turns.is_multiple_of(64) || start.elapsed() < SPIN_FOR);
            if spinning {
                yield_cpu();
            } else {
                // unpark() before park() makes park() return at once.
                std::thread::park_timeout(Duration::from_millis(1));
            }
        }
    }
}

/// Waits until `thread` has finished its work, spinning for a while when
/// `spin` (it runs on another CPU) so that its end need not wake this one.
/// The caller then joins it.
pub fn wait_finished<T>(thread: &JoinHandle<T>, spin: bool) {
    if !spin {
        return;
    }
    let start = Instant::now();
    let mut turns = 0u32;
    while !thread.is_finished() {
        turns = turns.wrapping_add(1);
        if turns.is_multiple_of(64) && start.elapsed() >= SPIN_FOR {
            return;
        }
        yield_cpu();
    }
}

/// One turn of a spin: `sched_yield`, so that a task woken on this CPU
/// meanwhile — a kernel thread the other lane waits for, as `umount2`
/// waits for RCU's — runs at once instead of after this one's time slice.
fn yield_cpu() {
    // SAFETY: sched_yield takes no arguments.
    unsafe { libc::sched_yield() };
}
