//! Withings status codes and their families.
//!
//! Withings answers HTTP 200 with the outcome in the body's `status`; the family of
//! that code, never the HTTP status alone, decides whether to refresh, wait, retry
//! or give up.

/// What a status code means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFamily {
    Success,
    /// The access token is invalid or expired: refresh once and retry once.
    AuthenticationFailed,
    /// The request is wrong; retrying the same request cannot help.
    InvalidParams,
    /// Missing scope or API plan.
    Unauthorized,
    NotImplemented,
    /// Transient: retry with backoff.
    Timeout,
    BadState,
    /// 601: wait (`wait_seconds` when given), then retry.
    TooManyRequests,
    /// Transient upstream failure: retry with backoff.
    ErrorOccurred,
    /// A code in no documented family; treated as a transient upstream failure.
    Unknown,
}

impl StatusFamily {
    pub fn of(status: i64) -> Self {
        let within = |ranges: &[(i64, i64)]| {
            ranges
                .iter()
                .any(|(low, high)| (*low..=*high).contains(&status))
        };
        if status == 0 {
            Self::Success
        } else if within(AUTHENTICATION_FAILED) {
            Self::AuthenticationFailed
        } else if within(UNAUTHORIZED) {
            Self::Unauthorized
        } else if status == 2554 {
            Self::NotImplemented
        } else if status == 522 {
            Self::Timeout
        } else if status == 524 {
            Self::BadState
        } else if status == 601 {
            Self::TooManyRequests
        } else if within(INVALID_PARAMS) {
            Self::InvalidParams
        } else if within(ERROR_OCCURRED) {
            Self::ErrorOccurred
        } else {
            Self::Unknown
        }
    }

    /// Whether the same request may succeed if simply sent again later.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Self::Timeout | Self::ErrorOccurred | Self::Unknown | Self::TooManyRequests
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::AuthenticationFailed => {
                "authentication failed (the access token is invalid or expired)"
            }
            Self::InvalidParams => "invalid parameters",
            Self::Unauthorized => "unauthorized (usually a missing scope or API plan)",
            Self::NotImplemented => "not implemented (wrong action or webservice)",
            Self::Timeout => "upstream timeout",
            Self::BadState => "bad state",
            Self::TooManyRequests => "too many requests",
            Self::ErrorOccurred => "an error occurred upstream",
            Self::Unknown => "undocumented status",
        }
    }
}

const AUTHENTICATION_FAILED: &[(i64, i64)] = &[(100, 102), (200, 200), (401, 401)];

const UNAUTHORIZED: &[(i64, i64)] = &[(214, 214), (277, 277), (2553, 2553), (2555, 2555)];

const INVALID_PARAMS: &[(i64, i64)] = &[
    (201, 213),
    (216, 218),
    (220, 221),
    (223, 223),
    (225, 225),
    (227, 230),
    (234, 236),
    (238, 238),
    (240, 252),
    (254, 254),
    (260, 267),
    (271, 272),
    (275, 276),
    (283, 288),
    (290, 290),
    (293, 295),
    (297, 297),
    (300, 304),
    (321, 321),
    (323, 353),
    (380, 382),
    (400, 400),
    (501, 511),
    (523, 523),
    (532, 532),
    (3017, 3019),
];

const ERROR_OCCURRED: &[(i64, i64)] = &[
    (215, 215),
    (219, 219),
    (222, 222),
    (224, 224),
    (226, 226),
    (231, 233),
    (237, 237),
    (253, 253),
    (255, 259),
    (268, 270),
    (273, 274),
    (278, 282),
    (289, 289),
    (291, 292),
    (296, 296),
    (298, 298),
    (305, 320),
    (322, 322),
    (370, 375),
    (383, 383),
    (391, 391),
    (402, 402),
    (516, 521),
    (525, 531),
    (533, 533),
    (602, 602),
    (700, 700),
    (1051, 1054),
    (2551, 2552),
    (2556, 2559),
    (3000, 3016),
    (3020, 3024),
    (5000, 5006),
    (6000, 6000),
    (6010, 6011),
    (9000, 9000),
    (10000, 10000),
];

#[cfg(test)]
mod tests {
    use super::StatusFamily::{self, *};

    #[test]
    fn families_follow_the_reference_table() {
        let cases: &[(i64, StatusFamily)] = &[
            (0, Success),
            (100, AuthenticationFailed),
            (102, AuthenticationFailed),
            (200, AuthenticationFailed),
            (401, AuthenticationFailed),
            (201, InvalidParams),
            (283, InvalidParams),
            (342, InvalidParams),
            (503, InvalidParams),
            (3019, InvalidParams),
            (214, Unauthorized),
            (277, Unauthorized),
            (2553, Unauthorized),
            (2555, Unauthorized),
            (2554, NotImplemented),
            (522, Timeout),
            (524, BadState),
            (601, TooManyRequests),
            (215, ErrorOccurred),
            (2551, ErrorOccurred),
            (10000, ErrorOccurred),
            (7, Unknown),
            (99999, Unknown),
        ];
        for (code, family) in cases {
            assert_eq!(StatusFamily::of(*code), *family, "status {code}");
        }
    }

    #[test]
    fn only_transient_families_are_retried() {
        assert!(
            ErrorOccurred.is_transient()
                && Timeout.is_transient()
                && TooManyRequests.is_transient()
        );
        assert!(
            !InvalidParams.is_transient()
                && !Unauthorized.is_transient()
                && !NotImplemented.is_transient()
        );
        assert!(!BadState.is_transient() && !AuthenticationFailed.is_transient());
    }
}
