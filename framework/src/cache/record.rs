//! The byte layout shared by the disk and memory stores, so both behave alike and
//! the memory store is a faithful stand-in in tests.

use super::CacheError;

const STAMP_LEN: usize = 8;

/// `stored_at` (8 bytes, big-endian) then the answer's JSON.
pub(crate) fn encode(stored_at: i64, json: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(STAMP_LEN + json.len());
    bytes.extend_from_slice(&stored_at.to_be_bytes());
    bytes.extend_from_slice(json);
    bytes
}

/// The stamp and the JSON bytes of a record.
pub(crate) fn decode(record: &[u8]) -> Result<(i64, &[u8]), CacheError> {
    let (stamp, json) = record
        .split_first_chunk::<STAMP_LEN>()
        .ok_or(CacheError::Malformed)?;
    Ok((i64::from_be_bytes(*stamp), json))
}

/// Orders the eviction index by age: the stamp with its sign bit flipped (so byte
/// order is numeric order, even before 1970), then the entry's key to break ties.
pub(crate) fn index_key(stored_at: i64, key: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(STAMP_LEN + key.len());
    bytes.extend_from_slice(&sortable(stored_at));
    bytes.extend_from_slice(key);
    bytes
}

/// The stamp and entry key an index key was made from.
pub(crate) fn split_index_key(index_key: &[u8]) -> Result<(i64, &[u8]), CacheError> {
    let (stamp, key) = index_key
        .split_first_chunk::<STAMP_LEN>()
        .ok_or(CacheError::Malformed)?;
    let flipped = u64::from_be_bytes(*stamp) ^ SIGN_BIT;
    Ok((i64::from_be_bytes(flipped.to_be_bytes()), key))
}

/// What an entry costs against the size budget: its key and its record.
pub(crate) fn footprint(key: &[u8], record: &[u8]) -> u64 {
    (key.len() + record.len()) as u64
}

const SIGN_BIT: u64 = 1 << 63;

fn sortable(stored_at: i64) -> [u8; STAMP_LEN] {
    (u64::from_be_bytes(stored_at.to_be_bytes()) ^ SIGN_BIT).to_be_bytes()
}
