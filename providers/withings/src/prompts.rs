//! The Withings prompts: conversation starters that tell an agent which tools to
//! call in which order and what a good answer looks like, so a check-in costs a
//! summary call or two instead of a crawl through every list.

use std::sync::Arc;

use delx_framework::time::{DateInput, local_date, zone};
use delx_framework::{
    Prompt, PromptArgs, PromptArgument, PromptMessage, PromptReply, PromptSpec, ToolError,
    async_trait,
};

use crate::tools::ToolContext;

pub fn all(ctx: &Arc<ToolContext>) -> Vec<Arc<dyn Prompt>> {
    vec![
        Arc::new(DailyCheckin),
        Arc::new(WeeklyReview),
        Arc::new(BodySleepInvestigation(ctx.clone())),
    ]
}

const GROUND_RULES: &str = "Answer in short bullets, no tables. Quote the numbers you rely on \
     and say which data is missing rather than guessing. This is wellness context from consumer \
     devices: no diagnosis, no treatment advice; suggest a clinician for symptoms or unusual \
     readings.";

struct DailyCheckin;

#[async_trait]
impl Prompt for DailyCheckin {
    fn spec(&self) -> PromptSpec {
        PromptSpec {
            name: "withings_daily_checkin",
            title: "Withings daily check-in",
            description: "A short check-in on today from the user's Withings data, optionally \
                          focused on one area.",
            arguments: vec![PromptArgument {
                name: "focus",
                title: "Focus",
                description: "What to look at most: sleep, activity, body measures, recovery, \
                              heart or blood pressure.",
                required: false,
            }],
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        let focus = argument(args, "focus", 80)?;
        let topic = focus
            .map(|focus| format!(" with a focus on {focus}"))
            .unwrap_or_default();
        let text = format!(
            "Give me my daily check-in from Withings{topic}.\n\n\
             1. Call withings_connection_status; if it is not ready, walk me through its next \
             steps and stop.\n\
             2. Call withings_daily_summary with response_format json.\n\
             3. Only if a question remains open, call one list tool for the detail (for example \
             withings_list_sleep for last night's stages).\n\n\
             Then tell me: the one signal that matters most today; what changed against my \
             recent days; up to three concrete things to do today; how complete the data was. \
             {GROUND_RULES}"
        );
        Ok(reply("Daily check-in", text))
    }

    async fn complete(&self, argument: &str, _context: &PromptArgs) -> Vec<String> {
        match argument {
            "focus" => [
                "sleep",
                "activity",
                "body measures",
                "recovery",
                "heart",
                "blood pressure",
            ]
            .map(str::to_owned)
            .to_vec(),
            _ => Vec::new(),
        }
    }
}

struct WeeklyReview;

#[async_trait]
impl Prompt for WeeklyReview {
    fn spec(&self) -> PromptSpec {
        PromptSpec {
            name: "withings_weekly_review",
            title: "Withings weekly review",
            description: "A review of the past week against the week before, with a plan for \
                          next week, optionally toward a goal.",
            arguments: vec![PromptArgument {
                name: "goal",
                title: "Goal",
                description: "What the user is working toward, e.g. fat loss, endurance base, \
                              sleep repair.",
                required: false,
            }],
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        let goal = argument(args, "goal", 120)?;
        let toward = goal
            .map(|goal| format!(" My goal is {goal}; judge the week against it."))
            .unwrap_or_default();
        let text = format!(
            "Review my last week of Withings data.{toward}\n\n\
             1. Call withings_connection_status; if it is not ready, walk me through its next \
             steps and stop.\n\
             2. Call withings_weekly_summary with response_format json (7 days against the 7 \
             before).\n\
             3. For each bottleneck it reports, you may call one list tool over the same days \
             (withings_list_sleep_summary, withings_list_activity, withings_list_body_measures) \
             to see which days drove it.\n\n\
             Then give me: a scorecard of the week; what improved and what slipped; the \
             bottlenecks with their numbers; next week's plan as measurable targets; what the \
             data cannot tell. {GROUND_RULES}"
        );
        Ok(reply("Weekly review", text))
    }

    async fn complete(&self, argument: &str, _context: &PromptArgs) -> Vec<String> {
        match argument {
            "goal" => [
                "fat loss",
                "endurance base",
                "sleep repair",
                "strength",
                "blood pressure",
                "general health",
            ]
            .map(str::to_owned)
            .to_vec(),
            _ => Vec::new(),
        }
    }
}

struct BodySleepInvestigation(Arc<ToolContext>);

#[async_trait]
impl Prompt for BodySleepInvestigation {
    fn spec(&self) -> PromptSpec {
        PromptSpec {
            name: "withings_body_sleep_investigation",
            title: "Withings body and sleep investigation",
            description: "Looks at body measures and sleep side by side over a period, to see \
                          whether they moved together.",
            arguments: vec![
                PromptArgument {
                    name: "after",
                    title: "From",
                    description: "First local day, YYYY-MM-DD (or an ISO 8601 date-time).",
                    required: true,
                },
                PromptArgument {
                    name: "before",
                    title: "Until",
                    description: "Last local day, YYYY-MM-DD (or an ISO 8601 date-time). \
                                  Default: today.",
                    required: false,
                },
            ],
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        let after = self.date(args, "after")?;
        let before = self.date(args, "before")?;
        let window = match &before {
            Some(before) => format!(
                "\"after\": \"{}\", \"before\": \"{before}\"",
                after.unwrap_or_default()
            ),
            None => format!("\"after\": \"{}\"", after.unwrap_or_default()),
        };
        let text = format!(
            "Investigate how my body measures and my sleep relate over this period.\n\n\
             1. Call withings_list_body_measures and withings_list_sleep_summary, both with \
             {{{window}, \"response_format\": \"json\", \"all_pages\": true}}.\n\
             2. Call withings_body_trends over the same days for the weight and composition \
             trend.\n\n\
             Then explain: how each moved over the period; any stretch where they moved \
             together, with dates; gaps in the data and what they hide; what such data can and \
             cannot show (correlation is not cause); whether sleep stages or activity are worth \
             a closer look. No alarm, no diagnosis. {GROUND_RULES}"
        );
        Ok(reply("Body and sleep investigation", text))
    }

    async fn complete(&self, argument: &str, _context: &PromptArgs) -> Vec<String> {
        if !matches!(argument, "after" | "before") {
            return Vec::new();
        }
        // Completion must be instant: the zone already known, else UTC.
        let tz_name = self.0.known_timezone().unwrap_or_else(|| "UTC".to_owned());
        let Ok(tz) = zone(&tz_name) else {
            return Vec::new();
        };
        let today = local_date(jiff::Timestamp::now(), &tz);
        [0, 7, 14, 30, 90, 180, 365]
            .into_iter()
            .filter_map(|back| today.checked_sub(jiff::Span::new().days(back)).ok())
            .map(|day| day.to_string())
            .collect()
    }
}

impl BodySleepInvestigation {
    /// A date argument, checked so a typo fails here and not in the tool call.
    fn date(&self, args: &PromptArgs, name: &str) -> Result<Option<String>, ToolError> {
        let Some(text) = argument(args, name, 40)? else {
            return Ok(None);
        };
        let tz = zone("UTC").map_err(|error| ToolError::internal(error.to_string()))?;
        DateInput::parse(&text, &tz).map_err(|error| {
            ToolError::invalid_input(format!("`{name}`: {error}"))
                .with_next_step("Use a day such as 2026-03-01 or an ISO 8601 date-time.")
        })?;
        Ok(Some(text))
    }
}

/// A trimmed optional argument, refused when longer than `max` characters or
/// spanning lines (it is pasted into the prompt text).
fn argument(args: &PromptArgs, name: &str, max: usize) -> Result<Option<String>, ToolError> {
    let Some(value) = args.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max || value.contains(['\n', '\r']) {
        return Err(ToolError::invalid_input(format!(
            "`{name}` must be one line of at most {max} characters"
        )));
    }
    Ok(Some(value.to_owned()))
}

fn reply(description: &str, text: String) -> PromptReply {
    PromptReply {
        description: Some(description.to_owned()),
        messages: vec![PromptMessage::user(text)],
    }
}
