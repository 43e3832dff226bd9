//! OAuth scopes. Withings separates them with commas and grants data access by
//! scope: `user.metrics` for measures and heart, `user.activity` for activity and
//! sleep; `user.sleepevents` grants notifications only.

pub(crate) const INFO: &str = "user.info";
pub(crate) const METRICS: &str = "user.metrics";
pub(crate) const ACTIVITY: &str = "user.activity";
pub(crate) const SLEEP_EVENTS: &str = "user.sleepevents";

const KNOWN: [&str; 4] = [INFO, METRICS, ACTIVITY, SLEEP_EVENTS];

/// A set of granted scopes, in Withings' order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scopes(Vec<&'static str>);

impl Scopes {
    /// The known scopes named in a comma-separated list; unknown names are dropped.
    pub(crate) fn parse(text: &str) -> Self {
        let asked: Vec<&str> = text.split([',', ' ']).map(str::trim).collect();
        Self(KNOWN.into_iter().filter(|s| asked.contains(s)).collect())
    }

    pub(crate) fn all() -> Self {
        Self(KNOWN.to_vec())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn any_of(&self, wanted: &[&str]) -> bool {
        wanted.iter().any(|w| self.0.contains(w))
    }

    pub(crate) fn to_withings(&self) -> String {
        self.0.join(",")
    }
}
