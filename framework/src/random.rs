//! Unguessable values (OAuth `state`, nonces) from the operating system's source.

use std::fmt::Write;

#[derive(Debug, thiserror::Error)]
#[error("the system random source failed: {0}")]
pub struct RandomError(String);

/// `bytes` random bytes as lowercase hex; 16 bytes make a 128-bit OAuth state.
pub fn hex_token(bytes: usize) -> Result<String, RandomError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| RandomError(error.to_string()))?;
    Ok(buffer
        .iter()
        .fold(String::with_capacity(bytes * 2), |mut text, byte| {
            let _ = write!(text, "{byte:02x}");
            text
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_asked_entropy_and_differ() {
        let a = hex_token(16).unwrap();
        let b = hex_token(16).unwrap();
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }
}
