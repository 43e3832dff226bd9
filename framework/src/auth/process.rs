//! Whether the process that left a file behind still runs.

/// `Some(false)` only when the process is certainly gone; `None` when this platform
/// cannot tell, and callers fall back to the file's age.
#[cfg(unix)]
pub(crate) fn is_alive(pid: u32) -> Option<bool> {
    use rustix::io::Errno;
    use rustix::process::{Pid, test_kill_process};

    let pid = Pid::from_raw(i32::try_from(pid).ok()?)?;
    match test_kill_process(pid) {
        Ok(()) => Some(true),
        // It exists, it just belongs to another user.
        Err(Errno::PERM) => Some(true),
        Err(Errno::SRCH) => Some(false),
        Err(_) => None,
    }
}

#[cfg(not(unix))]
pub(crate) fn is_alive(_pid: u32) -> Option<bool> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive() {
        assert_eq!(is_alive(std::process::id()), Some(true));
    }

    #[test]
    fn a_reaped_child_is_gone() {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        child.wait().expect("wait");
        assert_eq!(is_alive(pid), Some(false));
    }

    #[test]
    fn nonsense_pids_are_unknown_or_gone() {
        assert_eq!(is_alive(0), None, "pid 0 means the process group");
        assert_eq!(is_alive(u32::MAX), None, "not a pid at all");
        assert_eq!(is_alive(999_999_999), Some(false));
    }
}
