//! Request signatures: HMAC-SHA256 over `action,client_id,nonce` (or `timestamp`
//! for `getnonce`), keyed with the client secret, as lowercase hex.
//!
//! Withings signs only those three values, joined with `,` in the alphabetical
//! order of their names; every other parameter travels unsigned.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The signature of one request. `nonce_or_timestamp` is the nonce for signed calls
/// and the unix timestamp (as text) for `getnonce`.
pub fn sign(
    client_secret: &str,
    action: &str,
    client_id: &str,
    nonce_or_timestamp: &str,
) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(client_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(format!("{action},{client_id},{nonce_or_timestamp}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a signature without leaking, through timing, where it first differs.
pub fn verify(
    client_secret: &str,
    action: &str,
    client_id: &str,
    nonce_or_timestamp: &str,
    signature: &str,
) -> bool {
    let expected = sign(client_secret, action, client_id, nonce_or_timestamp);
    expected.len() == signature.len()
        && expected
            .bytes()
            .zip(signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference's vectors, from the spec's sample credentials.
    const CLIENT_ID: &str = "7573fd4a4c421ddd102dac406dc6e0e0e22f683c4a5e81ff0a5caf8b65abed67";
    const SECRET: &str = "d9286311451fc6ed71b372a075c58c5058be158f56a77865e43ab3783255424f";
    const NONCE: &str = "c455541b8f9111689adb647d32fac07a6ffe462d";

    #[test]
    fn getnonce_vector() {
        assert_eq!(
            sign(SECRET, "getnonce", CLIENT_ID, "1700000000"),
            "3a15227ddc151d0d630556722501c33edc1051d8f6bc45ccb2f57d1daad15997"
        );
    }

    #[test]
    fn revoke_vector() {
        assert_eq!(
            sign(SECRET, "revoke", CLIENT_ID, NONCE),
            "cf52424c86f686c598ee597a2e4bfe33483cd3bc2ac454fdb6355138480120bb"
        );
    }

    #[test]
    fn requesttoken_vector() {
        assert_eq!(
            sign(SECRET, "requesttoken", CLIENT_ID, NONCE),
            "5f3657a0a244a872359aba6d89a640ada1f05e7218d43c752bcf76cbe623746b"
        );
    }

    #[test]
    fn verify_accepts_only_the_exact_signature() {
        let good = sign(SECRET, "revoke", CLIENT_ID, NONCE);
        assert!(verify(SECRET, "revoke", CLIENT_ID, NONCE, &good));
        assert!(!verify(
            SECRET,
            "revoke",
            CLIENT_ID,
            NONCE,
            &good.to_uppercase()
        ));
        assert!(!verify(SECRET, "requesttoken", CLIENT_ID, NONCE, &good));
        assert!(!verify("other", "revoke", CLIENT_ID, NONCE, &good));
        assert!(!verify(SECRET, "revoke", CLIENT_ID, NONCE, &good[..10]));
    }
}
