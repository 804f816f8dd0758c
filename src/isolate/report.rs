//! What init tells the supervisor, through a pipe only the two of them hold:
//! either that a setup step failed (init has said which on the block's
//! stderr), or — once the body has ended and nothing else is left in the
//! pid namespace — the body's status.
//!
//! The status comes through the pipe rather than from `wait4` on init
//! because init's own exit is slow: the kernel tears down its mount and net
//! namespaces (every mount of the new root) before the parent can reap it.
//! The supervisor can go on as soon as the status arrives; bubblewrap's
//! monitor does the same with an eventfd.

use nix::errno::Errno;
use std::os::fd::RawFd;

/// One message from init.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    SetupFailed,
    /// The body's `$?`; every other process of the block is gone.
    BodyEnded(i32),
}

/// What one read of the pipe gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    Report(Report),
    /// A signal arrived before any message did.
    Interrupted,
    /// Every writer is gone and no message came (init was killed).
    Closed,
}

/// Size of one record: a kind byte and a status, written in one `write`
/// (atomic on a pipe), so a reader never sees half of one.
const RECORD: usize = 5;

impl Report {
    fn encode(self) -> [u8; RECORD] {
        let (kind, status) = match self {
            Report::SetupFailed => (1, 0),
            Report::BodyEnded(status) => (2, status),
        };
        let mut buf = [kind, 0, 0, 0, 0];
        buf[1..].copy_from_slice(&status.to_le_bytes());
        buf
    }

    fn decode(buf: &[u8; RECORD]) -> Option<Self> {
        match buf[0] {
            1 => Some(Report::SetupFailed),
            2 => Some(Report::BodyEnded(i32::from_le_bytes(buf[1..].try_into().ok()?))),
            _ => None,
        }
    }

    /// Sends this report (from init).
    pub fn send(self, fd: RawFd) {
        let _ = crate::process::spawn::write_all(fd, &self.encode());
    }

    /// Waits for the next report. A signal interrupts the wait only before
    /// any byte of a record has arrived.
    pub fn receive(fd: RawFd) -> Heard {
        let mut buf = [0u8; RECORD];
        let mut got = 0;
        while got < RECORD {
            // SAFETY: reading into the unfilled tail of a local buffer.
            let n = unsafe { libc::read(fd, buf[got..].as_mut_ptr().cast(), RECORD - got) };
            match n {
                n if n > 0 => got += n as usize,
                n if n < 0 && Errno::last() == Errno::EINTR => {
                    if got == 0 {
                        return Heard::Interrupted;
                    }
                }
                _ => break,
            }
        }
        match (got == RECORD).then(|| Self::decode(&buf)).flatten() {
            Some(r) => Heard::Report(r),
            None => Heard::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip_and_end_with_closed() {
        let (r, w) = os_pipe::pipe().unwrap();
        use std::os::fd::AsRawFd;
        for report in [Report::SetupFailed, Report::BodyEnded(137), Report::BodyEnded(-1)] {
            report.send(w.as_raw_fd());
        }
        drop(w);
        let heard: Vec<Heard> = (0..4).map(|_| Report::receive(r.as_raw_fd())).collect();
        let expected = [Report::SetupFailed, Report::BodyEnded(137), Report::BodyEnded(-1)].map(Heard::Report);
        assert_eq!(heard[..3], expected);
        assert_eq!(heard[3], Heard::Closed);
    }
}
