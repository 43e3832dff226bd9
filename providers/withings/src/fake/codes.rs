//! The statuses the fake answers with where Withings documents no code of its own,
//! chosen within the family the reference assigns to the situation.

/// An unknown, expired or revoked access token ("Authentication failed").
pub const INVALID_TOKEN: i64 = 401;
/// Bad request parameters, an invalid code, refresh token or nonce ("Invalid params").
pub const INVALID_PARAMS: i64 = 503;
/// A signature that does not verify ("Invalid params"; the legacy OAuth code).
pub const BAD_SIGNATURE: i64 = 342;
/// Revoke with a missing or unknown `userid` ("Invalid params").
pub const BAD_USERID: i64 = 247;
/// A data call outside the token's scopes ("Unauthorized").
pub const INSUFFICIENT_SCOPE: i64 = 214;
/// An unknown webservice or action ("Not implemented").
pub const NOT_IMPLEMENTED: i64 = 2554;
/// The rate limit, or the same request within 10 s ("Too many requests").
pub const TOO_MANY_REQUESTS: i64 = 601;
