//! What the numbers suggest: training load, readiness, bottlenecks and a plan for
//! next week. Every finding comes from values that exist and quotes them; a rule
//! whose inputs are missing does not fire (the original connector read missing
//! sleep as zero sleep and flagged it).

use delx_framework::schemars::{self, JsonSchema};
use serde::Serialize;

use super::aggregate::{Delta, WindowStats, delta_pct};
use super::day::DayStats;
use crate::tools::format::round;

/// Sleep below this many minutes a night on average is short.
const SHORT_SLEEP_MINUTES: f64 = 390.0;
/// Fewer moderate-or-intense minutes a week than this is low (WHO: 150).
const LOW_ACTIVE_MINUTES_PER_WEEK: f64 = 75.0;
/// An hour a day of moderate or intense activity is a high load for most people.
const HIGH_ACTIVE_MINUTES_PER_WEEK: f64 = 420.0;
const LOW_STEPS: f64 = 5000.0;
const HIGH_STEPS: f64 = 15000.0;
/// Nights or days needed before an average is worth a finding.
const MIN_DAYS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingLoad {
    Low,
    Normal,
    High,
    Unknown,
}

impl TrainingLoad {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Unknown => "unknown",
        }
    }
}

/// Load over the whole window, from moderate and intense minutes and steps per day
/// with data (not from today's partial count).
pub fn training_load(stats: &WindowStats) -> TrainingLoad {
    let (Some(active), Some(steps)) = (stats.active_minutes_per_week, stats.avg_steps) else {
        return TrainingLoad::Unknown;
    };
    let workout_per_week = stats
        .workout_minutes
        .filter(|_| stats.days > 0)
        .map(|minutes| minutes / stats.days as f64 * 7.0)
        .unwrap_or(0.0);
    if active > HIGH_ACTIVE_MINUTES_PER_WEEK
        || steps > HIGH_STEPS
        || workout_per_week > HIGH_ACTIVE_MINUTES_PER_WEEK
    {
        TrainingLoad::High
    } else if active < LOW_ACTIVE_MINUTES_PER_WEEK && steps < LOW_STEPS {
        TrainingLoad::Low
    } else {
        TrainingLoad::Normal
    }
}

/// What last night and yesterday say about today.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Readiness {
    /// `short_sleep`, `low_sleep_score`, `below_baseline`, `high_activity_low_sleep`,
    /// `steady`, or `unknown` when the night was not recorded.
    pub classification: &'static str,
    /// The values behind the classification.
    pub reasons: Vec<String>,
}

pub fn readiness(
    day: &DayStats,
    yesterday: Option<&DayStats>,
    baseline: &WindowStats,
) -> Readiness {
    let Some(sleep) = day.sleep_minutes else {
        return Readiness {
            classification: "unknown",
            reasons: vec!["No night was recorded ending this day.".into()],
        };
    };
    let mut reasons = Vec::new();
    let mut classification = "steady";
    if sleep < 360.0 {
        classification = "short_sleep";
        reasons.push(format!("Slept {} (under 6 h).", hm(sleep)));
    }
    if let Some(score) = day.sleep_score.filter(|score| *score < 60.0) {
        if classification == "steady" {
            classification = "low_sleep_score";
        }
        reasons.push(format!("Sleep score {score:.0} (under 60)."));
    }
    if let Some(base) = baseline
        .avg_sleep_minutes
        .filter(|_| baseline.days_with_sleep >= MIN_DAYS)
        && sleep < base - 60.0
    {
        if classification == "steady" {
            classification = "below_baseline";
        }
        reasons.push(format!(
            "Slept {} against a {}-night average of {}.",
            hm(sleep),
            baseline.days_with_sleep,
            hm(base)
        ));
    }
    if let Some(steps) = yesterday
        .and_then(|d| d.steps)
        .filter(|s| *s as f64 > HIGH_STEPS)
        && sleep < 420.0
    {
        if classification == "steady" {
            classification = "high_activity_low_sleep";
        }
        reasons.push(format!(
            "{steps} steps the day before, then {} of sleep.",
            hm(sleep)
        ));
    }
    if reasons.is_empty() {
        reasons.push(format!("Slept {}; nothing stands out.", hm(sleep)));
    }
    Readiness {
        classification,
        reasons,
    }
}

/// Something in the data that limits progress, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Bottleneck {
    /// A stable key: `short_sleep`, `low_sleep_score`, `sleep_decline`,
    /// `irregular_bedtime`, `low_movement`, `movement_decline`, `low_intensity`.
    pub key: &'static str,
    pub finding: String,
}

pub fn bottlenecks(current: &WindowStats, deltas: &[Delta]) -> Vec<Bottleneck> {
    let mut found = Vec::new();
    let mut add = |key, finding: String| found.push(Bottleneck { key, finding });
    let sleep_days = current.days_with_sleep;
    let activity_days = current.days_with_activity;
    if let Some(sleep) = current.avg_sleep_minutes.filter(|_| sleep_days >= MIN_DAYS)
        && sleep < SHORT_SLEEP_MINUTES
    {
        add(
            "short_sleep",
            format!(
                "Average sleep {} over {sleep_days} nights, under 6 h 30.",
                hm(sleep)
            ),
        );
    }
    if let Some(score) = current.avg_sleep_score.filter(|_| sleep_days >= MIN_DAYS)
        && score < 65.0
    {
        add(
            "low_sleep_score",
            format!("Average sleep score {score:.0}, under 65."),
        );
    }
    if let Some(pct) = delta_pct(deltas, "avg_sleep_minutes").filter(|pct| *pct < -10.0) {
        add(
            "sleep_decline",
            format!("Sleep {pct:.0}% against the comparison window."),
        );
    }
    if let Some(spread) = current.bedtime_spread_minutes
        && spread > 60.0
    {
        add(
            "irregular_bedtime",
            format!("Bedtimes vary by about {spread:.0} minutes (standard deviation)."),
        );
    }
    if let Some(steps) = current.avg_steps.filter(|_| activity_days >= MIN_DAYS)
        && steps < LOW_STEPS
    {
        add(
            "low_movement",
            format!("Average {steps:.0} steps a day over {activity_days} days."),
        );
    }
    if let Some(pct) = delta_pct(deltas, "avg_steps").filter(|pct| *pct < -20.0) {
        add(
            "movement_decline",
            format!("Steps {pct:.0}% against the comparison window."),
        );
    }
    if let Some(active) = current
        .active_minutes_per_week
        .filter(|_| activity_days >= MIN_DAYS)
        && active < LOW_ACTIVE_MINUTES_PER_WEEK
    {
        add(
            "low_intensity",
            format!("About {active:.0} moderate or intense minutes a week."),
        );
    }
    found
}

/// One measurable aim for next week, from this week's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PlanItem {
    /// `sleep_duration`, `bedtime_regularity`, `steps`, `intensity`,
    /// `weigh_ins`, or `keep` when nothing needs fixing.
    pub focus: &'static str,
    /// This window's value of the metric, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    pub unit: &'static str,
    pub action: String,
}

/// Next week's aims: each bottleneck becomes a target a step beyond this week's
/// value, not an ideal; with no bottleneck, hold what works.
pub fn plan(current: &WindowStats, days: &[DayStats], found: &[Bottleneck]) -> Vec<PlanItem> {
    let has = |key: &str| found.iter().any(|b| b.key == key);
    let mut items = Vec::new();
    if let Some(sleep) = current.avg_sleep_minutes
        && (has("short_sleep") || has("sleep_decline"))
    {
        let target = (sleep + 30.0).min(480.0);
        let target = (target / 5.0).round() * 5.0;
        let short_nights = days
            .iter()
            .filter_map(|d| d.sleep_minutes)
            .filter(|minutes| *minutes < target)
            .count();
        items.push(PlanItem {
            focus: "sleep_duration",
            current: Some(sleep),
            target: Some(target),
            unit: "minutes a night",
            action: format!(
                "Go to bed {} min earlier on the nights like the {short_nights} this week under {}.",
                round(target - sleep, 0),
                hm(target)
            ),
        });
    }
    if let Some(spread) = current.bedtime_spread_minutes
        && has("irregular_bedtime")
    {
        let usual = median_bedtime(days);
        items.push(PlanItem {
            focus: "bedtime_regularity",
            current: Some(spread),
            target: Some((spread * 0.7).round().max(30.0)),
            unit: "minutes of spread",
            action: match usual {
                Some(usual) => format!("Keep bedtime within 45 minutes of {usual}."),
                None => "Keep bedtime within 45 minutes of the usual time.".into(),
            },
        });
    }
    if let Some(steps) = current.avg_steps
        && (has("low_movement") || has("movement_decline"))
    {
        let target = ((steps * 1.15).min(steps + 2000.0) / 500.0).ceil() * 500.0;
        let below = days
            .iter()
            .filter_map(|d| d.steps)
            .filter(|s| (*s as f64) < target)
            .count();
        let walk = ((target - steps) / 100.0).round().max(5.0);
        items.push(PlanItem {
            focus: "steps",
            current: Some(steps),
            target: Some(target),
            unit: "steps a day",
            action: format!(
                "Add a {walk:.0}-minute walk on days like the {below} this week under {target:.0} steps."
            ),
        });
    }
    if let Some(active) = current.active_minutes_per_week
        && has("low_intensity")
    {
        let target = (active + 30.0).min(150.0).round();
        items.push(PlanItem {
            focus: "intensity",
            current: Some(active),
            target: Some(target),
            unit: "moderate or intense minutes a week",
            action: format!(
                "Make {:.0} more minutes brisk: split into 10-minute bouts.",
                target - active
            ),
        });
    }
    if current.days >= 7 && current.days_with_weight < 3 {
        items.push(PlanItem {
            focus: "weigh_ins",
            current: Some(current.days_with_weight as f64),
            target: Some(3.0),
            unit: "weigh-ins a week",
            action: "Weigh in on at least 3 mornings, before breakfast, so trends mean something."
                .into(),
        });
    }
    if items.iter().all(|item| item.focus == "weigh_ins") {
        let mut keep = Vec::new();
        if let Some(sleep) = current.avg_sleep_minutes {
            keep.push(format!("sleep around {}", hm(sleep)));
        }
        if let Some(steps) = current.avg_steps {
            keep.push(format!("about {steps:.0} steps a day"));
        }
        if !keep.is_empty() {
            items.push(PlanItem {
                focus: "keep",
                current: None,
                target: None,
                unit: "",
                action: format!("Hold this week's base: {}.", keep.join(" and ")),
            });
        }
    }
    items
}

fn median_bedtime(days: &[DayStats]) -> Option<String> {
    let mut nights: Vec<(f64, &str)> = days
        .iter()
        .filter_map(|d| Some((d.bedtime_minutes?, d.bedtime.as_deref()?)))
        .collect();
    nights.sort_by(|a, b| a.0.total_cmp(&b.0));
    nights
        .get(nights.len() / 2)
        .map(|(_, clock)| (*clock).to_owned())
}

/// What the summary had to work with.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DataQuality {
    /// Share of days with activity and sleep data, 0 to 1.
    pub completeness: f64,
    /// `high`, `medium` or `low`.
    pub confidence: &'static str,
    /// Missing days, failed domains, partial days.
    pub warnings: Vec<String>,
}

/// `failed` domains could not be read at all: confidence is at most medium then.
pub fn data_quality(
    stats: &WindowStats,
    days: &[DayStats],
    mut warnings: Vec<String>,
    failed: usize,
) -> DataQuality {
    let missing = |has: fn(&DayStats) -> bool| -> Vec<&str> {
        days.iter()
            .filter(|d| !has(d))
            .map(|d| d.date.as_str())
            .collect()
    };
    for (what, gaps) in [
        ("activity", missing(DayStats::has_activity)),
        ("sleep", missing(DayStats::has_sleep)),
    ] {
        if gaps.is_empty() {
            continue;
        }
        if gaps.len() == days.len() && days.len() > 1 {
            warnings.push(format!("No {what} recorded in the window."));
        } else {
            warnings.push(format!("No {what} recorded on {}.", list(&gaps)));
        }
    }
    let completeness = stats.completeness();
    let confidence = if completeness >= 0.8 && failed == 0 {
        "high"
    } else if completeness >= 0.5 {
        "medium"
    } else {
        "low"
    };
    DataQuality {
        completeness,
        confidence,
        warnings,
    }
}

/// Up to five days, then how many more.
fn list(days: &[&str]) -> String {
    if days.len() <= 5 {
        days.join(", ")
    } else {
        format!("{} and {} more days", days[..5].join(", "), days.len() - 5)
    }
}

/// Minutes as `7 h 05`.
pub fn hm(minutes: f64) -> String {
    let total = minutes.round() as i64;
    if total < 60 {
        format!("{total} min")
    } else {
        format!("{} h {:02}", total / 60, total % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(sleep: Option<f64>, steps: Option<f64>, days_with: usize) -> WindowStats {
        WindowStats {
            days: 7,
            days_with_sleep: days_with,
            days_with_activity: days_with,
            avg_sleep_minutes: sleep,
            avg_steps: steps,
            active_minutes_per_week: steps.map(|_| 120.0),
            ..WindowStats::default()
        }
    }

    #[test]
    fn missing_sleep_is_not_short_sleep() {
        let none = bottlenecks(&stats(None, Some(8000.0), 0), &[]);
        assert!(none.is_empty(), "{none:?}");
        let short = bottlenecks(&stats(Some(350.0), Some(8000.0), 5), &[]);
        assert_eq!(short[0].key, "short_sleep");
        assert!(short[0].finding.contains("5 h 50"), "{short:?}");
    }

    #[test]
    fn the_plan_targets_a_step_beyond_this_week() {
        let current = stats(Some(350.0), Some(4000.0), 5);
        let found = bottlenecks(&current, &[]);
        let items = plan(&current, &[], &found);
        let sleep = items.iter().find(|i| i.focus == "sleep_duration").unwrap();
        assert_eq!(sleep.target, Some(380.0));
        let steps = items.iter().find(|i| i.focus == "steps").unwrap();
        assert_eq!(steps.target, Some(5000.0));
    }

    #[test]
    fn load_is_unknown_without_activity_and_high_with_many_steps() {
        assert_eq!(training_load(&stats(None, None, 0)), TrainingLoad::Unknown);
        assert_eq!(
            training_load(&stats(None, Some(16000.0), 7)),
            TrainingLoad::High
        );
        assert_eq!(
            training_load(&stats(None, Some(8000.0), 7)),
            TrainingLoad::Normal
        );
    }

    #[test]
    fn an_unrecorded_night_is_unknown_readiness() {
        let day = DayStats {
            date: "2026-06-01".into(),
            ..DayStats::default()
        };
        assert_eq!(
            readiness(&day, None, &WindowStats::default()).classification,
            "unknown"
        );
    }
}
