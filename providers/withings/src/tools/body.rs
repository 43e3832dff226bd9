//! `withings_list_body_measures`: measure groups decoded into named values, with the
//! filters that keep goals and other people's weigh-ins out by default.

use std::collections::HashMap;
use std::sync::Arc;

use delx_framework::privacy::PrivacyMode;
use delx_framework::render::ResponseFormat;
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::format::{local_minute, number};
use super::window::{DEFAULT_DAYS, Entry, ListInput, ListOutput, Resume, envelope, markdown};
use super::{ToolContext, wants_markdown};
use crate::api::endpoints::GETMEAS;
use crate::model::{Category, DecodedGroup, GroupFilter, MeasureGroup, MeasureType};

/// `withings_list_body_measures` takes the shared arguments plus filters. The shared
/// fields are repeated rather than flattened in: serde cannot combine `flatten` with
/// `deny_unknown_fields`, and refusing unknown arguments matters more.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyMeasuresInput {
    /// Start of the window: a local day `YYYY-MM-DD` or an ISO 8601 date-time.
    /// Default: 29 days before `before` (30 days in all).
    #[serde(default)]
    pub after: Option<String>,
    /// End of the window (inclusive): a local day `YYYY-MM-DD` or an ISO 8601
    /// date-time. Default: today in the user's time zone.
    #[serde(default)]
    pub before: Option<String>,
    /// How many measure groups to return, newest first (1 to 200, default 30).
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Follow Withings' pagination for up to `max_pages` pages (default false: one page).
    #[serde(default)]
    pub all_pages: bool,
    /// Page cap when `all_pages` is true (1 to 20, default 5).
    #[serde(default)]
    #[schemars(range(min = 1, max = 20))]
    pub max_pages: Option<u32>,
    /// `summary` (decoded values), `structured` (plus upstream fields) or `raw`
    /// (upstream records). Default: the configured mode.
    #[serde(default)]
    pub privacy_mode: Option<PrivacyMode>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
    /// Only these measure types, by key: `weight`, `fat_ratio`, `fat_mass`,
    /// `systolic_bp`, `heart_pulse`... Default: every type.
    #[serde(default)]
    pub types: Vec<String>,
    /// Also return the user's objectives (category 2), default false.
    #[serde(default)]
    pub include_goals: bool,
    /// Also return groups that may be another person's or inaccurate (attrib 1, 4
    /// or unknown), default false.
    #[serde(default)]
    pub include_ambiguous: bool,
}

impl BodyMeasuresInput {
    fn shared(&self) -> ListInput {
        ListInput {
            after: self.after.clone(),
            before: self.before.clone(),
            limit: self.limit,
            all_pages: self.all_pages,
            max_pages: self.max_pages,
            privacy_mode: self.privacy_mode,
            response_format: self.response_format,
        }
    }
}

pub struct ListBodyMeasures(pub Arc<ToolContext>);

#[async_trait]
impl Tool for ListBodyMeasures {
    type Input = BodyMeasuresInput;
    type Output = ListOutput;

    fn name(&self) -> &'static str {
        "withings_list_body_measures"
    }
    fn title(&self) -> &'static str {
        "List Withings body measures"
    }
    fn description(&self) -> &'static str {
        "Lists the user's body measurements (weight, body composition, blood pressure, heart \
         pulse, temperature, SpO2...) taken by Withings devices or entered by hand, newest first, \
         in real units (kg, %, mmHg, bpm, °C). Use it to answer questions about specific readings \
         or trends over a period. `after`/`before` are local days in the user's time zone \
         (default: the last 30 days). Objectives and measures that may belong to someone else are \
         left out unless asked for. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: BodyMeasuresInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ListOutput>, ToolError> {
        let types = input
            .types
            .iter()
            .map(|key| {
                MeasureType::parse(key).map_err(|error| ToolError::invalid_input(error.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let window = self.0.resolve(&input.shared(), DEFAULT_DAYS).await?;
        let mut extra = Vec::new();
        if !types.is_empty() {
            let codes: Vec<String> = types.iter().map(|t| t.code().to_string()).collect();
            extra.push(("meastypes", codes.join(",")));
        }
        if !input.include_goals {
            extra.push(("category", "1".to_owned()));
        }
        let listing = self.0.fetch(&GETMEAS, &window, extra).await?;
        let timezone = listing
            .extra
            .get("timezone")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| window.tz_name.clone());
        let mut upstream: HashMap<(i64, Option<i64>), Value> = HashMap::new();
        let mut groups = Vec::new();
        for record in &listing.records {
            let group: MeasureGroup = serde_json::from_value(record.clone()).map_err(|error| {
                ToolError::upstream(format!("getmeas returned an unreadable group: {error}"))
            })?;
            upstream.insert((group.grpid, group.modified), record.clone());
            groups.push(group);
        }
        let filter = GroupFilter {
            category: (!input.include_goals).then_some(Category::Real),
            include_ambiguous: input.include_ambiguous,
            types: types.clone(),
        };
        let mut decoded = filter.apply(crate::model::decode_groups(groups, Some(&timezone)));
        decoded.reverse();
        let entries = decoded
            .iter()
            .map(|group| {
                let raw = upstream
                    .get(&(group.grpid, group.modified))
                    .cloned()
                    .unwrap_or(Value::Null);
                Entry {
                    record: group_record(group, raw, window.mode, &timezone, &types),
                    line: group_line(group, &timezone),
                    resume: Resume::At(group.date),
                }
            })
            .collect();
        let (data, lines) = envelope(&GETMEAS, &window, timezone, entries, listing.truncated);
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = markdown("Withings body measures", &output.data, lines);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

fn group_line(group: &DecodedGroup, timezone: &str) -> String {
    let values: Vec<String> = group
        .measures
        .iter()
        .map(|m| {
            let label = m.measure_type.label().to_lowercase();
            let unit = m.measure_type.unit();
            let position = m
                .position
                .map(|p| format!(" ({})", p.label().to_lowercase()))
                .unwrap_or_default();
            let value = number(m.value, 2);
            if unit.is_empty() {
                format!("{label}{position} {value}")
            } else {
                format!("{label}{position} {value} {unit}")
            }
        })
        .collect();
    let mut line = format!(
        "{}: {}",
        local_minute(group.date, timezone),
        values.join(", ")
    );
    if group.category == Category::Goal {
        line.push_str(" (goal)");
    }
    if group.ambiguous {
        line.push_str(" (possibly another person's)");
    }
    line
}

fn summary_measures(group: &DecodedGroup) -> Vec<Value> {
    group
        .measures
        .iter()
        .map(|m| {
            let mut measure = json!({
                "type": m.measure_type.key(),
                "label": m.measure_type.label(),
                "value": m.value,
                "unit": m.measure_type.unit(),
            });
            if let Some(position) = m.position {
                measure["position"] = json!(position.key());
            }
            measure
        })
        .collect()
}

fn group_record(
    group: &DecodedGroup,
    raw: Value,
    mode: PrivacyMode,
    timezone: &str,
    types: &[MeasureType],
) -> Value {
    let local = group
        .local_time
        .clone()
        .or_else(|| crate::model::local_time(group.date, timezone));
    match mode {
        PrivacyMode::Raw => raw,
        PrivacyMode::Summary => {
            let mut record = json!({
                "date": local,
                "measures": summary_measures(group),
            });
            if group.category == Category::Goal {
                record["goal"] = json!(true);
            }
            if group.ambiguous {
                record["ambiguous"] = json!(true);
            }
            record
        }
        PrivacyMode::Structured => {
            let mut record = Map::new();
            record.insert("local_time".into(), json!(local));
            record.insert("timezone".into(), json!(timezone));
            record.insert("values".into(), json!(summary_measures(group)));
            record.insert("category_key".into(), json!(group.category.key()));
            record.insert("attrib_key".into(), json!(group.attrib.key()));
            record.insert("ambiguous".into(), json!(group.ambiguous));
            record.insert("device_model".into(), json!(group.device.model));
            if let Value::Object(mut upstream) = raw {
                if !types.is_empty()
                    && let Some(Value::Array(measures)) = upstream.get_mut("measures")
                {
                    measures.retain(|m| {
                        m.get("type")
                            .and_then(Value::as_i64)
                            .is_some_and(|code| types.iter().any(|t| t.code() == code))
                    });
                }
                record.extend(upstream);
            }
            Value::Object(record)
        }
    }
}
