//! Init's two lanes on two CPUs. Init builds the root while a thread of
//! its own makes the network namespace. A new thread starts on its
//! parent's CPU, and a scheduler that packs tasks onto busy CPUs (as
//! virtual machines' kernels are set up to, so that idle vCPUs stay
//! asleep) runs it there only once init blocks, so the lanes would run one
//! after the other. The thread is sent to the other CPUs of init's mask
//! before it first runs ([`send_elsewhere`]). Init's own mask,
//! which the body inherits, is not touched.

use std::thread::JoinHandle;

/// Restricts `thread` (not yet run) to the CPUs of the caller's mask other
/// than the one the caller is on. Where there is no other (a mask of one
/// CPU) or the kernel will not say, nothing changes: the thread then
/// shares the CPU, which is slower but the same work.
pub fn send_elsewhere<T>(thread: &JoinHandle<T>) {
    use std::os::unix::thread::JoinHandleExt;
    // SAFETY: cpu_set_t is plain data; sched_getaffinity and
    // pthread_setaffinity_np write and read `size_of` bytes of it, and
    // `thread` is a live, joinable thread of ours.
    unsafe {
        let mut mask: libc::cpu_set_t = std::mem::zeroed();
        let size = std::mem::size_of::<libc::cpu_set_t>();
        let here = libc::sched_getcpu();
        if here < 0 || libc::sched_getaffinity(0, size, &mut mask) != 0 {
            return;
        }
        libc::CPU_CLR(here as usize, &mut mask);
        if libc::CPU_COUNT(&mask) > 0 {
            libc::pthread_setaffinity_np(thread.as_pthread_t(), size, &mask);
        }
    }
}
