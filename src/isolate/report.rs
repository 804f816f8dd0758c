//! What init tells the supervisor, through a pipe only the two of them hold:
//! either the setup step that failed, or — once the body has ended and
//! nothing else is left in the pid namespace — the body's status.
//!
//! The status comes through the pipe rather than from `wait4` on init
//! because init's own exit is slow: the kernel tears down its mount and net
//! namespaces (every mount of the new root) before the parent can reap it.
//! The supervisor can go on as soon as the status arrives; bubblewrap's
//! monitor does the same with an eventfd.

use super::steps::{SetupStep, StepFailure};
use nix::errno::Errno;
use std::os::fd::RawFd;

/// One message from init.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    SetupFailed(StepFailure),
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

/// Size of one record: small enough to be written atomically (PIPE_BUF is
/// 4096), so a reader never sees half of one.
const RECORD: usize = 512;
/// Kind (1), step index (1), errno or status (4), detail length (2).
const HEADER: usize = 8;

impl Report {
    fn encode(&self) -> [u8; RECORD] {
        let mut buf = [0u8; RECORD];
        match self {
            Report::SetupFailed(f) => {
                buf[0] = 1;
                buf[1] = SetupStep::ALL.iter().position(|s| *s == f.step).unwrap_or(0) as u8;
                buf[2..6].copy_from_slice(&(f.errno as i32).to_le_bytes());
                let detail = f.detail.as_bytes();
                let n = detail.len().min(RECORD - HEADER);
                buf[6..8].copy_from_slice(&(n as u16).to_le_bytes());
                buf[HEADER..HEADER + n].copy_from_slice(&detail[..n]);
            }
            Report::BodyEnded(status) => {
                buf[0] = 2;
                buf[2..6].copy_from_slice(&status.to_le_bytes());
            }
        }
        buf
    }

    fn decode(buf: &[u8; RECORD]) -> Option<Self> {
        let number = i32::from_le_bytes(buf[2..6].try_into().ok()?);
        match buf[0] {
            1 => {
                let n = (u16::from_le_bytes(buf[6..8].try_into().ok()?) as usize).min(RECORD - HEADER);
                Some(Report::SetupFailed(StepFailure {
                    step: *SetupStep::ALL.get(buf[1] as usize)?,
                    errno: Errno::from_raw(number),
                    detail: String::from_utf8_lossy(&buf[HEADER..HEADER + n]).into_owned(),
                }))
            }
            2 => Some(Report::BodyEnded(number)),
            _ => None,
        }
    }

    /// Sends this report (from init).
    pub fn send(&self, fd: RawFd) {
        let _ = crate::exec::spawn::write_all(fd, &self.encode());
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

    fn through_a_pipe(reports: &[Report]) -> Vec<Heard> {
        let (r, w) = os_pipe::pipe().unwrap();
        use std::os::fd::AsRawFd;
        for report in reports {
            report.send(w.as_raw_fd());
        }
        drop(w);
        (0..=reports.len()).map(|_| Report::receive(r.as_raw_fd())).collect()
    }

    #[test]
    fn reports_round_trip_and_end_with_closed() {
        let failed = Report::SetupFailed(StepFailure::new(SetupStep::PivotRoot, Errno::EPERM, "/tmp/x"));
        let heard = through_a_pipe(&[failed.clone(), Report::BodyEnded(137)]);
        assert_eq!(heard, vec![Heard::Report(failed), Heard::Report(Report::BodyEnded(137)), Heard::Closed]);
        assert_eq!(through_a_pipe(&[]), vec![Heard::Closed]);
    }

    #[test]
    fn long_details_are_cut_to_the_record() {
        let long = Report::SetupFailed(StepFailure::new(SetupStep::Volumes, Errno::ENOENT, "x".repeat(2000)));
        let Heard::Report(Report::SetupFailed(f)) = &through_a_pipe(&[long])[0] else { panic!("no failure heard") };
        assert_eq!((f.step, f.errno, f.detail.len()), (SetupStep::Volumes, Errno::ENOENT, RECORD - HEADER));
        let shown = StepFailure::new(SetupStep::PivotRoot, Errno::EPERM, "/tmp/x").to_string();
        assert_eq!(shown, "step 'pivot_root' failed: EPERM (Operation not permitted): /tmp/x");
    }
}
